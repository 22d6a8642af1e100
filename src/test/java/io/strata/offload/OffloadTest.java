package io.strata.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Offloading a column of a points table (a big jsonb per row, JSON null and SQL NULL among its values): per user and
 * day, the values go to S3 and are NULLed in one statement, every other column stays, late values become chunk 2,
 * and restore puts back exactly what was there.
 */
class OffloadTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_offload";
    static final String T = SCHEMA + ".points";
    static final String OTHERS = "id, user_id, at, lon, lat, note";
    static final String OFFLOAD = "offload: {columns: [raw_data], key: id, flagColumn: raw_data_archived,"
            + " refColumn: raw_data_archive_id}";
    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected String schema() {
        return SCHEMA;
    }

    /** 600 points of 4 users over 3 days, 3 to 5 days old, and 4 fresh ones; raw_data ~1 KB, JSON null, SQL NULL. */
    static void points(String schema) {
        String t = schema + ".points";
        TestEnv.sql("CREATE SCHEMA " + schema,
                "CREATE TABLE " + t + " (id bigint PRIMARY KEY, user_id int NOT NULL, at timestamptz NOT NULL,"
                        + " lon double precision, lat double precision, note text, raw_data jsonb,"
                        + " raw_data_archived boolean NOT NULL DEFAULT false, raw_data_archive_id bigint)",
                "CREATE INDEX ON " + t + " (at)",
                "INSERT INTO " + t + " (id, user_id, at, lon, lat, note, raw_data) SELECT g, 1 + g % 4,"
                        + " date_trunc('day', now()) - interval '5 days' + (g % 3) * interval '1 day' + g * interval '1 minute',"
                        + " 13.4 + g / 1000.0, 52.5 - g / 1000.0, CASE WHEN g % 7 = 0 THEN NULL ELSE 'n' || g END,"
                        + " CASE WHEN g % 50 = 0 THEN NULL WHEN g % 50 = 1 THEN 'null'::jsonb"
                        + " ELSE jsonb_build_object('lon', g / 7.0, 'acc', g % 13, 'none', NULL, 'list', jsonb_build_array(g, NULL, 'x'),"
                        + " 'pad', repeat(md5(g::text), 28)) END FROM generate_series(1, 600) g",
                "INSERT INTO " + t + " (id, user_id, at, raw_data) SELECT 1000 + g, g, now(), '{\"fresh\": true}'"
                        + " FROM generate_series(1, 4) g");
    }

    @BeforeEach
    void setUp() {
        points(SCHEMA);
    }

    Path offloadConfig(String format, String... extra) {
        String[] keys = new String[extra.length + 4];
        keys[0] = "batch: P1D";
        keys[1] = "tenantColumn: user_id";
        keys[2] = "format: " + format;
        keys[3] = OFFLOAD;
        System.arraycopy(extra, 0, keys, 4, extra.length);
        return config(job("raw-data", T, keys));
    }

    static String md5(String columns) {
        return TestEnv.column("SELECT md5(string_agg((" + columns + ")::text, E'\\n' ORDER BY id)) FROM " + T).get(0);
    }

    static String whole() {
        return whole(T);
    }

    static String whole(String table) {
        return TestEnv.column("SELECT md5(string_agg(t::text, E'\\n' ORDER BY id)) FROM " + table + " t").get(0);
    }

    /** The lines of an object, parsed, by key. */
    Map<Long, JsonNode> lines(String key) throws Exception {
        Map<Long, JsonNode> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(object(key))),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode n = JSON.readTree(line);
                out.put(n.get("id").asLong(), n);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsonl", "csv"})
    void offloadsPerUserAndDayLeavesEveryOtherColumnAndRestoresTheTableExactly(String format) throws Exception {
        String others = md5(OTHERS);
        String before = whole();
        long values = TestEnv.count("SELECT count(*) FROM " + T + " WHERE raw_data IS NOT NULL AND at < now() - interval '2 days'");
        Path cfg = offloadConfig(format);

        TestEnv.Run run = TestEnv.cli("--config", cfg.toString(), "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(others, md5(OTHERS), "every other column is untouched");
        assertEquals(12, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE kind = 'offload' AND chunk = 1"),
                "one object per user and day");
        assertEquals(values, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"),
                "every value (JSON null included), and no SQL NULL");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T + " WHERE raw_data IS NOT NULL AND at < now() - interval '2 days'"));
        assertEquals(4, TestEnv.count("SELECT count(*) FROM " + T + " WHERE raw_data IS NOT NULL"), "the fresh rows keep theirs");
        assertEquals(values, TestEnv.count("SELECT count(*) FROM " + T + " p JOIN " + SCHEMA + ".manifest m"
                + " ON m.id = p.raw_data_archive_id WHERE p.raw_data_archived AND m.tenant = p.user_id::text"
                + " AND p.at >= m.window_start AND p.at < m.window_end"), "flag and ref name the object of the row's user and day");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T + " WHERE raw_data_archived <> (raw_data_archive_id IS NOT NULL)"));
        assertTrue(TestEnv.count("SELECT min(source_bytes) FROM " + SCHEMA + ".manifest") > 0, "the space each object freed");
        if (format.equals("jsonl")) {
            String key = TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest WHERE tenant = '2' ORDER BY window_start LIMIT 1").get(0);
            Map<Long, JsonNode> l = lines(key);
            JsonNode jsonNull = l.values().stream().filter(n -> n.get("raw_data").isNull()).findFirst().orElseThrow();
            assertEquals(1, jsonNull.get("id").asLong() % 50, "JSON null is a value, offloaded as null");
            assertTrue(l.values().stream().allMatch(n -> n.size() == 2), "each line is the key and the column");
        }

        TestEnv.Run again = TestEnv.cli("--config", cfg.toString(), "archive");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("nothing due"), again.out());

        TestEnv.Run restore = TestEnv.cli("--config", cfg.toString(), "restore", "--job", "raw-data", "--from", "2000-01-01",
                "--to", "2100-01-01");
        assertEquals(0, restore.exit(), restore.toString());
        assertTrue(restore.out().contains("0 missing"), restore.out());
        assertEquals(before, whole(), "the whole table, row for row, as before the offload");

        TestEnv.Run twice = TestEnv.cli("--config", cfg.toString(), "restore", "--job", "raw-data", "--from", "2000-01-01",
                "--to", "2100-01-01");
        assertEquals(0, twice.exit(), twice.toString());
        assertTrue(twice.out().contains("already restored"), twice.out());
        assertEquals(before, whole(), "restoring twice changes nothing");
    }

    @Test
    void lateValuesAndLateRowsBecomeChunkTwo() throws Exception {
        Path cfg = offloadConfig("jsonl");
        assertEquals(0, TestEnv.cli("--config", cfg.toString(), "archive").exit());
        long firstObjects = TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest");
        // Point 6 (user 3) gets a value again; a late point of user 3 arrives in the same day.
        TestEnv.sql("UPDATE " + T + " SET raw_data = '{\"again\": 1}' WHERE id = 6",
                "INSERT INTO " + T + " (id, user_id, at, raw_data) SELECT 2000, 3, at, '{\"late\": 1}' FROM " + T + " WHERE id = 6");
        String window = TestEnv.column("SELECT window_start::text FROM " + SCHEMA + ".manifest m JOIN " + T
                + " p ON p.raw_data_archive_id = m.id WHERE p.id = 6").get(0);

        TestEnv.Run run = TestEnv.cli("--config", cfg.toString(), "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(firstObjects + 1, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"));
        List<String> c2 = TestEnv.column("SELECT object_key || ' ' || row_count || ' ' || tenant || ' ' || window_start FROM "
                + SCHEMA + ".manifest WHERE chunk = 2");
        assertEquals(1, c2.size());
        assertTrue(c2.get(0).endsWith("-c2.jsonl.gz 2 3 " + window), c2.toString());
        Map<Long, JsonNode> l = lines(c2.get(0).split(" ")[0]);
        assertEquals("{\"again\":1}", l.get(6L).get("raw_data").toString());
        assertEquals("{\"late\":1}", l.get(2000L).get("raw_data").toString());
        assertEquals(2, TestEnv.count("SELECT count(*) FROM " + T + " p JOIN " + SCHEMA + ".manifest m ON m.id ="
                + " p.raw_data_archive_id WHERE m.chunk = 2 AND p.raw_data IS NULL"));
    }

    @Test
    void restorePutsBackOnlyIntoRowsStillNullAndCountsDeletedRowsAsMissing() {
        String others = md5(OTHERS);
        Path cfg = offloadConfig("jsonl");
        assertEquals(0, TestEnv.cli("--config", cfg.toString(), "archive").exit());
        String offloaded5 = TestEnv.column("SELECT raw_data_archive_id::text FROM " + T + " WHERE id = 5").get(0);
        // Since the offload: three points of user 2 were deleted, one got a value of its own.
        TestEnv.sql("DELETE FROM " + T + " WHERE id IN (1, 5, 9)", "UPDATE " + T + " SET raw_data = '{\"new\": 1}' WHERE id = 13");

        TestEnv.Run restore = TestEnv.cli("--config", cfg.toString(), "restore", "--job", "raw-data", "--from", "2000-01-01",
                "--to", "2100-01-01", "--tenant", "2");
        assertEquals(0, restore.exit(), restore.toString());
        assertTrue(restore.out().contains("3 missing"), restore.out());
        assertTrue(restore.out().contains("1 kept"), restore.out());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T + " WHERE id IN (1, 5, 9)"), "deleted rows stay deleted");
        assertEquals(List.of("{\"new\": 1}"), TestEnv.column("SELECT raw_data::text FROM " + T + " WHERE id = 13"),
                "a value written since is not overwritten");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T + " WHERE user_id = 2 AND id <> 13 AND (raw_data_archived"
                + " OR raw_data_archive_id IS NOT NULL)"), "flag and ref cleared for user 2");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T + " WHERE user_id = 2 AND raw_data IS NULL AND id % 50 <> 0"));
        assertTrue(TestEnv.count("SELECT count(*) FROM " + T + " WHERE user_id <> 2 AND raw_data_archived") > 0,
                "other users' values stay offloaded");
        assertNotEquals("", offloaded5);
        assertEquals(TestEnv.column("SELECT md5(string_agg((" + OTHERS + ")::text, E'\\n' ORDER BY id)) FROM " + T
                + " WHERE id NOT IN (1, 5, 9)").get(0), md5(OTHERS));
        assertNotEquals(others, md5(OTHERS));
    }

    @Test
    void statusAndReportShowWhatTheOffloadedValuesTookAndWhenTheSpaceComesBack() throws Exception {
        long stored = TestEnv.count("SELECT sum(pg_column_size(raw_data)) FROM " + T + " WHERE at < now() - interval '2 days'");
        Path cfg = offloadConfig("jsonl");
        assertEquals(0, TestEnv.cli("--config", cfg.toString(), "archive").exit());

        TestEnv.Run status = TestEnv.cli("--config", cfg.toString(), "status", "--json");
        assertEquals(0, status.exit(), status.toString());
        JsonNode job = JSON.readTree(status.out()).get("jobs").get(0);
        assertEquals(stored, job.get("offloaded").get("bytes").asLong(), "pg_column_size of exactly the values offloaded");
        assertEquals(TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"), job.get("offloaded").get("values").asLong());
        assertTrue(job.get("offloaded").get("tableBytes").asLong() > 0);
        TestEnv.Run text = TestEnv.cli("--config", cfg.toString(), "status");
        assertTrue(text.out().contains("raw-data: raw_data of 588 rows offloaded") && text.out().contains("VACUUM"), text.out());

        TestEnv.Run report = TestEnv.cli("--config", cfg.toString(), "report", "--out", dir.resolve("reports").toString());
        assertEquals(0, report.exit(), report.toString());
        assertTrue(report.out().contains("reusable by new rows once VACUUM has run"), report.out());
        try (var files = Files.list(dir.resolve("reports"))) {
            Path html = files.filter(f -> f.toString().endsWith(".html")).findFirst().orElseThrow();
            assertTrue(Files.readString(html).contains("Offloaded raw_data of 588 rows"), "the HTML report says so");
        }
    }

    @Test
    void theSeedsShapeEpochSecondsAndMonthWindowsPerUserRoundTrips() {
        String e = SCHEMA + ".points_epoch";
        TestEnv.sql("CREATE TABLE " + e + " (id bigint PRIMARY KEY, user_id int NOT NULL, \"timestamp\" bigint NOT NULL,"
                        + " lonlat text, raw_data jsonb, raw_data_archived boolean NOT NULL DEFAULT false, raw_data_archive_id bigint)",
                "CREATE INDEX ON " + e + " (\"timestamp\")",
                // 5 months back to 1 month back, 3 users; a JSON null and a SQL NULL among the values
                "INSERT INTO " + e + " (id, user_id, \"timestamp\", lonlat, raw_data) SELECT g, 1 + g % 3,"
                        + " extract(epoch FROM date_trunc('month', now()) - interval '5 months')::bigint + g * 86400,"
                        + " 'POINT(' || g || ' 1)', CASE WHEN g % 20 = 0 THEN NULL WHEN g % 20 = 1 THEN 'null'"
                        + " ELSE jsonb_build_object('g', g, 'pad', repeat('x', 900)) END FROM generate_series(1, 150) g");
        String before = TestEnv.column("SELECT md5(string_agg(t::text, E'\\n' ORDER BY id)) FROM " + e + " t").get(0);
        Path cfg = config("  - name: raw-data\n    table: " + e + "\n    timestampColumn: timestamp\n    timestampUnit: seconds\n"
                + "    tenantColumn: user_id\n    batch: P1M\n    keep: P2M\n    format: jsonl\n    " + OFFLOAD + "\n");
        TestEnv.Run run = TestEnv.cli("--config", cfg.toString(), "archive");
        assertEquals(0, run.exit(), run.toString());
        long months = TestEnv.count("SELECT count(DISTINCT window_start) FROM " + SCHEMA + ".manifest");
        assertTrue(months >= 2 && months <= 3, "whole months past keep: " + months);
        assertEquals(TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"), months * 3, "one object per user and month");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + e + " p JOIN " + SCHEMA + ".manifest m ON m.id = p.raw_data_archive_id"
                + " WHERE to_timestamp(p.\"timestamp\") < m.window_start OR to_timestamp(p.\"timestamp\") >= m.window_end"
                + " OR m.tenant <> p.user_id::text"), "each value went to its user's month");
        assertTrue(TestEnv.count("SELECT count(*) FROM " + e + " WHERE raw_data IS NOT NULL") > 0, "the last months stay");

        TestEnv.Run restore = TestEnv.cli("--config", cfg.toString(), "restore", "--job", "raw-data", "--from", "2000-01",
                "--to", "2100-01");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(before, TestEnv.column("SELECT md5(string_agg(t::text, E'\\n' ORDER BY id)) FROM " + e + " t").get(0));
    }
}
