package io.strata.management;

import static io.strata.management.ServiceProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.storage.EmbeddedS3;
import io.strata.testing.TestEnv;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as a real process after real runs, watched through every surface: status, the report, JMX and
 * {@code /observe/metrics} give the same figures under the same names; the metrics are the manifest's; and
 * docs/prometheus-alerts.yml, evaluated by promtool on what the service served, fires where it should.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusTest {

    static final String SCHEMA = "strata_t_ops_prometheus";
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Fires in 2099 only: these jobs run when the test says so (JMX runNow()). */
    static final String NEVER = "0 0 3 1 1 ? 2099";
    static final ObjectMapper JSON = new ObjectMapper();
    static final long P1D = 86_400;
    static final long P2D = 2 * P1D;

    @TempDir
    static Path dir;
    EmbeddedS3 s3;
    ServiceProcess service;
    /** What the service served after the first run of events, and once every run, restore and pause was done. */
    Scrape afterFirstRun;
    Scrape settled;

    static String sql(String statement) {
        return statement.replace("$", SCHEMA + ".");
    }

    static long count(String statement) {
        return TestEnv.count(sql(statement));
    }

    @BeforeAll
    void runTheJobs() throws Exception {
        TestEnv.resetSchema(SCHEMA);
        List<String> setup = new ArrayList<>(List.of("CREATE SCHEMA " + SCHEMA));
        for (String t : List.of("events", "exports", "audit", "behind", "paused")) {
            setup.add(sql("CREATE TABLE $" + t + " (id bigint PRIMARY KEY, at timestamptz NOT NULL)"));
            setup.add(sql("CREATE INDEX ON $" + t + " (at)"));
        }
        setup.addAll(List.of(
                // events: 5 hours of 20 rows, 2 days and 6 to 10 hours old
                sql("INSERT INTO $events SELECT g, date_trunc('hour', now()) - interval '2 days 6 hours'"
                        + " - (g % 5) * interval '1 hour' FROM generate_series(1, 100) g"),
                // exports (export-only): 3 hours of 10 rows, 2 days and 2 to 4 hours old
                sql("INSERT INTO $exports SELECT g, date_trunc('hour', now()) - interval '2 days 2 hours'"
                        + " - (g % 3) * interval '1 hour' FROM generate_series(1, 30) g"),
                // audit: 4 hours of 25 rows, a day and 3 to 6 hours old; row 8 is on legal hold, so its hour stays
                sql("INSERT INTO $audit SELECT g, date_trunc('hour', now()) - interval '1 day 3 hours'"
                        + " - (g % 4) * interval '1 hour' FROM generate_series(1, 100) g"),
                "CREATE FUNCTION " + SCHEMA + ".hold() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $f$ BEGIN IF OLD.id = 8 THEN RAISE EXCEPTION 'row 8 is on legal hold'; END IF; RETURN OLD; END $f$",
                sql("CREATE TRIGGER hold BEFORE DELETE ON $audit FOR EACH ROW EXECUTE FUNCTION $hold()"),
                // behind: 2 hours of 5 rows, 3 days old; never archived
                sql("INSERT INTO $behind SELECT g, date_trunc('hour', now()) - interval '3 days'"
                        + " - (g % 2) * interval '1 hour' FROM generate_series(1, 10) g")));
        TestEnv.sql(setup.toArray(String[]::new));
        s3 = TestEnv.s3(dir.resolve("s3"));
        service = new ServiceProcess(dir, s3.endpoint(), SCHEMA, """
                  - { name: events, table: %1$s.events, timestampColumn: at, keep: P2D, schedule: "%2$s" }
                  - { name: exports, table: %1$s.exports, timestampColumn: at, keep: P2D, schedule: "%2$s", delete: false }
                  - { name: audit, table: %1$s.audit, timestampColumn: at, keep: P1D, schedule: "%2$s" }
                  - { name: behind, table: %1$s.behind, timestampColumn: at, keep: P1D, schedule: "%2$s" }
                  - { name: paused, table: %1$s.paused, timestampColumn: at, keep: P2D, schedule: "*/2 * * * * ?" }
                """.formatted(SCHEMA, NEVER));

        run("events", 1);
        afterFirstRun = scrape();
        // 40 hours of 50 rows, older still: the archive grows by far more than the first run's
        TestEnv.sql(sql("INSERT INTO $events SELECT g, date_trunc('hour', now()) - interval '2 days 12 hours'"
                + " - (g % 40) * interval '1 hour' FROM generate_series(1001, 3000) g"));
        run("events", 2);
        run("exports", 1);
        run("audit", 1);
        // Rows of an export-only job: one in a window it exported (not due: a window is exported once), five in
        // a window before the ones it exported (due)
        TestEnv.sql(sql("INSERT INTO $exports VALUES (31, date_trunc('hour', now()) - interval '2 days 2 hours')"),
                sql("INSERT INTO $exports SELECT g, date_trunc('hour', now()) - interval '2 days 8 hours'"
                        + " FROM generate_series(32, 36) g"));
        // The first run's objects restored: their rows are old, due again
        String utc = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";
        String[] fromTo = TestEnv.column(sql("SELECT to_char(min(window_start) AT TIME ZONE 'UTC', " + utc + ") || '|'"
                + " || to_char(max(window_end) AT TIME ZONE 'UTC', " + utc + ") FROM $manifest"
                + " WHERE run_id = (SELECT min(id) FROM $run WHERE job = 'events')")).get(0).split("\\|");
        String restored = events().restore(fromTo[0], fromTo[1], "");
        assertTrue(restored.contains("\"restored\" : 5"), restored);

        JobMBean paused = job("paused");
        await("a scheduled run of paused to succeed", WAIT, () -> count("SELECT count(*) FROM $run WHERE job = 'paused'"
                + " AND status = 'succeeded'") > 0);
        assertTrue(paused.pause().contains("paused"));
        await("its run in flight to end", WAIT, () -> paused.getState().equals("idle"));
        Thread.sleep(5000);  // more than twice its schedule interval (2 s) without a success: stale
        await("JMX to see the rows due", WAIT, () -> events().getRowsDue() == 100 && job("exports").getRowsDue() == 5);
        settled = scrape();
    }

    @AfterAll
    void stopTheService() throws Exception {
        if (service != null) {
            service.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    JobMBean job(String name) {
        try {
            return service.mbean("strata:type=Job,name=" + name, JobMBean.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    JobMBean events() {
        return job("events");
    }

    /** Starts a run over JMX, as an operator would, and waits until the job's {@code n}th run has ended. */
    void run(String name, int n) {
        JobMBean mbean = job(name);
        mbean.runNow();
        await(name + "'s run " + n + " to end", WAIT, () -> count("SELECT count(*) FROM $run WHERE job = '" + name
                + "' AND status <> 'running'") >= n && !mbean.getState().equals("running"));
    }

    Scrape scrape() throws Exception {
        HttpResponse<String> r = service.get("/observe/metrics");
        assertEquals(200, r.statusCode(), r.body());
        return Scrape.parse(r.body(), System.currentTimeMillis() / 1000.0);
    }

    static JsonNode byJob(JsonNode jobs, String job) {
        for (JsonNode j : jobs) {
            if (j.get("job").asText().equals(job)) {
                return j;
            }
        }
        throw new AssertionError("no job " + job + " in " + jobs);
    }

    @Test
    void statusTheReportJmxAndTheMetricsShowTheSameFiguresUnderTheSameNames() throws Exception {
        String config = dir.resolve("strata-" + SCHEMA + ".yaml").toString();
        long t0 = System.nanoTime();
        TestEnv.Run st = TestEnv.cli("--config", config, "status", "--json");
        assertEquals(0, st.exit(), st.toString());
        TestEnv.Run rep = TestEnv.cli("--config", config, "report", "--out", dir.resolve("reports").toString(), "--json");
        assertEquals(0, rep.exit(), rep.toString());
        Scrape metrics = scrape();
        JsonNode status = JSON.readTree(st.out()).get("jobs");
        JsonNode report = JSON.readTree(rep.out()).get("jobs");
        // Expected: what a run would archive now, by the archive's own rule
        Map<String, long[]> due = Map.of(
                "events", new long[] {5, 100, P2D},   // the first run's rows, restored
                "exports", new long[] {1, 5, P2D},    // the window not exported yet; the row in an exported one is not due
                "audit", new long[] {1, 25, P1D},     // the held row's hour
                "behind", new long[] {2, 10, P1D});
        for (var e : due.entrySet()) {
            String job = e.getKey();
            long partitions = e.getValue()[0];
            long rows = e.getValue()[1];
            long keep = e.getValue()[2];
            JobMBean mbean = job(job);
            List<JsonNode> json = List.of(byJob(status, job).get("due"), byJob(report, job).get("due"));
            for (JsonNode d : json) {
                assertEquals(partitions, d.get("partitions").asLong(), job + ": " + d);
                assertEquals(rows, d.get("rows").asLong(), job + ": " + d);
                assertEquals(keep, d.get("oldestDueAgeSeconds").asLong() - d.get("lagPastKeepSeconds").asLong(),
                        job + ": the lag past keep is the oldest due age less keep: " + d);
            }
            Instant oldest = Instant.parse(json.get(0).get("oldestDueRow").asText());
            assertEquals(oldest, Instant.parse(json.get(1).get("oldestDueRow").asText()), job);
            assertEquals(oldest, Instant.parse(mbean.getOldestDueRow()), job);
            assertEquals(partitions, mbean.getPartitionsDue(), job);
            assertEquals(rows, mbean.getRowsDue(), job);
            assertEquals(keep, mbean.getOldestDueAgeSeconds() - mbean.getLagPastKeepSeconds(), job);
            assertEquals(mbean.getLagPastKeepSeconds(), mbean.getLagSeconds(), job + ": LagSeconds, the former name");
            assertEquals(partitions, metrics.value("strata_partitions_due", job), job);
            assertEquals(rows, metrics.value("strata_rows_due", job), job);
            assertEquals(keep, metrics.value("strata_oldest_due_age_seconds", job)
                    - metrics.value("strata_lag_past_keep_seconds", job), job);
            assertEquals(json.get(0).get("allowanceSeconds").asLong(), metrics.value("strata_lag_allowance_seconds", job), job);
            assertEquals(json.get(0).get("allowanceSeconds").asLong(), mbean.getLagAllowanceSeconds(), job);

            // Read at different moments, the lags grow by the seconds between; JMX keeps its figures up to 5 s, the
            // metrics up to 30 s
            long between = Duration.ofNanos(System.nanoTime() - t0).toSeconds() + 1;
            long age = json.get(0).get("oldestDueAgeSeconds").asLong();
            assertEquals(age, json.get(1).get("oldestDueAgeSeconds").asLong(), between, job + ": status and report");
            assertEquals(age, mbean.getOldestDueAgeSeconds(), between + 5, job + ": status and JMX");
            assertEquals(age, metrics.value("strata_oldest_due_age_seconds", job), between + 30, job + ": status and metrics");
            assertEquals(age, Instant.now().getEpochSecond() - oldest.getEpochSecond(), between, job + ": its age");
        }
        assertTrue(byJob(status, "events").get("due").get("lagPastKeepSeconds").asLong() > 0);
    }

    @Test
    void theMetricsAreTheManifestsFiguresBesideCamelsRouteMetrics() throws Exception {
        Scrape m = scrape();
        for (String job : List.of("events", "exports", "audit")) {
            String where = " FROM $manifest WHERE job = '" + job + "'";
            assertEquals(count("SELECT count(*)" + where), m.value("strata_s3_objects", job), job);
            assertEquals(count("SELECT sum(gzip_bytes)" + where), m.value("strata_s3_bytes", job), job);
            // this process archived all of them
            assertEquals(count("SELECT sum(row_count)" + where), m.value("strata_rows_archived_total", job), job);
            assertEquals(count("SELECT sum(gzip_bytes)" + where), m.value("strata_bytes_archived_total", job), job);
            assertEquals(count("SELECT count(*)" + where), m.value("strata_batches_total", job, "result", "archived"), job);
        }
        assertEquals(45, m.value("strata_s3_objects", "events"), "5 hours, then 40");
        assertEquals(1, m.value("strata_batches_total", "audit", "result", "failed"), "the held row's hour");
        assertEquals(1, m.value("strata_last_run_failed", "audit"));
        assertEquals(0, m.value("strata_last_run_failed", "events"));
        assertEquals(100, m.value("strata_rows_restored_total", "events"));
        assertEquals(count("SELECT sum(row_count) FROM $manifest WHERE state = 'restored'"), m.value("strata_rows_restored_total", "events"));
        assertEquals(count("SELECT sum(gzip_bytes) FROM $manifest WHERE state = 'restored'"), m.value("strata_bytes_restored_total", "events"));
        double lastSuccess = Double.parseDouble(TestEnv.column(sql("SELECT extract(epoch FROM ended_at) FROM $run"
                + " WHERE job = 'events' AND status = 'succeeded' ORDER BY started_at DESC, id DESC LIMIT 1")).get(0));
        assertEquals(lastSuccess, m.value("strata_last_success_timestamp_seconds", "events"), 0.001);
        assertEquals(0, m.value("strata_first_run_timestamp_seconds", "behind"), "never ran");
        assertEquals(86_400, m.value("strata_schedule_interval_seconds", "events"), "fires once more at most: a day");
        assertEquals(2, m.value("strata_schedule_interval_seconds", "paused"));
        assertTrue(m.value("strata_last_run_duration_seconds", "events") > 0);

        double archiveRuns = m.find("camel_exchanges_total", Map.of("routeId", "archive-events", "eventType", "route"))
                .orElseThrow(() -> new AssertionError("Camel's route metrics are missing"));
        assertEquals(2, archiveRuns, "Camel counts the route's exchanges: the two runs");
        assertTrue(m.find("camel_exchanges_total", Map.of("routeId", "strata-batch")).orElse(0.0) >= 45 + 3 + 4);
    }

    /**
     * The rules evaluated at the moment of the scrape: each series keeps the value the service served, and each
     * timestamp keeps its distance from the scrape (promtool's clock starts at 0, so they are moved with it).
     */
    static Promtool.Case asServed(Scrape scrape, String evalTime, long evalSeconds) {
        Promtool.Case c = new Promtool.Case("1m");
        for (Scrape.Sample s : scrape.samples()) {
            if (!s.name().startsWith("strata_") || !s.labels().containsKey("job_name")) {
                continue;
            }
            double v = s.value();
            if (s.name().endsWith("_timestamp_seconds") && v > 0) {
                v = evalSeconds + (v - scrape.at());
                assertTrue(v > 0, s + " is more than " + evalTime + " before the scrape");
            }
            c.series(s.series(Map.of("job", "strata", "instance", "127.0.0.1:8778")), value(v) + "x70");
        }
        return c;
    }

    static String value(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    @Test
    void theAlertsFireOnAFailedRunAStaleJobAndALagPastItsAllowanceAndNotWhereAllIsWell() throws Exception {
        assertEquals(1, settled.value("strata_last_run_failed", "audit"));
        Promtool.Case now = asServed(settled, "60m", 3600)
                .expect("60m", "StrataRunFailed", "audit")
                .expect("60m", "StrataJobStale", "paused")
                .expect("60m", "StrataLagPastAllowance", "behind")
                .expect("60m", "StrataArchiveGrowingFast");  // no history yet: nothing to compare with
        Promtool.test(dir, now);
    }

    /**
     * The archive of events, as Prometheus would have recorded it over eight days: a week in which it grew by
     * what its first run archived each day, then a day in which it grew by what the second run archived (twenty
     * times more rows), or, all being well, by the first run's again.
     */
    @Test
    void theGrowthAlertFiresWhenTheArchiveGrowsFarFasterThanInTheWeekBefore() throws Exception {
        double first = afterFirstRun.value("strata_s3_bytes", "events");
        double second = settled.value("strata_s3_bytes", "events") - first;
        assertTrue(first > 0 && second > 3 * first, "the second run archived more than three days' usual growth: "
                + first + " then " + second);
        String series = "strata_s3_bytes{job=\"strata\",instance=\"127.0.0.1:8778\",job_name=\"events\"}";
        Promtool.test(dir,
                new Promtool.Case("1h").series(series, week(first, second)).expect("192h", "StrataArchiveGrowingFast", "events"),
                new Promtool.Case("1h").series(series, week(first, first)).expect("192h", "StrataArchiveGrowingFast"));
    }

    /** Hourly values over eight days: {@code daily} more each day for seven, then {@code lastDay} more on the eighth. */
    static String week(double daily, double lastDay) {
        List<String> values = new ArrayList<>();
        for (int h = 0; h <= 200; h++) {
            double v = h <= 168 ? daily * (h / 24) : 7 * daily + (h >= 180 ? lastDay : 0);
            values.add(value(v));
        }
        return String.join(" ", values);
    }
}
