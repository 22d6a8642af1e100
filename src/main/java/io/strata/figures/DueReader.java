package io.strata.figures;

import io.strata.config.JobConfig;
import io.strata.db.Sql;
import io.strata.export.OffloadTable;
import io.strata.export.Partition;
import io.strata.export.PartitionFinder;
import io.strata.export.References;
import io.strata.export.TableInfo;
import io.strata.export.Window;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * What is due in a job's table, found as a run finds it ({@link PartitionFinder}): so the rows due here are the
 * rows a run started now would archive, export-only jobs included (a window they exported is done).
 */
final class DueReader {

    private final PartitionFinder finder;

    DueReader(String schema) {
        this.finder = new PartitionFinder(schema);
    }

    Due read(Connection c, JobConfig job, TableInfo table, Instant now) throws SQLException {
        ZonedDateTime at = now.atZone(job.zone());
        long allowance = Schedule.allowance(job, now).toSeconds();
        ZonedDateTime dueBefore = job.dueBefore(at);
        if (dueBefore == null) {
            return Due.none(allowance, 0);
        }
        long keep = Duration.between(dueBefore, at).toSeconds();
        List<Partition> due = finder.find(c, job, table, at, true);
        if (due.isEmpty()) {
            return Due.none(allowance, keep);
        }
        long rows = due.stream().mapToLong(Partition::rows).sum();
        Instant oldest = oldest(c, job, table, due);
        References.Kept kept = table.references().keeping().isEmpty() ? null
                : table.references().keptDue(c, job, table, at);
        c.rollback();
        if (oldest == null) {  // its rows went between the two reads (a run archived them)
            return new Due(due.size(), rows, null, 0, 0, allowance, keep, kept);
        }
        return new Due(due.size(), rows, oldest, Duration.between(oldest, now).toSeconds(),
                Math.max(0, Duration.between(oldest, dueBefore.toInstant()).toSeconds()), allowance, keep, kept);
    }

    /**
     * The oldest row of the due partitions: the first row of the first due window, or, for an export-only job
     * that splits by tenant, of that window's tenants not yet exported. Index lookups only.
     */
    private static Instant oldest(Connection c, JobConfig job, TableInfo table, List<Partition> due) throws SQLException {
        Window first = due.get(0).window();
        String ts = Sql.ident(job.timestampColumn());
        String sql = "SELECT min(" + ts + ") FROM " + table.qualifiedName() + " WHERE " + ts + " >= ? AND " + ts + " < ?"
                + (job.offloads() ? " AND " + OffloadTable.pending(job, null) : "");
        if (job.delete() || job.tenantColumn() == null) {
            return min(c, sql, job, table, first, false, null);
        }
        Instant oldest = null;
        for (Partition p : due) {
            if (p.window().equals(first)) {
                Instant t = min(c, sql + " AND " + Sql.ident(job.tenantColumn()) + "::text IS NOT DISTINCT FROM ?", job,
                        table, first, true, p.tenant());
                oldest = oldest == null || (t != null && t.isBefore(oldest)) ? t : oldest;
            }
        }
        return oldest;
    }

    private static Instant min(Connection c, String sql, JobConfig job, TableInfo table, Window w, boolean byTenant,
            String tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, 1, w.start(), job, table);
            bind(ps, 2, w.end(), job, table);
            if (byTenant) {
                ps.setString(3, tenant);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return table.readTime(rs, 1, job.zone());
            }
        }
    }

    private static void bind(PreparedStatement ps, int i, LocalDateTime t, JobConfig job, TableInfo table)
            throws SQLException {
        table.bindTime(ps, i, t, job.zone());
    }
}
