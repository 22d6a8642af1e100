package io.strata.archive;

import io.strata.storage.Digests;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

class ArchiveFormatsTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_formats";

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + SCHEMA + ".events (id bigint PRIMARY KEY, at timestamptz NOT NULL, tenant int,"
                        + " note text, amount numeric(20,6), payload jsonb, blob bytea, tags text[])",
                "CREATE INDEX ON " + SCHEMA + ".events (at)",
                // 5 whole hours, 3 days old, with NULLs, empty strings, quotes, newlines and unicode
                "INSERT INTO " + SCHEMA + ".events SELECT g, date_trunc('hour', now()) - interval '3 days'"
                        + " - (g % 5) * interval '1 hour' + (g % 60) * interval '1 second', g % 3,"
                        + " CASE g % 4 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN E'a \"q\", b\\nc' ELSE 'ünï ✓' END,"
                        + " g * 1.000001, jsonb_build_object('g', g, 's', E'x\\\\y\\n\"z\"'), decode(lpad(to_hex(g), 8, '0'), 'hex'),"
                        + " ARRAY['t' || g, NULL] FROM generate_series(1, 500) g",
                // recent rows are not due
                "INSERT INTO " + SCHEMA + ".events SELECT g, now() - interval '1 hour', 0, 'fresh', 0, '{}', NULL, NULL"
                        + " FROM generate_series(1001, 1010) g");
    }

    private Path configFor(String format) {
        return config(job("ev", SCHEMA + ".events", "batch: PT1H", "format: " + format));
    }

    @Test
    void csvArchiveMovesEveryDueRowIntoVerifiedObjectsThatParseBackToTheSameRows() throws Exception {
        List<String> before = copyLines("COPY (SELECT * FROM " + SCHEMA + ".events WHERE id <= 500) TO STDOUT (FORMAT csv)");
        TestEnv.Run run = TestEnv.cli("--config", configFor("csv").toString(), "archive");
        assertEquals(0, run.exit(), run.toString());

        assertEquals(10, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".events"), "only the fresh rows stay");
        List<Path> objects = objects(".csv.gz");
        assertEquals(5, objects.size(), "one object per hour");
        List<String> archived = new ArrayList<>();
        for (Path o : objects) {
            List<String> lines = gunzipLines(o);
            assertEquals("id,at,tenant,note,amount,payload,blob,tags", lines.get(0), "CSV header");
            archived.addAll(parseCsvRecords(lines.subList(1, lines.size())));
            assertTrue(Files.exists(Path.of(o + ".json")), "sidecar beside " + o);
        }
        assertEquals(sorted(before), sorted(archived));
        assertManifestMatches(objects, "csv");
    }

    @Test
    void jsonlArchiveWritesOneJsonObjectPerRowWithTypesPreserved() throws Exception {
        List<String> before = TestEnv.column("SELECT to_json(e)::text FROM " + SCHEMA + ".events e WHERE id <= 500");
        TestEnv.Run run = TestEnv.cli("--config", configFor("jsonl").toString(), "archive", "--json");
        assertEquals(0, run.exit(), run.toString());
        JsonNode summary = new ObjectMapper().readTree(run.out());
        assertEquals(500, summary.at("/runs/0/rows").asLong(), run.out());

        List<Path> objects = objects(".jsonl.gz");
        assertEquals(5, objects.size());
        List<String> archived = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (Path o : objects) {
            for (String line : gunzipLines(o)) {
                JsonNode row = json.readTree(line);
                assertTrue(row.get("id").isNumber(), "id stays a number: " + line);
                assertTrue(row.get("payload").isObject(), "jsonb stays an object: " + line);
                archived.add(line);
            }
        }
        assertEquals(sorted(before), sorted(archived));
        assertManifestMatches(objects, "jsonl");
    }

    private void assertManifestMatches(List<Path> objects, String format) throws Exception {
        assertEquals(objects.size(), TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE format = '" + format + "'"));
        assertEquals(500, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"));
        ObjectMapper json = new ObjectMapper();
        for (Path o : objects) {
            String key = dir.resolve("s3").resolve("test").relativize(o).toString();
            String sha = TestEnv.column("SELECT sha256 FROM " + SCHEMA + ".manifest WHERE object_key = '" + key + "'").get(0);
            assertEquals(sha, sha256(o), "manifest SHA-256 of " + key);
            JsonNode sidecar = json.readTree(Files.readAllBytes(Path.of(o + ".json")));
            assertEquals(sha, sidecar.get("sha256").asText());
            assertEquals(Files.size(o), sidecar.get("bytes").asLong());
            assertEquals(8, sidecar.get("columns").size());
            assertEquals(format.equals("csv") ? 1 : 2, sidecar.get("formatVersion").asInt(), "the format's version");
            assertEquals("jsonb", sidecar.at("/columns/5/json").asText(), "payload is JSON: " + sidecar);
        }
        assertEquals(List.of(format.equals("csv") ? "1" : "2"),
                TestEnv.column("SELECT DISTINCT format_version FROM " + SCHEMA + ".manifest"));
    }

    private List<Path> objects(String suffix) throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("s3"))) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    static String sha256(Path p) throws Exception {
        return Digests.digest(Files.newInputStream(p)).sha256();
    }

    static List<String> gunzipLines(Path p) throws Exception {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(p)),
                StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    /** Joins physical lines into CSV records (a quoted field may hold a newline). */
    static List<String> parseCsvRecords(List<String> lines) {
        List<String> records = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : lines) {
            cur = cur == null ? new StringBuilder(line) : cur.append('\n').append(line);
            long quotes = cur.chars().filter(ch -> ch == '"').count();
            if (quotes % 2 == 0) {
                records.add(cur.toString());
                cur = null;
            }
        }
        return records;
    }

    private static List<String> copyLines(String copySql) throws Exception {
        try (Connection c = TestEnv.connect()) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            c.createStatement().execute("SET TimeZone = 'UTC'; SET extra_float_digits = 3");
            c.unwrap(PGConnection.class).getCopyAPI().copyOut(copySql, out);
            return parseCsvRecords(List.of(out.toString(StandardCharsets.UTF_8).split("\n", -1)))
                    .stream().filter(s -> !s.isEmpty()).toList();
        }
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }
}
