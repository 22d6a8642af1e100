package io.strata.kinds.rows;

import io.strata.config.JobConfig;
import io.strata.db.Sql;
import io.strata.export.Partition;
import io.strata.export.PartitionFinder;
import io.strata.export.TableInfo;
import io.strata.unit.UnitExport;
import io.strata.unit.UnitTransaction;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.postgresql.PGConnection;

/**
 * The row archive: a unit is one window of one table (and one tenant when the job splits by tenant), and
 * one statement both writes its rows and deletes them — {@code COPY (DELETE … RETURNING *) TO STDOUT} — so
 * the rows deleted are the rows exported by construction (docs/archive.md). Export-only jobs
 * ({@code delete: false}) SELECT instead, once per window.
 */
public final class RowsExport implements UnitExport {

    /** The transaction-local setting that carries the partition's tenant value into its COPY statement. */
    static final String TENANT_SETTING = "strata.tenant";

    private final PartitionFinder finder;

    public RowsExport(String schema) {
        this.finder = new PartitionFinder(schema);
    }

    @Override
    public long export(UnitTransaction tx, Partition p, TableInfo table, OutputStream out) throws SQLException, IOException {
        bindTenant(tx.connection(), p);
        return tx.connection().unwrap(PGConnection.class).getCopyAPI().copyOut(copySql(p, table), out);
    }

    @Override
    public boolean alreadyExported(UnitTransaction tx, Partition p) throws SQLException {
        return !p.job().delete() && finder.exported(tx.connection(), p.job(), p.window(), p.tenantSplit(), p.tenant());
    }

    /**
     * The rows of the partition that the batch left in the table because other rows reference them. Counted in the
     * batch's transaction after its DELETE, which it no longer sees: one index range scan over the window,
     * and a lookup of the references for the rows that stayed only.
     */
    @Override
    public long kept(UnitTransaction tx, Partition p, TableInfo table) throws SQLException {
        String referenced = p.job().delete() ? table.references().referenced() : null;
        if (referenced == null) {
            return 0;
        }
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT count(*) FROM " + table.qualifiedName()
                + " WHERE " + partitionRows(p, table) + " AND " + referenced);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * COPY takes no bind parameters, so the tenant's value goes to the statement as a setting of the batch's
     * transaction, set through a bound parameter: whatever it holds (quotes, backslashes, under any
     * {@code standard_conforming_strings}), it stays a value.
     */
    public static void bindTenant(Connection c, Partition p) throws SQLException {
        if (p.tenantSplit() && p.tenant() != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('" + TENANT_SETTING + "', ?, true)")) {
                ps.setString(1, p.tenant());
                ps.execute();
            }
        }
    }

    /** The partition's rows: its window, and its tenant when the job splits by tenant. */
    public static StringBuilder partitionRows(Partition p, TableInfo table) {
        JobConfig job = p.job();
        String ts = Sql.ident(job.timestampColumn());
        StringBuilder where = new StringBuilder()
                .append(ts).append(" >= ").append(table.timeLiteral(p.window().start(), job.zone()))
                .append(" AND ").append(ts).append(" < ").append(table.timeLiteral(p.window().end(), job.zone()));
        if (p.tenantSplit()) {
            // The tenant's value is data: it reaches the statement as a setting bound by bindTenant, never as text.
            String tenant = Sql.ident(job.tenantColumn());
            where.append(" AND ").append(p.tenant() == null ? tenant + " IS NULL"
                    : tenant + "::text = current_setting('" + TENANT_SETTING + "')");
        }
        return where;
    }

    /** The one statement that selects the partition's rows and, unless the job only exports, deletes them. */
    static String copySql(Partition p, TableInfo table) {
        JobConfig job = p.job();
        StringBuilder where = partitionRows(p, table);
        String keepOut = job.delete() ? table.references().keepOut() : null;
        if (keepOut != null) {
            // Rows that other rows reference (NO ACTION, RESTRICT) stay: deleting one would fail the whole batch.
            where.append(" AND ").append(keepOut);
        }
        String rows = job.delete()
                ? "DELETE FROM " + table.qualifiedName() + " WHERE " + where + " RETURNING *"
                : "SELECT * FROM " + table.qualifiedName() + " WHERE " + where;
        if (job.format() == JobConfig.Format.CSV) {
            return "COPY (" + rows + ") TO STDOUT (FORMAT csv, HEADER)";
        }
        // to_json escapes every control character (and JsonRows writes json with a line break as a string),
        // so with these two bytes as quote and delimiter COPY's CSV writer never quotes: each line is the
        // JSON object exactly as PostgreSQL wrote it.
        // The rows are turned into JSON in the DELETE's own RETURNING: a CTE around the DELETE would
        // first materialize the whole window (spilling to disk beyond work_mem) and cost ~15% more.
        // "alias.*" is the whole row even when the table has a column of the alias's name.
        String line = JsonRows.line("strata_row", table.columns());
        String json = job.delete()
                ? "DELETE FROM " + table.qualifiedName() + " AS strata_row WHERE " + where + " RETURNING " + line
                : "SELECT " + line + " FROM " + table.qualifiedName() + " AS strata_row WHERE " + where;
        return "COPY (" + json + ") TO STDOUT (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')";
    }
}
