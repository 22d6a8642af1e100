package io.strata.kinds.tenant;

import io.strata.config.TenantJobConfig;
import io.strata.db.Column;
import io.strata.db.Database;
import io.strata.db.Sql;
import io.strata.text.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deletes of a bundle's rows in databases other than the main one (docs/tenants.md). Their keys (and each row's
 * digest) are written to {@code tenant_pending} in the main database's transaction, the one that records the
 * manifest row; the other database's delete commits after it, and then the pending rows go. Should the process die
 * between the two commits, {@link #complete} (every tenant run, and verify) deletes the rows those keys name whose
 * digest is still the archived one — the rows that are in the bundle — and removes the pending row.
 */
public final class PendingDeletes {

    private static final Logger LOG = LoggerFactory.getLogger(PendingDeletes.class);
    private static final int KEYS_PER_ROW = 10_000;

    private final Map<String, Database> databases;
    private final String schema;

    PendingDeletes(Map<String, Database> databases, String schema) {
        this.databases = databases;
        this.schema = Sql.ident(schema);
    }

    /** Writes the keys of the rows {@code database} will delete; false when it deletes none. */
    boolean record(Connection main, long manifestId, String database, TenantBatch b) throws SQLException {
        boolean any = false;
        Connection other = b.txs.get(database).connection();
        for (TenantBatch.Entry e : b.entries) {
            BundleTable t = e.table;
            if (!t.database().equals(database) || e.rows == e.kept) {
                continue;
            }
            any = true;
            StringBuilder key = new StringBuilder();
            for (String k : t.key()) {
                key.append("r.").append(Sql.ident(k)).append(", ");
            }
            String sql = "SELECT jsonb_build_array(" + key + "hashtextextended(r::text, 0))::text FROM (SELECT "
                    + t.columnList(null) + " FROM " + t.temp() + " WHERE NOT strata_keep) r";
            try (Statement st = other.createStatement()) {
                st.setFetchSize(KEYS_PER_ROW);
                try (ResultSet rs = st.executeQuery(sql)) {
                    StringBuilder keys = new StringBuilder();
                    int n = 0;
                    while (rs.next()) {
                        keys.append(n == 0 ? "[" : ",").append(rs.getString(1));
                        if (++n == KEYS_PER_ROW) {
                            insert(main, manifestId, t, keys.append(']').toString());
                            keys.setLength(0);
                            n = 0;
                        }
                    }
                    if (n > 0) {
                        insert(main, manifestId, t, keys.append(']').toString());
                    }
                }
            }
        }
        return any;
    }

    private void insert(Connection main, long manifestId, BundleTable t, String keys) throws SQLException {
        try (PreparedStatement ps = main.prepareStatement("INSERT INTO " + schema + ".tenant_pending (manifest_id, database,"
                + " table_name, key_columns, keys) VALUES (?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb))")) {
            ps.setLong(1, manifestId);
            ps.setString(2, t.database());
            ps.setString(3, t.qualified());
            ps.setString(4, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
                    .addAll(t.key().stream().map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList()).toString());
            ps.setString(5, keys);
            ps.executeUpdate();
        }
    }

    /** Removes the pending rows of a bundle whose other databases committed. */
    void clear(long manifestId) throws SQLException {
        try (Connection c = databases.get(TenantJobConfig.MAIN).connection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema + ".tenant_pending WHERE manifest_id = ?")) {
            ps.setLong(1, manifestId);
            ps.executeUpdate();
            c.commit();
        }
    }

    /** What {@link #complete} did: pending rows completed, rows deleted, rows left because they changed since. */
    public record Completed(int pending, long deleted, long changed) {}

    /**
     * Completes every pending delete: per bundle and database, in one transaction there, children first (the reverse
     * of the order they were recorded in), the rows of its keys whose digest is still the archived one are deleted;
     * that commits, then the pending rows go. Idempotent: a crash anywhere in it is completed by the next call.
     * A row that changed since the bundle stays, and so does a row that one of those still references (the delete
     * falls back to one key at a time on a foreign-key refusal). A row refused only because a row deleted after it
     * (later in its table's keys: a table that references itself) still referenced it goes in another round: the
     * rounds go on while one refused a key and deleted rows. Pending rows of a database this configuration does not
     * name, or whose delete fails otherwise, are left and logged.
     */
    public synchronized Completed complete() throws SQLException {
        int done = 0;
        long deleted = 0;
        long changed = 0;
        Map<String, List<Object[]>> groups = new java.util.LinkedHashMap<>();
        try (Connection c = databases.get(TenantJobConfig.MAIN).connection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, database, table_name, key_columns::text, jsonb_array_length(keys),"
                        + " manifest_id FROM " + schema + ".tenant_pending ORDER BY manifest_id, database, id DESC")) {
            while (rs.next()) {
                groups.computeIfAbsent(rs.getLong(6) + "|" + rs.getString(2), k -> new ArrayList<>()).add(new Object[] {
                        rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)});
            }
            c.rollback();
        }
        for (Map.Entry<String, List<Object[]>> g : groups.entrySet()) {
            String dbName = (String) g.getValue().get(0)[1];
            Database db = databases.get(dbName);
            if (db == null) {
                LOG.warn("pending deletes {} name database {}, which strata.databases does not: left as they are", g.getKey(), dbName);
                continue;
            }
            long n = 0;
            long expected = 0;
            List<Long> ids = new ArrayList<>();
            try (Connection c = db.connection()) {
                try {
                    Deleted round;
                    do {
                        round = new Deleted(0, false);
                        for (Object[] p : g.getValue()) {
                            round = round.plus(deleteKeys(c, (Long) p[0], (String) p[2], readKey((String) p[3])));
                        }
                        n += round.rows();
                    } while (round.refused() && round.rows() > 0);
                    for (Object[] p : g.getValue()) {
                        expected += (Long) p[4];
                        ids.add((Long) p[0]);
                    }
                    c.commit();
                } catch (SQLException | java.io.IOException e) {
                    c.rollback();
                    LOG.warn("pending deletes {} in {} could not complete, left for the next run: {}", g.getKey(), dbName,
                            e.getMessage());
                    continue;
                }
            }
            try (Connection c = databases.get(TenantJobConfig.MAIN).connection();
                    PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema + ".tenant_pending WHERE id = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                ps.executeUpdate();
                c.commit();
            }
            done++;
            deleted += n;
            changed += expected - n;
            LOG.info("pending deletes of {} completed: {} of {} row(s) deleted in {}{}", g.getKey(), n, expected, dbName,
                    n < expected ? " (the others were gone or had changed since the bundle: they stay)" : "");
        }
        return new Completed(done, deleted, changed);
    }

    /** Rows deleted, and whether a key's row was refused by a foreign key (it stays, this round). */
    private record Deleted(long rows, boolean refused) {
        Deleted plus(Deleted d) {
            return new Deleted(rows + d.rows, refused || d.refused);
        }
    }

    private Deleted deleteKeys(Connection c, long id, String tableName, List<String> key)
            throws SQLException, java.io.IOException {
        String keys;
        try (Connection m = databases.get(TenantJobConfig.MAIN).connection();
                PreparedStatement ps = m.prepareStatement("SELECT keys::text FROM " + schema + ".tenant_pending WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Deleted(0, false);
                }
                keys = rs.getString(1);
            }
            m.rollback();
        }
        String[] table = tableName.split("\\.", 2);
        String quoted = Sql.ident(table[0]) + "." + Sql.ident(table[1]);
        List<Column> cols = Column.of(c, quoted);
        StringBuilder sql = new StringBuilder("DELETE FROM " + quoted + " AS strata_t USING jsonb_array_elements(CAST(? AS jsonb)) AS e WHERE ");
        for (int i = 0; i < key.size(); i++) {
            String k = key.get(i);
            String type = cols.stream().filter(col -> col.name().equals(k)).map(Column::type).findFirst().orElse("text");
            sql.append("strata_t.").append(Sql.ident(k)).append(" = CAST(e->>").append(i).append(" AS ").append(type).append(") AND ");
        }
        sql.append("hashtextextended(strata_t::text, 0) = CAST(e->>").append(key.size()).append(" AS bigint)");
        java.sql.Savepoint all = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setString(1, keys);
            return new Deleted(ps.executeUpdate(), false);
        } catch (SQLException e) {
            if (!"23503".equals(e.getSQLState())) {
                throw e;
            }
            // A row that changed since the bundle stayed, and still references some of these: they stay too.
            c.rollback(all);
        }
        long n = 0;
        boolean refused = false;
        for (com.fasterxml.jackson.databind.JsonNode one : Json.mapper().readTree(keys)) {
            java.sql.Savepoint row = c.setSavepoint();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                ps.setString(1, "[" + one + "]");
                n += ps.executeUpdate();
                c.releaseSavepoint(row);
            } catch (SQLException e) {
                if (!"23503".equals(e.getSQLState())) {
                    throw e;
                }
                c.rollback(row);
                refused = true;
            }
        }
        return new Deleted(n, refused);
    }

    private static List<String> readKey(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readerForListOf(String.class).readValue(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
