package io.strata.report;

import io.strata.db.Sql;
import io.strata.text.Human;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** What PostgreSQL says about a job's table: its size and its dead rows (what is due is the figures' part). */
public final class TableStats {

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
}
