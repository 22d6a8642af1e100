package io.strata.kinds.offload;

import io.strata.config.JobConfig;
import io.strata.config.OffloadConfig;
import io.strata.db.Column;
import io.strata.db.Sql;
import io.strata.export.OffloadTable;
import io.strata.export.Partition;
import io.strata.export.TableInfo;
import io.strata.kinds.rows.JsonRows;
import io.strata.kinds.rows.RowsExport;
import io.strata.unit.UnitExport;
import io.strata.unit.UnitTransaction;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * The column offload: a unit is one window of one table (and one tenant), and its object holds the key and the
 * offloaded columns of the window's rows that still hold a value in them. One statement writes them and sets
 * them to NULL (the flag column true, the ref column to the object's manifest id):
 *
 * <pre>
 * COPY (WITH old AS (SELECT key, cols FROM t WHERE window AND NOT (cols all NULL) FOR NO KEY UPDATE),
 *            upd AS (UPDATE t SET cols = NULL, flag = true, ref = id FROM old WHERE t.key = old.key RETURNING old.*)
 *       SELECT * FROM upd) TO STDOUT
 * </pre>
 *
 * The rows locked are the rows exported are the rows NULLed (docs/archive.md, "Offloading a column"): under READ
 * COMMITTED a row an application changed before the lock is read in its newest version (PostgreSQL re-checks it),
 * and one it changes after waits for the unit's commit and keeps its new value, which a later run offloads as a
 * new chunk.
 */
public final class OffloadExport implements UnitExport {

    /** The transaction-local setting that carries the object's manifest id into the COPY statement. */
    static final String REF_SETTING = "strata.offload_ref";
    private static final String SIZES = "pg_temp.strata_offload_size";

    private final String schema;

    public OffloadExport(String schema) {
        this.schema = schema;
    }

    @Override
    public long export(UnitTransaction tx, Partition p, TableInfo table, OutputStream out) throws SQLException, IOException {
        Connection c = tx.connection();
        RowsExport.bindTenant(c, p);
        boolean ref = p.job().offload().refColumn() != null;
        if (ref) {
            // COPY takes no bind parameters: the id goes in as a setting of the transaction, set through one.
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('" + REF_SETTING + "', ?, true)")) {
                ps.setString(1, String.valueOf(tx.manifestId(schema)));
                ps.execute();
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE IF NOT EXISTS strata_offload_size (rows bigint, bytes bigint) ON COMMIT DROP");
        }
        return c.unwrap(PGConnection.class).getCopyAPI().copyOut(copySql(p, table), out);
    }

    @Override
    public long kept(UnitTransaction tx, Partition p, TableInfo table) {
        return 0;
    }

    @Override
    public boolean alreadyExported(UnitTransaction tx, Partition p) {
        return false;
    }

    @Override
    public String kind() {
        return "offload";
    }

    /** The key first, then the offloaded columns, as the job names them. */
    @Override
    public List<Column> columns(Partition p, TableInfo table) {
        return exported(p.job(), table);
    }

    private static List<Column> exported(JobConfig job, TableInfo table) {
        return job.offload().exportedColumns().stream()
                .map(name -> table.columns().stream().filter(col -> col.name().equals(name)).findFirst().orElseThrow())
                .toList();
    }

    /** The bytes the offloaded values took in the table, measured by the statement before it NULLed them. */
    @Override
    public Long sourceBytes(UnitTransaction tx) throws SQLException {
        try (Statement st = tx.connection().createStatement(); ResultSet rs = st.executeQuery("SELECT bytes FROM " + SIZES)) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    /** The one statement that locks, writes and NULLs the unit's values. */
    static String copySql(Partition p, TableInfo table) {
        JobConfig job = p.job();
        OffloadConfig o = job.offload();
        String key = Sql.ident(o.key());
        List<String> cols = o.columns().stream().map(Sql::ident).toList();
        String size = String.join(" + ", cols.stream().map(col -> "coalesce(pg_column_size(" + col + "), 0)").toList());
        StringBuilder set = new StringBuilder(String.join(", ", cols.stream().map(col -> col + " = NULL").toList()));
        if (o.flagColumn() != null) {
            set.append(", ").append(Sql.ident(o.flagColumn())).append(" = true");
        }
        if (o.refColumn() != null) {
            set.append(", ").append(Sql.ident(o.refColumn())).append(" = current_setting('" + REF_SETTING + "')::bigint");
        }
        String returning = String.join(", ", o.exportedColumns().stream().map(col -> "old." + Sql.ident(col)).toList());
        String with = "WITH old AS (SELECT " + key + ", " + String.join(", ", cols) + ", " + size + " AS strata_size FROM "
                + table.qualifiedName() + " WHERE " + RowsExport.partitionRows(p, table) + " AND " + key + " IS NOT NULL AND "
                + OffloadTable.pending(job, null) + " FOR NO KEY UPDATE),"
                + " upd AS (UPDATE " + table.qualifiedName() + " AS strata_t SET " + set + " FROM old WHERE strata_t." + key
                + " = old." + key + " RETURNING " + returning + "),"
                + " sizes AS (INSERT INTO " + SIZES + " SELECT count(*), coalesce(sum(strata_size), 0) FROM old) ";
        if (job.format() == JobConfig.Format.CSV) {
            return "COPY (" + with + "SELECT * FROM upd) TO STDOUT (FORMAT csv, HEADER)";
        }
        // As for rows (RowsExport): each line is the JSON object as PostgreSQL wrote it, JSONL format version 2.
        String line = JsonRows.line("strata_row", exported(job, table));
        return "COPY (" + with + "SELECT " + line + " FROM upd AS strata_row) TO STDOUT (FORMAT csv, QUOTE E'\\x01',"
                + " DELIMITER E'\\x02')";
    }
}
