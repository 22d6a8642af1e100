package io.strata.demo;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.db.Database;
import io.strata.db.Sql;
import io.strata.export.ObjectKeys;
import io.strata.storage.S3Storage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The demo's table, {@code strata_demo.events}, shaped like the {@code analytics.events} table of an app
 * that tracks user events (30 days, an event a minute, four tenants, JSONB payloads). The data is the
 * same on every run, relative to now.
 */
public final class DemoTable {

    public static final String TABLE = "strata_demo.events";
    static final int ROWS = 40_000;

    private DemoTable() {}

    public static void create(Database db) throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS strata_demo");
            st.execute("DROP TABLE IF EXISTS " + TABLE);
            st.execute("""
                    CREATE TABLE strata_demo.events (
                        id           bigserial PRIMARY KEY,
                        tenant_id    integer      NOT NULL,
                        triggered_at timestamp    NOT NULL,
                        name         varchar(255) NOT NULL,
                        os           varchar(255) NOT NULL,
                        platform     varchar(255) NOT NULL,
                        device       varchar(255) NOT NULL,
                        user_details jsonb        NOT NULL,
                        data         jsonb        NOT NULL
                    )""");
            // One event every 64.8 s back from the current hour: 40,000 rows over 30 days.
            st.execute("""
                    INSERT INTO strata_demo.events (tenant_id, triggered_at, name, os, platform, device, user_details, data)
                    SELECT 1 + g % 4,
                           date_trunc('hour', now() AT TIME ZONE 'UTC') - g * interval '64.8 seconds',
                           (ARRAY['page_view', 'click', 'signup', 'purchase', 'logout'])[1 + g % 5],
                           (ARRAY['Linux', 'macOS', 'Windows', 'iOS', 'Android'])[1 + g * 7 % 5],
                           (ARRAY['Web', 'Mobile'])[1 + g % 2],
                           (ARRAY['Desktop', 'Phone', 'Tablet'])[1 + g * 3 % 3],
                           jsonb_build_object('user_id', 1000 + g * 7919 % 5000, 'location',
                               (ARRAY['Berlin', 'São Paulo', 'Zürich', 'Kraków', '東京'])[1 + g % 5]),
                           jsonb_build_object('action', (ARRAY['click', 'view', 'scroll'])[1 + g % 3],
                               'item', 'hour_' || g / 56, 'price', round((g % 997) * 1.37, 2),
                               'note', CASE WHEN g % 50 = 0 THEN E'says "hi" \\\\ back\\nslash' END)
                    FROM generate_series(0, $LAST) AS g
                    """.replace("$LAST", String.valueOf(ROWS - 1)));
            st.execute("CREATE INDEX events_triggered_at_idx ON strata_demo.events (triggered_at)");
            st.execute("ANALYZE strata_demo.events");
            c.commit();
        }
    }

    /** Removes the objects and manifest rows an earlier demo left, so that the demo starts afresh; returns how many. */
    public static int forgetEarlier(Database database, S3Storage storage, String schema, JobConfig job) {
        String sql = "DELETE FROM " + Sql.ident(schema) + ".manifest WHERE job = ? AND table_name = ? RETURNING object_key";
        int n = 0;
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job.name());
            ps.setString(2, TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    storage.delete(rs.getString(1));
                    storage.delete(ObjectKeys.sidecarKey(rs.getString(1)));
                    n++;
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, e.getMessage(), e);
        }
        return n;
    }

    public static long count(Database db) {
        try (Connection c = db.connection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + TABLE)) {
            rs.next();
            long n = rs.getLong(1);
            c.rollback();
            return n;
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, e.getMessage(), e);
        }
    }
}
