package io.strata.export;

import io.strata.db.Sql;
import io.strata.config.JobConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the due partitions of a job without scanning the table: it hops from one non-empty window to
 * the next with {@code min(ts)} probes, each one an index lookup, so the cost grows with the number of
 * windows that hold rows, not with the number of rows.
 */
public final class PartitionFinder {

    private final String manifestTable;

    public PartitionFinder(String schema) {
        this.manifestTable = Sql.ident(schema) + ".manifest";
    }

    /** The first window that is not yet due at {@code now}: windows that end at or before its start are due. */
    public static LocalDateTime cutoff(JobConfig job, ZonedDateTime now) {
        ZonedDateTime dueBefore = job.dueBefore(now.withZoneSameInstant(job.zone()));
        return dueBefore == null ? null : Window.containing(dueBefore.toLocalDateTime(), job.batch()).start();
    }

    /**
     * @param count also count each partition's rows (for dry runs; one index range scan per partition)
     */
    public List<Partition> find(Connection c, JobConfig job, TableInfo table, ZonedDateTime now, boolean count)
            throws SQLException {
        List<Partition> out = new ArrayList<>();
        LocalDateTime cutoff = cutoff(job, now);
        if (cutoff == null) {
            return out;
        }
        try (PreparedStatement first = c.prepareStatement(probe(job, table, false));
                PreparedStatement next = c.prepareStatement(probe(job, table, true))) {
            LocalDateTime cursor = null;
            while (true) {
                PreparedStatement ps = cursor == null ? first : next;
                bind(ps, 1, cutoff, job, table);
                if (cursor != null) {
                    bind(ps, 2, cursor, job, table);
                }
                LocalDateTime min = null;
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        min = toLocal(rs, job, table);
                    }
                }
                if (min == null) {
                    break;
                }
                Window w = Window.containing(min, job.batch());
                addWindow(c, job, table, w, count, out);
                cursor = w.end();
            }
        }
        c.rollback();
        return out;
    }

    /**
     * The probe for the first row before the cutoff (parameter 1), and with {@code after}, at or after a window's end
     * (parameter 2): {@code min(ts)}, which PostgreSQL answers from the column's index.
     */
    public static String probe(JobConfig job, TableInfo table, boolean after) {
        String ts = Sql.ident(job.timestampColumn());
        // An offload job's rows stay: only rows that still hold a value to offload make a window due.
        return "SELECT min(" + ts + ") FROM " + table.qualifiedName() + " WHERE " + ts + " < ?"
                + (after ? " AND " + ts + " >= ?" : "") + (job.offloads() ? " AND " + OffloadTable.pending(job, null) : "");
    }

    private void addWindow(Connection c, JobConfig job, TableInfo table, Window w, boolean count, List<Partition> out)
            throws SQLException {
        String ts = Sql.ident(job.timestampColumn());
        String where = " FROM " + table.qualifiedName() + " WHERE " + ts + " >= ? AND " + ts + " < ?"
                + (job.offloads() ? " AND " + OffloadTable.pending(job, null) : "");
        if (job.tenantColumn() == null) {
            if (!job.delete() && exported(c, job, w, false, null)) {
                return;
            }
            long rows = -1;
            if (count) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*)" + where)) {
                    bindWindow(ps, w, job, table);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        rows = rs.getLong(1);
                    }
                }
            }
            out.add(new Partition(job, w, false, null, rows));
            return;
        }
        String tenant = Sql.ident(job.tenantColumn());
        try (PreparedStatement ps = c.prepareStatement("SELECT " + tenant + "::text, count(*)" + where
                + " GROUP BY 1 ORDER BY 1 NULLS LAST")) {
            bindWindow(ps, w, job, table);
            try (ResultSet rs = ps.executeQuery()) {
                List<Partition> found = new ArrayList<>();
                while (rs.next()) {
                    found.add(new Partition(job, w, true, rs.getString(1), count ? rs.getLong(2) : -1));
                }
                for (Partition p : found) {
                    if (job.delete() || !exported(c, job, w, true, p.tenant())) {
                        out.add(p);
                    }
                }
            }
        }
    }

    /** Export-only jobs keep their rows, so a window they have exported once is done. */
    public boolean exported(Connection c, JobConfig job, Window w, boolean tenantSplit, String tenant)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + manifestTable
                + " WHERE job = ? AND window_start = ? AND tenant IS NOT DISTINCT FROM ?)")) {
            ps.setString(1, job.name());
            ps.setObject(2, w.startAt(job.zone()));
            ps.setString(3, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void bindWindow(PreparedStatement ps, Window w, JobConfig job, TableInfo table) throws SQLException {
        bind(ps, 1, w.start(), job, table);
        bind(ps, 2, w.end(), job, table);
    }

    static void bind(PreparedStatement ps, int i, LocalDateTime t, JobConfig job, TableInfo table) throws SQLException {
        table.bindTime(ps, i, t, job.zone());
    }

    private static LocalDateTime toLocal(ResultSet rs, JobConfig job, TableInfo table) throws SQLException {
        return table.readLocal(rs, 1, job.zone());
    }
}
