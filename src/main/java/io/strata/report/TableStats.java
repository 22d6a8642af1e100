package io.strata.report;

import io.strata.db.Sql;
import io.strata.text.Human;
import io.strata.config.JobConfig;
import io.strata.export.PartitionFinder;

import io.strata.export.TableInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/** What PostgreSQL says about a job's table: the rows due and how late they are, its size and its dead rows. */
public final class TableStats {

    private final String schema;

    public TableStats(String schema) {
        this.schema = Sql.ident(schema);
    }

    /**
     * Rows a run would archive now, and the oldest row still waiting. Export-only jobs keep their rows, so
     * for them only rows after the last exported window count.
     */
    public Report.Due due(Connection c, JobConfig job, TableInfo table, Instant now, Duration allowance)
            throws SQLException {
        LocalDateTime cutoff = PartitionFinder.cutoff(job, now.atZone(job.zone()));
        if (cutoff == null) {
            return new Report.Due(0, null, 0, 0, allowance.toSeconds());
        }
        String ts = Sql.ident(job.timestampColumn());
        LocalDateTime after = job.delete() ? null : lastExported(c, job);
        String range = after == null ? "" : " WHERE " + ts + " >= ?";
        String sql = "SELECT (SELECT count(*) FROM " + table.qualifiedName() + " WHERE " + ts + " < ?"
                + (after == null ? "" : " AND " + ts + " >= ?") + "), (SELECT min(" + ts + ") FROM "
                + table.qualifiedName() + range + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, 1, cutoff, job, table);
            if (after != null) {
                bind(ps, 2, after, job, table);
                bind(ps, 3, after, job, table);
            }
            long rows;
            Instant oldest;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                rows = rs.getLong(1);
                oldest = table.timestampHasZone()
                        ? toInstant(rs.getObject(2, OffsetDateTime.class))
                        : toInstant(rs.getObject(2, LocalDateTime.class), job.zone());
            }
            c.rollback();
            Instant dueBefore = job.dueBefore(now.atZone(job.zone())).toInstant();
            long lag = oldest != null && oldest.isBefore(dueBefore) ? Duration.between(oldest, dueBefore).toSeconds() : 0;
            return new Report.Due(rows, oldest, Duration.between(dueBefore, now).toSeconds(), lag, allowance.toSeconds());
        }
    }

    private LocalDateTime lastExported(Connection c, JobConfig job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT max(window_end) FROM " + schema + ".manifest WHERE job = ?")) {
            ps.setString(1, job.name());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                OffsetDateTime end = rs.getObject(1, OffsetDateTime.class);
                return end == null ? null : end.atZoneSameInstant(job.zone()).toLocalDateTime();
            }
        }
    }

    /** The table's size with indexes and TOAST, its live and dead rows, and what VACUUM would do about them. */
    public Report.Space space(Connection c, String qualifiedTable, Long previousBytes) throws SQLException {
        String sql = "SELECT pg_total_relation_size(c.oid), s.n_live_tup, s.n_dead_tup,"
                + " greatest(s.last_vacuum, s.last_autovacuum) FROM pg_class c"
                + " LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = to_regclass(?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, quoted(qualifiedTable));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    c.rollback();
                    return new Report.Space(null, null, null, null, null, qualifiedTable + " does not exist");
                }
                long bytes = rs.getLong(1);
                long live = rs.getLong(2);
                long dead = rs.getLong(3);
                Instant vacuumed = History.instant(rs, 4);
                c.rollback();
                return new Report.Space(bytes, previousBytes == null ? null : previousBytes - bytes, live, dead, vacuumed,
                        advice(qualifiedTable, live, dead, vacuumed));
            }
        }
    }

    /** The line that says when the space of archived rows comes back, and how to get it back sooner. */
    static String advice(String table, long live, long dead, Instant vacuumed) {
        String full = "VACUUM FULL " + table + " (locks the table while it rewrites it) or pg_repack";
        if (dead > 0) {
            return Human.count(dead) + " dead rows (" + Math.round(dead * 100.0 / Math.max(1, live + dead)) + "%) wait for"
                    + " VACUUM, which autovacuum runs on its own: it makes their space reusable by new rows, but gives"
                    + " back to the OS only empty pages at the table's end. To shrink the table now: " + full + ".";
        }
        if (vacuumed != null) {
            return "Vacuumed " + ReportBuilder.at(vacuumed) + ": the space of archived rows is reusable by new rows;"
                    + " to give it back to the OS: " + full + ".";
        }
        return "No dead rows: VACUUM has nothing to reclaim.";
    }

    private static String quoted(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? Sql.ident(qualified) : Sql.ident(qualified.substring(0, dot)) + "." + Sql.ident(qualified.substring(dot + 1));
    }

    private static void bind(PreparedStatement ps, int i, LocalDateTime t, JobConfig job, TableInfo table)
            throws SQLException {
        if (table.timestampHasZone()) {
            ps.setObject(i, t.atZone(job.zone()).toOffsetDateTime());
        } else {
            ps.setObject(i, t);
        }
    }

    private static Instant toInstant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static Instant toInstant(LocalDateTime t, ZoneId zone) {
        return t == null ? null : t.atZone(zone).toInstant();
    }
}
