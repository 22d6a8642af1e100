package io.strata.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.text.Human;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReportTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_ops_report";
    static final String M = SCHEMA + ".manifest";
    static final String R = SCHEMA + ".run";

    @Override
    protected String schema() {
        return SCHEMA;
    }
    Path config;

    @BeforeEach
    void archivedFailedAndRestoredHistory() {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + SCHEMA + ".events (id bigint PRIMARY KEY, at timestamptz NOT NULL, note text)",
                "CREATE INDEX ON " + SCHEMA + ".events (at)",
                // 6 hours of rows 3 days old, and fresh rows that are not due
                "INSERT INTO " + SCHEMA + ".events SELECT g, date_trunc('hour', now()) - interval '3 days'"
                        + " - (g % 6) * interval '1 hour', repeat('event ', g % 40) FROM generate_series(1, 3000) g",
                "INSERT INTO " + SCHEMA + ".events SELECT g, now(), 'fresh' FROM generate_series(5001, 5100) g",
                "CREATE TABLE " + SCHEMA + ".audit (id bigint PRIMARY KEY, at timestamp NOT NULL, msg text)",
                "CREATE INDEX ON " + SCHEMA + ".audit (at)",
                "INSERT INTO " + SCHEMA + ".audit SELECT g, (now() AT TIME ZONE 'UTC') - interval '5 days'"
                        + " - (g % 4) * interval '1 hour', 'did ' || g FROM generate_series(1, 400) g",
                // rows on legal hold cannot be deleted: their batch fails and rolls back, the run is partial
                "CREATE FUNCTION " + SCHEMA + ".hold() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN IF OLD.id = 8 THEN RAISE EXCEPTION 'row % is on legal hold', OLD.id; END IF; RETURN OLD; END $$",
                "CREATE TRIGGER hold BEFORE DELETE ON " + SCHEMA + ".audit FOR EACH ROW EXECUTE FUNCTION " + SCHEMA + ".hold()");
        config = config().set("report", "{ pricePerGbMonth: 2500 }")
                .job("events", SCHEMA + ".events")
                .job("audit", SCHEMA + ".audit").keep("P1D").schedule("0 0 * * * ?")
                .write(dir);
        assertEquals(0, TestEnv.cli("--config", config.toString(), "archive", "--job", "events").exit());
        assertEquals(1, TestEnv.cli("--config", config.toString(), "archive", "--job", "audit").exit(), "audit's run is partial");
        // two objects restored (the restore command marks them so)
        TestEnv.sql("UPDATE " + M + " SET state = 'restored', restored_at = now()"
                + " WHERE id IN (SELECT id FROM " + M + " WHERE job = 'events' ORDER BY id LIMIT 2)");
    }

    private JsonNode report(Path out) throws Exception {
        TestEnv.Run run = TestEnv.cli("--config", config.toString(), "report", "--out", out.toString(), "--json");
        assertEquals(0, run.exit(), run.toString());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(json, new ObjectMapper().readTree(Files.readString(out.resolve("report-" + today() + ".json"))),
                "the file holds what the command printed");
        return json;
    }

    @Test
    void reportFiguresMatchTheManifestAndRunTables() throws Exception {
        JsonNode r = report(dir.resolve("out"));
        assertEquals(today().toString(), r.get("date").asText());
        assertEquals(14, r.get("days").size() / 2, "14 days for each of the two jobs");

        for (String job : List.of("events", "audit")) {
            JsonNode day = day(r, job, today());
            String where = " WHERE job = '" + job + "'";
            assertEquals(TestEnv.count("SELECT count(*) FROM " + M + where), day.get("objects").asLong(), job);
            assertEquals(TestEnv.count("SELECT sum(row_count) FROM " + M + where), day.get("rows").asLong(), job);
            assertEquals(TestEnv.count("SELECT sum(raw_bytes) FROM " + M + where), day.get("rawBytes").asLong(), job);
            assertEquals(TestEnv.count("SELECT sum(gzip_bytes) FROM " + M + where), day.get("gzipBytes").asLong(), job);
            assertEquals(TestEnv.count("SELECT count(*) FROM " + R + where), day.get("runs").asLong(), job);
            assertEquals(TestEnv.count("SELECT count(*) FROM " + R + where + " AND status IN ('failed', 'partial')"),
                    day.get("failedRuns").asLong(), job);
            assertEquals(TestEnv.count("SELECT sum(partitions_failed) FROM " + R + where), day.get("failedBatches").asLong());

            JsonNode j = job(r, job);
            assertEquals(TestEnv.count("SELECT sum(gzip_bytes) FROM " + M + where), j.at("/storage/bytes").asLong());
            assertEquals(j.at("/storage/bytes").asLong() / (double) (1L << 30) * 2500, j.at("/storage/monthlyCost").asDouble(), 1e-5);
            assertEquals(TestEnv.count("SELECT pg_total_relation_size('" + SCHEMA + "." + job + "')"), j.at("/space/bytes").asLong());
        }
        assertEquals(6, day(r, "events", today()).get("objects").asLong());
        assertEquals(3000, day(r, "events", today()).get("rows").asLong());
        assertEquals(1, day(r, "audit", today()).get("failedRuns").asLong());
        assertEquals(1, day(r, "audit", today()).get("failedBatches").asLong());
        assertEquals(0, day(r, "events", today().minusDays(1)).get("objects").asLong(), "a day without activity is zeros");

        JsonNode events = job(r, "events");
        assertEquals(2, day(r, "events", today()).get("restoredObjects").asLong());
        assertEquals(TestEnv.count("SELECT sum(row_count) FROM " + M + " WHERE state = 'restored'"),
                day(r, "events", today()).get("restoredRows").asLong());
        assertEquals(2, events.at("/archived/restoredObjects").asLong());
        assertEquals(0, events.at("/due/rows").asLong());
        assertEquals("succeeded", events.at("/lastRun/status").asText());

        JsonNode audit = job(r, "audit");
        long held = TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".audit");
        assertEquals(100, held, "the held row's hour stayed");
        assertEquals(held, audit.at("/due/rows").asLong());
        assertEquals(1, audit.at("/due/partitions").asInt(), "the held row's hour");
        assertTrue(audit.at("/due/lagPastKeepSeconds").asLong() > 3 * 86400, audit.toString());
        assertEquals(audit.at("/due/oldestDueAgeSeconds").asLong() - 86400, audit.at("/due/lagPastKeepSeconds").asLong(),
                "the oldest due row's age, less keep P1D");
        assertEquals(3600 + 3600, audit.at("/due/allowanceSeconds").asLong(), "one batch and one hourly interval");
        assertEquals("partial", audit.at("/lastRun/status").asText());

        Map<String, String> alerts = new HashMap<>();
        r.get("alerts").forEach(a -> alerts.merge(a.get("job").asText(), a.get("kind").asText(), (x, y) -> x + "," + y));
        assertEquals("FAILED,LAG", alerts.get("audit"), r.get("alerts").toString());
        assertFalse(alerts.containsKey("events"), r.get("alerts").toString());

        assertCsvMatches(r, dir.resolve("out").resolve("report-" + today() + ".csv"));
        assertHtmlShows(r, Files.readString(dir.resolve("out").resolve("report-" + today() + ".html")));
        for (String ext : List.of("json", "csv", "html")) {
            assertTrue(Files.exists(dir.resolve("s3/test/reports/report-" + today() + "." + ext)), "uploaded ." + ext);
        }

        TestEnv.Run text = TestEnv.cli("--config", config.toString(), "report", "--out", dir.resolve("text").toString());
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("FAILED audit: run "), text.out());
        assertTrue(text.out().contains(dir.resolve("text").resolve("report-" + today() + ".html").toString()), text.out());
    }

    @Test
    void spaceFreedIsTheTableShrinkingSinceTheLastReport() throws Exception {
        JsonNode first = report(dir.resolve("one"));
        assertTrue(job(first, "events").at("/space/freedSinceLastReport").isNull(), "nothing to compare the first with");
        TestEnv.sql("VACUUM FULL " + SCHEMA + ".events");
        JsonNode second = report(dir.resolve("two"));
        assertEquals("reports/report-" + today() + ".json", second.get("previousReport").asText());
        long before = job(first, "events").at("/space/bytes").asLong();
        long after = job(second, "events").at("/space/bytes").asLong();
        assertTrue(after < before, "VACUUM FULL gave back the archived rows' space: " + before + " -> " + after);
        assertEquals(before - after, job(second, "events").at("/space/freedSinceLastReport").asLong());
    }

    private void assertCsvMatches(JsonNode r, Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        assertEquals(r.get("days").size() + r.get("jobs").size() + 1, lines.size());
        String dayLine = lines.stream().filter(l -> l.startsWith("day,audit," + today() + ",")).findFirst().orElseThrow();
        Map<String, String> cells = new HashMap<>();
        String[] values = dayLine.split(",", -1);
        for (int i = 0; i < header.size(); i++) {
            cells.put(header.get(i), values[i]);
        }
        JsonNode d = day(r, "audit", today());
        assertEquals(d.get("rows").asText(), cells.get("rows"));
        assertEquals(d.get("gzipBytes").asText(), cells.get("gzip_bytes"));
        assertEquals("1", cells.get("failed_runs"));
        String jobLine = lines.stream().filter(l -> l.startsWith("job,audit,,")).findFirst().orElseThrow();
        String[] job = jobLine.split(",", -1);
        assertEquals(job(r, "audit").at("/due/rows").asText(), job[header.indexOf("rows_due")]);
        assertEquals(job(r, "audit").at("/due/oldestDueAgeSeconds").asText(), job[header.indexOf("oldest_due_age_seconds")]);
        assertEquals(job(r, "audit").at("/due/lagPastKeepSeconds").asText(), job[header.indexOf("lag_past_keep_seconds")]);
        assertEquals("partial", job[header.indexOf("last_run_status")]);
    }

    private void assertHtmlShows(JsonNode r, String html) {
        assertTrue(html.startsWith("<!doctype html>"));
        assertTrue(html.contains("<svg"), "inline charts");
        for (String remote : List.of("<script", "<link", "src=", "url(", "@import")) {
            assertFalse(html.contains(remote), "self-contained, but found " + remote);
        }
        assertTrue(html.contains(Human.count(job(r, "events").at("/archived/rows").asLong()) + " rows"), "archived rows");
        assertTrue(html.contains(Human.count(job(r, "audit").at("/due/rows").asLong())), "rows due");
        assertTrue(html.contains(Human.bytes(job(r, "events").at("/space/bytes").asLong())), "table size");
        assertTrue(html.contains("row 8 is on legal hold"), "the failure's error");
        assertTrue(html.contains("<li class=\"FAILED\">"), "the alert, highlighted");
        assertTrue(html.contains("<tr class=\"fail\">"), "the failed day, highlighted");
    }

    private static JsonNode day(JsonNode r, String job, LocalDate day) {
        for (JsonNode d : r.get("days")) {
            if (d.get("job").asText().equals(job) && d.get("day").asText().equals(day.toString())) {
                return d;
            }
        }
        throw new AssertionError("no day " + day + " of " + job);
    }

    private static JsonNode job(JsonNode r, String job) {
        for (JsonNode j : r.get("jobs")) {
            if (j.get("job").asText().equals(job)) {
                assertNotNull(j.get("space"));
                return j;
            }
        }
        throw new AssertionError("no job " + job);
    }

    private static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }
}
