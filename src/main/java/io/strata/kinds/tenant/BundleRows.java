package io.strata.kinds.tenant;

import io.strata.config.TenantJobConfig;
import io.strata.db.Sql;
import io.strata.kinds.rows.RowsExport;
import io.strata.unit.UnitTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * The rows of one bundle (a tenant's, or a window's: its root rows are then the window's, as a row batch of the job
 * would take them), found and locked in load order: each table's rows go, with their ctid, into a
 * temp table of the unit's transaction in their database ({@code strata_b{n}}, dropped at its end), taken
 * {@code FOR UPDATE} so that none changes until the commit. A row joins by the operator's {@code where}, or by
 * foreign key: it references a row of the bundle, and none of its references to other bundle tables leaves the
 * bundle; in such a table that references itself, a row that references one of its bundle rows joins too, in turn
 * (the replies to a comment of the tenant). Then {@link #markKept} keeps (exports but does not delete) every row that a
 * row staying in its database still references: a student in two schools stays with the other school. Membership,
 * replies, carried parameters and keeping are one class (some 300 lines): each reads the others' temp tables.
 */
final class BundleRows {

    /** The transaction's setting that carries {@code :tenant} into a statement run by {@link #selectByParameters}. */
    private static final String TENANT_SETTING = "strata.bundle_tenant";

    private final TenantPlan plan;
    private final Map<String, UnitTransaction> txs;
    private final TenantRequest request;
    private final String tenant;

    BundleRows(TenantPlan plan, Map<String, UnitTransaction> txs, TenantRequest request) {
        this.plan = plan;
        this.txs = txs;
        this.request = request;
        this.tenant = request.tenant();
    }

    Connection connection(BundleTable t) {
        return txs.get(t.database()).connection();
    }

    void collect() throws SQLException {
        if (request.window() != null) {
            RowsExport.bindTenant(txs.get(TenantJobConfig.MAIN).connection(), request.window());
        }
        for (BundleTable t : plan.order()) {
            Connection c = connection(t);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TEMP TABLE strata_b" + t.index() + " ON COMMIT DROP AS SELECT ctid AS strata_ctid,"
                        + " false AS strata_keep, " + t.columnList("strata_t") + " FROM " + t.quoted() + " AS strata_t WITH NO DATA");
            }
            String insert = "INSERT INTO " + t.temp() + " SELECT strata_t.ctid, false, " + t.columnList("strata_t") + " FROM "
                    + t.quoted() + " AS strata_t WHERE ";
            if (t.index() > 0 && !t.params().isEmpty()) {
                selectByParameters(t, c, insert);
            } else {
                try (PreparedStatement ps = c.prepareStatement(insert + membership(t) + " FOR UPDATE OF strata_t")) {
                    if (t.index() == 0 && request.window() == null) {
                        ps.setString(1, tenant);
                    }
                    ps.executeUpdate();
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE INDEX ON " + t.temp() + " (strata_ctid)");
                st.execute("ANALYZE " + t.temp());
            }
            followSelf(t, c);
        }
    }

    /**
     * A table reached by foreign key that references itself: a row that references one of its bundle rows joins too
     * when none of its references to other bundle tables points outside the bundle (a reply to a comment of the
     * tenant, but not a reply written in another school), and so on, one statement a generation, until one adds no
     * row. Each takes only rows not in the temp table yet, so a row is in it once, cycles included. A row whose parent
     * of its own table is outside the bundle may still have joined by its other references: that parent stays where
     * it is. Not the root (a row that references a root row is another tenant's), nor a table with a {@code where}:
     * the condition says alone which rows are the tenant's (a reply it leaves out may be another tenant's; it stays,
     * and keeps what it references), and it can follow the reference itself with {@code WITH RECURSIVE}.
     */
    private void followSelf(BundleTable t, Connection c) throws SQLException {
        List<BundleTable.ForeignKey> self = t.selfReferences();
        if (t.index() == 0 || t.where() != null || self.isEmpty()) {
            return;
        }
        String sql = "INSERT INTO " + t.temp() + " SELECT strata_t.ctid, false, " + t.columnList("strata_t") + " FROM "
                + t.quoted() + " AS strata_t WHERE " + joins(t, self) + " AND NOT EXISTS (SELECT 1 FROM " + t.temp()
                + " x WHERE x.strata_ctid = strata_t.ctid) FOR UPDATE OF strata_t";
        try (Statement st = c.createStatement()) {
            long added = 0;
            for (int n = st.executeUpdate(sql); n > 0; n = st.executeUpdate(sql)) {
                added += n;
            }
            if (added > 0) {
                st.execute("ANALYZE " + t.temp());
            }
        }
    }

    private String membership(BundleTable t) {
        if (t.index() == 0 && request.window() != null) {
            // The window's rows, as a row batch of the job would take them (its tenant a bound setting).
            return "(" + RowsExport.partitionRows(request.window(), request.run().table()) + ")";
        }
        if (t.index() == 0) {
            return "strata_t." + Sql.ident(plan.job().key()) + " = CAST(CAST(? AS text) AS " + plan.rootKeyType() + ")";
        }
        if (t.where() != null) {
            return "(" + t.where() + ")";
        }
        return joins(t, t.parents());
    }

    /**
     * One of {@code through} (foreign keys of {@code t} to bundle tables) points at a bundle row, and none of t's
     * references to other bundle tables points outside the bundle.
     */
    private String joins(BundleTable t, List<BundleTable.ForeignKey> through) {
        List<String> inside = new ArrayList<>();
        for (BundleTable.ForeignKey fk : through) {
            inside.add(match(t, fk));
        }
        List<String> outside = new ArrayList<>();
        for (BundleTable.ForeignKey fk : t.parents()) {
            StringBuilder set = new StringBuilder();
            for (int i = 0; i < fk.columns().size(); i++) {
                set.append(i == 0 ? "" : " AND ").append("strata_t.").append(Sql.ident(fk.columns().get(i))).append(" IS NOT NULL");
            }
            outside.add("NOT (" + set + " AND NOT " + match(t, fk) + ")");
        }
        return "(" + String.join(" OR ", inside) + ")"
                + (outside.isEmpty() ? "" : " AND " + String.join(" AND ", outside));
    }

    /** The row {@code strata_t} of {@code t} references, through {@code fk}, a row of the bundle. */
    private String match(BundleTable t, BundleTable.ForeignKey fk) {
        BundleTable parent = table(t.database(), fk.parent());
        StringBuilder match = new StringBuilder("EXISTS (SELECT 1 FROM " + parent.temp() + " p WHERE ");
        for (int i = 0; i < fk.columns().size(); i++) {
            match.append(i == 0 ? "" : " AND ").append("p.").append(Sql.ident(fk.parentColumns().get(i)))
                    .append(" = strata_t.").append(Sql.ident(fk.columns().get(i)));
        }
        return match.append(')').toString();
    }

    /**
     * The rows of a table whose {@code where} has parameters. A column's values never pass through the JVM: the
     * statement runs as a PL/pgSQL {@code EXECUTE … USING}, each value computed by the server — {@code :tenant} from a
     * setting of the transaction set through a bound parameter, a column's distinct values from the temp table of the
     * bundle that holds them ({@link #carried}) — so that PostgreSQL plans it with the values at hand, as it planned the
     * bound parameters before: {@code x = ANY(…)} over a million values is a hash lookup, not a scan of the array for
     * every row. The condition is the one {@link TenantPlan} prepared at start, with {@code $k} for {@code ?}.
     */
    private void selectByParameters(BundleTable t, Connection c, String insert) throws SQLException {
        List<String> using = new ArrayList<>();
        Map<String, String> carried = new HashMap<>();
        String where = plan.where(t).render(name -> {
            using.add(name);
            return plan.parameter(name, "$" + using.size());
        });
        List<String> values = new ArrayList<>();
        for (String name : using) {
            if (name.equals("tenant")) {
                values.add(tenant == null ? "CAST(NULL AS text)" : "current_setting('" + TENANT_SETTING + "')");
                continue;
            }
            String source = carried.get(name);
            if (source == null) {
                source = carried(t, name, c, carried.size());
                carried.put(name, source);
            }
            values.add(source);
        }
        if (using.contains("tenant") && tenant != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('" + TENANT_SETTING + "', ?, true)")) {
                ps.setString(1, tenant);
                ps.execute();
            }
        }
        String sql = insert + "(" + where + ") FOR UPDATE OF strata_t";
        String q = tag("strata_q", sql);
        String body = "BEGIN EXECUTE " + q + sql + q + " USING " + String.join(", ", values) + "; END";
        String d = tag("strata_do", body);
        try (Statement st = c.createStatement()) {
            st.execute("DO " + d + body + d);
        }
    }

    /**
     * The distinct values, as text, of {@code name} ({@code schema.table.column}) over the bundle's rows of that
     * table: an expression of {@code t}'s database. In the same database it reads the source's temp table; from
     * another one, the values stream by {@code COPY} into a temp table of this transaction first
     * ({@code strata_p{index}_{k}}, typed as the column, dropped at the commit), row by row: nothing holds them all.
     * NULL is left out, and no values at all give an empty array (not NULL), so that {@code x = ANY(…)} is false, as
     * it was when the values were bound.
     */
    private String carried(BundleTable t, String name, Connection c, int k) throws SQLException {
        String[] parts = name.split("\\.");
        BundleTable from = plan.order().stream().filter(o -> o.qualified().equals(parts[0] + "." + parts[1]))
                .findFirst().orElseThrow();
        String column = Sql.ident(parts[2]);
        String values = "SELECT DISTINCT " + column + "::text FROM " + from.temp() + " WHERE " + column + " IS NOT NULL";
        if (from.database().equals(t.database())) {
            return "(SELECT COALESCE(array_agg(v), '{}') FROM (" + values + ") AS strata_v(v))";
        }
        String temp = "pg_temp.strata_p" + t.index() + "_" + k;
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE strata_p" + t.index() + "_" + k + " (v " + plan.type(name) + ") ON COMMIT DROP");
        }
        CopyOut out = connection(from).unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + values + ") TO STDOUT");
        CopyIn in = null;
        try {
            in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + temp + " (v) FROM STDIN");
            for (byte[] row = out.readFromCopy(); row != null; row = out.readFromCopy()) {
                in.writeToCopy(row, 0, row.length);
            }
            in.endCopy();
        } finally {
            if (out.isActive()) {
                out.cancelCopy();
            }
            if (in != null && in.isActive()) {
                in.cancelCopy();
            }
        }
        return "(SELECT COALESCE(array_agg(v::text), '{}') FROM " + temp + ")";
    }

    /** A dollar-quote tag that {@code text} does not hold, so that quoting it needs no escape. */
    private static String tag(String name, String text) {
        String tag = "$" + name + "$";
        for (int i = 1; text.contains(tag); i++) {
            tag = "$" + name + i + "$";
        }
        return tag;
    }

    BundleTable table(String database, String qualified) {
        return plan.order().stream().filter(o -> o.database().equals(database) && o.qualified().equals(qualified))
                .findFirst().orElseThrow();
    }

    /**
     * Children first: a row stays (kept) when a row of its database that stays references it — a row outside the
     * bundle, or a bundle row kept itself. In a table that references itself, a kept row keeps the rows it references
     * in turn: after its other references, a statement a generation until one keeps no more.
     */
    void markKept() throws SQLException {
        List<BundleTable> order = plan.order();
        for (int i = order.size() - 1; i >= 0; i--) {
            BundleTable t = order.get(i);
            List<String> self = new ArrayList<>();
            for (BundleTable.ForeignKey fk : t.referencedBy()) {
                BundleTable child = plan.order().stream()
                        .filter(o -> o.database().equals(t.database()) && o.qualified().equals(fk.child())).findFirst().orElse(null);
                String[] c = fk.child().split("\\.", 2);
                StringBuilder sql = new StringBuilder("UPDATE " + t.temp() + " k SET strata_keep = true WHERE NOT strata_keep"
                        + " AND EXISTS (SELECT 1 FROM " + Sql.ident(c[0]) + "." + Sql.ident(c[1]) + " r WHERE ");
                for (int j = 0; j < fk.columns().size(); j++) {
                    sql.append(j == 0 ? "" : " AND ").append("r.").append(Sql.ident(fk.columns().get(j))).append(" = k.")
                            .append(Sql.ident(fk.parentColumns().get(j)));
                }
                if (child != null) {
                    sql.append(" AND NOT EXISTS (SELECT 1 FROM ").append(child.temp())
                            .append(" x WHERE x.strata_ctid = r.ctid AND NOT x.strata_keep)");
                }
                sql.append(')');
                if (fk.child().equals(t.qualified())) {
                    self.add(sql.toString());
                    continue;
                }
                try (Statement st = connection(t).createStatement()) {
                    st.executeUpdate(sql.toString());
                }
            }
            long kept = self.isEmpty() ? 0 : 1;
            while (kept > 0) {
                kept = 0;
                try (Statement st = connection(t).createStatement()) {
                    for (String sql : self) {
                        kept += st.executeUpdate(sql);
                    }
                }
            }
        }
    }

    /** The root's rows, and the rows of every table that leave it (not kept): a window with none is not archived. */
    long[] counts() throws SQLException {
        long root = 0;
        long leaving = 0;
        for (BundleTable t : plan.order()) {
            try (Statement st = connection(t).createStatement(); ResultSet rs = st.executeQuery("SELECT count(*),"
                    + " count(*) FILTER (WHERE NOT strata_keep) FROM " + t.temp())) {
                rs.next();
                root += t.index() == 0 ? rs.getLong(1) : 0;
                leaving += rs.getLong(2);
            }
        }
        return new long[] {root, leaving};
    }

    static boolean main(BundleTable t) {
        return t.database().equals(TenantJobConfig.MAIN);
    }
}
