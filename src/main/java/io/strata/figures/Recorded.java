package io.strata.figures;

import io.strata.db.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** What Strata's own tables say of jobs: the manifest's totals and the run table's runs. Status is derived, never kept. */
final class Recorded {

    /** The runs of one job that its figures name: the latest, the latest success, the first, failures in 24 hours. */
    record Runs(LastRun last, Instant lastSuccess, Instant firstRun, long failures24h) {
        static final Runs NONE = new Runs(null, null, null, 0);
    }

    private final String schema;

    Recorded(String schema) {
        this.schema = Sql.ident(schema);
    }

    /** Totals since each job began. Restored objects stay in S3 and count as stored. */
    Map<String, Totals> totals(Connection c, Collection<String> jobs) throws SQLException {
        Map<String, Totals> out = new HashMap<>();
        String sql = "SELECT job, count(*), coalesce(sum(row_count), 0), coalesce(sum(raw_bytes), 0),"
                + " coalesce(sum(gzip_bytes), 0), count(*) FILTER (WHERE state = 'restored'),"
                + " coalesce(sum(row_count) FILTER (WHERE state = 'restored'), 0),"
                + " count(DISTINCT tenant) FILTER (WHERE kind = 'tenant'), max(archived_at)"
                + " FROM " + schema + ".manifest WHERE job = ANY (?) GROUP BY job";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, names(c, jobs));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long raw = rs.getLong(4);
                    long gz = rs.getLong(5);
                    out.put(rs.getString(1), new Totals(rs.getLong(2), rs.getLong(3), raw, gz, Totals.ratio(raw, gz),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8), instant(rs, 9)));
                }
            }
        }
        return out;
    }

    /**
     * One query for every job's runs, each read through the index on (job, started_at). One rule decides which
     * run is the latest, for the last run and the last success alike: the one that started last, then the one
     * recorded last (the higher id).
     */
    Map<String, Runs> runs(Connection c, Collection<String> jobs, Instant now) throws SQLException {
        String run = schema + ".run r WHERE r.job = j.job";
        String latest = " ORDER BY r.started_at DESC, r.id DESC LIMIT 1";
        String sql = "SELECT j.job, l.id, l.trigger, l.started_at, l.ended_at, l.status, l.partitions, l.partitions_failed,"
                + " l.rows_archived, l.error, (extract(epoch FROM l.ended_at - l.started_at) * 1000)::bigint,"
                + " s.ended_at, f.first, x.failures"
                + " FROM unnest(?::text[]) AS j(job)"
                + " LEFT JOIN LATERAL (SELECT * FROM " + run + latest + ") l ON true"
                + " LEFT JOIN LATERAL (SELECT r.ended_at FROM " + run + " AND r.status = 'succeeded'" + latest + ") s ON true"
                + " LEFT JOIN LATERAL (SELECT min(r.started_at) AS first FROM " + run + ") f ON true"
                + " LEFT JOIN LATERAL (SELECT coalesce(sum(r.partitions_failed), 0)"
                + " + count(*) FILTER (WHERE r.status = 'failed' AND r.partitions_failed = 0) AS failures"
                + " FROM " + run + " AND r.started_at > ?::timestamptz - interval '24 hours') x ON true";
        Map<String, Runs> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, names(c, jobs));
            ps.setObject(2, now.atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LastRun last = rs.getObject(2) == null ? null : new LastRun(rs.getLong(2), rs.getString(3),
                            instant(rs, 4), instant(rs, 5), rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getLong(9),
                            rs.getString(10), rs.getObject(11) == null ? null : rs.getLong(11));
                    out.put(rs.getString(1), new Runs(last, instant(rs, 12), instant(rs, 13), rs.getLong(14)));
                }
            }
        }
        return out;
    }

    private static Array names(Connection c, Collection<String> jobs) throws SQLException {
        return c.createArrayOf("text", jobs.toArray());
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
