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
 * What the manifest and run tables say about jobs day by day (the figures of a job as it stands are
 * {@link io.strata.figures.Figures}'). Status is derived from these tables, never kept a second time.
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

    static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
