package io.strata.demo;

import io.strata.db.Sql;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.Progress;
import io.strata.StrataRuntime;
import io.strata.cli.Cli;
import io.strata.text.Human;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.export.ObjectKeys;
import io.strata.export.RunSummary;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code demo}: creates {@code strata_demo.events}, shaped like the {@code analytics.events} table of an
 * app that tracks user events (30 days, an event a minute, four tenants, JSONB payloads), and archives
 * it with the job the config has for that table. The data is the same on every run, relative to now.
 */
public final class Demo {

    public static final String TABLE = "strata_demo.events";
    static final int ROWS = 40_000;

    private final StrataConfig config;
    private final PrintStream out;

    public Demo(StrataConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public int run() {
        JobConfig job = config.jobs().stream().filter(j -> j.qualifiedTable().equals(TABLE)).findFirst()
                .orElseThrow(() -> new StrataException(ErrorCode.CONFIG_INVALID, config.source()
                        + ": no job archives " + TABLE + "; the demo needs one (see the shipped config/application.yaml)"));
        if (!job.enabled()) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, config.source() + ": job '" + job.name()
                    + "' for " + TABLE + " has enabled: false; the demo needs it enabled");
        }
        try (Database db = Database.open(config.database())) {
            out.println("Creating " + TABLE + " in " + config.database().shownUrl() + " ...");
            createTable(db);
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "creating " + TABLE + ": " + e.getMessage(), e);
        }
        try (StrataRuntime rt = StrataRuntime.start(config, StrataRuntime.Mode.COMMAND)) {
            int removed = forgetEarlierDemo(rt, job);
            if (removed > 0) {
                out.println("Removed " + removed + " object(s) and their manifest rows left by an earlier demo run.");
            }
            long before = count(rt.database());
            out.println(Human.count(before) + " rows over 30 days; job '" + job.name() + "' keeps " + job.keepText()
                    + " and archives the rest in " + job.batch().toMinutes() + "-minute " + job.format().extension()
                    + " objects.");
            out.println();
            rt.onProgress(run -> out.println(Progress.line(run)));
            RunSummary s = rt.archive(job.name(), "demo");
            long after = count(rt.database());
            out.println();
            out.print(Cli.summaryTable(List.of(s)));
            out.println();
            out.println("Rows in " + TABLE + ": " + Human.count(before) + " before, " + Human.count(after) + " now.");
            String where = config.s3().embedded()
                    ? config.s3().embeddedDir().resolve(config.s3().bucket()).toAbsolutePath().normalize()
                            + "/" + ObjectKeys.jobPrefix(config.s3().prefix(), job.name())
                    : "s3://" + config.s3().bucket() + "/" + ObjectKeys.jobPrefix(config.s3().prefix(), job.name());
            out.println("Objects (gzipped " + job.format().extension() + ", each with a .json sidecar) are under " + where);
            List<S3Object> objects = rt.storage().list(ObjectKeys.jobPrefix(config.s3().prefix(), job.name()));
            objects.stream().filter(o -> o.key().endsWith(".gz")).limit(3)
                    .forEach(o -> out.println("  " + o.key() + "  " + Human.bytes(o.size())));
            out.println("The manifest is the table " + config.schema() + ".manifest; each run is in "
                    + config.schema() + ".run.");
            return s.ok() ? 0 : 1;
        }
    }

    static void createTable(Database db) throws SQLException {
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

    private int forgetEarlierDemo(StrataRuntime rt, JobConfig job) {
        String sql = "DELETE FROM " + Sql.ident(config.schema()) + ".manifest WHERE job = ? AND table_name = ? RETURNING object_key";
        int n = 0;
        try (Connection c = rt.database().connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job.name());
            ps.setString(2, TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rt.storage().delete(rs.getString(1));
                    rt.storage().delete(ObjectKeys.sidecarKey(rs.getString(1)));
                    n++;
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, e.getMessage(), e);
        }
        return n;
    }

    private static long count(Database db) {
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
