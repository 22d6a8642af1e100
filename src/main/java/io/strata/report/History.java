package io.strata.report;

import io.strata.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * What the manifest and run tables say about jobs: figures per job and day, totals, the last run and
 * the last success. Status is derived from these tables, never kept a second time.
 */
public final class History {

    private final String schema;

    public History(String schema) {
        this.schema = Sql.ident(schema);
    }

    /** Per job (key) and day (inner key) from {@code from} on, in {@code zone}: only days with any activity. */
    public Map<String, Map<LocalDate, long[]>> days(Connection c, LocalDate from, ZoneId zone) throws SQLException {
        // each long[]: objects, rows, raw, gzip, runs, failedRuns, failedBatches, restoredObjects, restoredRows
        Map<String, Map<LocalDate, long[]>> out = new HashMap<>();
        Timestamp since = Timestamp.from(from.atStartOfDay(zone).toInstant());
        String day = "(%s AT TIME ZONE " + (zone instanceof ZoneOffset ? "?::interval" : "?") + ")::date";
        String zoneText = zone instanceof ZoneOffset o ? o.getId().replace("Z", "+00:00") : zone.getId();
        String[] queries = {
            "SELECT job, " + day.formatted("archived_at") + ", count(*), sum(row_count), sum(raw_bytes), sum(gzip_bytes)"
                    + " FROM " + schema + ".manifest WHERE archived_at >= ? GROUP BY 1, 2",
            "SELECT job, " + day.formatted("started_at") + ", count(*),"
                    + " count(*) FILTER (WHERE status IN ('failed', 'partial')), sum(partitions_failed)"
                    + " FROM " + schema + ".run WHERE started_at >= ? GROUP BY 1, 2",
            "SELECT job, " + day.formatted("restored_at") + ", count(*), sum(row_count)"
                    + " FROM " + schema + ".manifest WHERE restored_at >= ? GROUP BY 1, 2"};
        int[] offsets = {0, 4, 7};
        for (int q = 0; q < queries.length; q++) {
            try (PreparedStatement ps = c.prepareStatement(queries[q])) {
                ps.setString(1, zoneText);
                ps.setTimestamp(2, since);
                try (ResultSet rs = ps.executeQuery()) {
                    int width = rs.getMetaData().getColumnCount() - 2;
                    while (rs.next()) {
                        long[] f = out.computeIfAbsent(rs.getString(1), j -> new HashMap<>())
                                .computeIfAbsent(rs.getObject(2, LocalDate.class), d -> new long[9]);
                        for (int i = 0; i < width; i++) {
                            f[offsets[q] + i] = rs.getLong(3 + i);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Totals per job since it began; {@code job} null for every job. Restored objects stay in S3 and count as stored. */
    public Map<String, Report.Totals> totals(Connection c, String job) throws SQLException {
        Map<String, Report.Totals> out = new HashMap<>();
        String sql = "SELECT job, count(*), coalesce(sum(row_count), 0), coalesce(sum(raw_bytes), 0),"
                + " coalesce(sum(gzip_bytes), 0), count(*) FILTER (WHERE state = 'restored'),"
                + " coalesce(sum(row_count) FILTER (WHERE state = 'restored'), 0)"
                + " FROM " + schema + ".manifest WHERE (?::text IS NULL OR job = ?) GROUP BY job";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            ps.setString(2, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long raw = rs.getLong(4);
                    long gz = rs.getLong(5);
                    out.put(rs.getString(1), new Report.Totals(rs.getLong(2), rs.getLong(3), raw, gz, ratio(raw, gz),
                            rs.getLong(6), rs.getLong(7)));
                }
            }
        }
        return out;
    }

    /** The latest run of each job (or of one), finished or not. */
    public Map<String, Report.LastRun> lastRuns(Connection c, String job) throws SQLException {
        Map<String, Report.LastRun> out = new HashMap<>();
        String sql = "SELECT DISTINCT ON (job) job, id, trigger, started_at, ended_at, status, partitions,"
                + " partitions_failed, rows_archived, error FROM " + schema + ".run"
                + " WHERE (?::text IS NULL OR job = ?) ORDER BY job, started_at DESC, id DESC";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            ps.setString(2, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Report.LastRun(rs.getLong(2), rs.getString(3), instant(rs, 4),
                            instant(rs, 5), rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getLong(9), rs.getString(10)));
                }
            }
        }
        return out;
    }

    /** When each job first ran (its run log begins), and when it last finished a run that succeeded. */
    public record Runs(Instant first, Instant lastSuccess) {}

    public Map<String, Runs> runs(Connection c) throws SQLException {
        Map<String, Runs> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT job, min(started_at), max(ended_at) FILTER"
                + " (WHERE status = 'succeeded') FROM " + schema + ".run GROUP BY job"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new Runs(instant(rs, 2), instant(rs, 3)));
            }
        }
        return out;
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static double ratio(long raw, long gz) {
        return gz == 0 ? 0 : Math.round(raw * 100.0 / gz) / 100.0;
    }
}
