package io.strata.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.storage.Digests;
import io.strata.testing.Await;
import io.strata.testing.Child;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A time job with {@code tables:} (README, "Windows with their dependents"; the seed's "archiving activity"): each due
 * window's object is a bundle of the window's completed lesson enrollments and every row that depends on them, across
 * two databases ({@link LessonsFixture}). Archived by month, restored by month range, verified, refused when it cannot
 * be right.
 */
class WindowBundleTest extends StrataTestCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path config;

    @Override
    protected String schema() {
        return "window_bundle";
    }

    @BeforeEach
    void lessons() throws Exception {
        LessonsFixture.create();
        LessonsFixture.shard("DROP SCHEMA IF EXISTS " + schema() + " CASCADE");
        LessonsFixture.snapshot();
        config = write("", LessonsFixture.TABLES);
    }

    @AfterEach
    void dropShard() {
        LessonsFixture.drop(schema());
        TestEnv.sql("DROP SCHEMA IF EXISTS wb CASCADE", "DROP SCHEMA IF EXISTS wb_before CASCADE",
                "DROP SCHEMA IF EXISTS wb_bundle CASCADE", "DROP SCHEMA IF EXISTS wb_copy CASCADE");
    }

    @AfterAll
    static void dropShardDatabase() {
        LessonsFixture.dropDatabase();
    }

    /** The lessons job with these extra job keys (indented four spaces) and {@code tables:} entries. */
    private Path write(String extraKeys, String tables) {
        return config().extraYaml(LessonsFixture.databasesYaml()).jobsYaml(LessonsFixture.jobYaml(extraKeys, tables)).write(dir);
    }

    private TestEnv.Run strata(String... args) {
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(args));
        return TestEnv.cli(all.toArray(String[]::new));
    }

    private TestEnv.Run archive() {
        TestEnv.Run run = strata("archive", "--job", "lessons");
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    private List<String> keys() {
        return TestEnv.column("SELECT object_key FROM " + schema() + ".manifest ORDER BY window_start, tenant, chunk");
    }

    /** The key of a month's first bundle (a zip whatever the entries' format). */
    private static String key(String month) {
        return key(null, month, 1);
    }

    /** The key of a month's bundle: {@code lessons/[school/]2024/02/lesson_enrollments-202402-c1.zip}. */
    private static String key(Long school, String month, int chunk) {
        return "lessons/" + (school == null ? "" : school + "/") + month.replace('-', '/') + "/lesson_enrollments-"
                + month.replace("-", "") + "-c" + chunk + ".zip";
    }

    private static JsonNode bundleJson(Path zip) throws Exception {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return JSON.readTree(z.getInputStream(z.getEntry("bundle.json")));
        }
    }

    private static JsonNode table(JsonNode tables, String qualified) {
        for (JsonNode t : tables) {
            if (t.get("table").asText().equals(qualified)) {
                return t;
            }
        }
        throw new AssertionError(qualified + " not in " + tables);
    }

    private static String sha256(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return Digests.digest(in).sha256();
        }
    }

    /** What the manifest says of a month's bundle: key, kind, window, tenant, rows, size and SHA-256 as S3 holds it. */
    private void assertManifested(String key, String month, Long school, long rows) throws Exception {
        assertManifested(key, month + "-01 00:00", "1 month", school, rows);
    }

    /** The same of the bundle of the window from {@code start} (UTC) of length {@code length} (an SQL interval). */
    private void assertManifested(String key, String start, String length, Long school, long rows) throws Exception {
        Path zip = object(key);
        assertTrue(Files.exists(zip), key + " in S3");
        assertTrue(Files.exists(object(key + ".json")), key + ".json, the sidecar, in S3");
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest WHERE object_key = '" + key + "'"
                + " AND kind = 'bundle' AND job = 'lessons' AND table_name = 'wb.lesson_enrollments'"
                + " AND window_start = timestamptz '" + start + "+00'"
                + " AND window_end = timestamptz '" + start + "+00' + interval '" + length + "'"
                + " AND tenant IS NOT DISTINCT FROM " + (school == null ? "NULL" : "'" + school + "'")
                + " AND row_count = " + rows + " AND gzip_bytes = " + Files.size(zip) + " AND sha256 = '" + sha256(zip) + "'"
                + " AND state = 'archived' AND deleted AND extract_ms IS NOT NULL"),
                key + ": " + TestEnv.column("SELECT row_to_json(m)::text FROM " + schema() + ".manifest m WHERE object_key = '"
                        + key + "'"));
    }

    /**
     * (1) Every due month is one bundle in S3 holding exactly its completed enrollments and their dependents in both
     * databases; incomplete and not-due enrollments, their dependents and unrelated tables stay row for row.
     */
    @Test
    void archiveBundlesEveryDueMonthAndLeavesTheRestRowForRow() throws Exception {
        Map<String, String> before = LessonsFixture.digests("wb");
        TestEnv.Run dry = strata("archive", "--job", "lessons", "--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        for (String month : LessonsFixture.MONTHS) {
            assertTrue(dry.out().contains(month + "-01T00:00Z"), month + " due in\n" + dry.out());
        }
        assertTrue(dry.out().contains("4 partition(s)"), dry.out());
        assertEquals(before, LessonsFixture.digests("wb"), "the dry run changes nothing");

        TestEnv.Run run = archive();
        List<String> expected = LessonsFixture.MONTHS.stream().map(m -> key(m)).toList();
        assertEquals(expected, keys());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + schema() + ".tenant_pending"), "the shard committed");

        LessonsFixture.assertStayedRowForRow(LessonsFixture.roots(LessonsFixture.DUE), List.of(LessonsFixture.KEPT));
        assertEquals(List.of(String.valueOf(LessonsFixture.KEPT), "951", "952", "961", "962"),
                TestEnv.column("SELECT id::text FROM wb.lesson_enrollments ORDER BY id"),
                "the kept, the incomplete and the recent enrollments stay");

        for (String month : LessonsFixture.MONTHS) {
            List<Long> roots = LessonsFixture.rootsOf(month, null);
            Path zip = object(key(month));
            Map<String, Long> rows = LessonsFixture.assertBundleHolds(zip, roots);
            long n = roots.size();
            assertEquals(n, rows.get("lesson_enrollments"), month);
            assertEquals(2 * n, rows.get("attempts"), month);
            assertEquals(2 * n, rows.get("enrollment_activities"), month);
            assertEquals(3 * n, rows.get("enrollment_activity_attemptables"), month);
            assertEquals(3 * n, rows.get("lesson_events"), month);
            assertEquals(n, rows.get("lesson_event_notes"), month);
            assertManifested(key(month), month, null, 12 * n);

            JsonNode bundle = bundleJson(zip);
            assertEquals("window", bundle.get("kind").asText(), bundle.toString());
            assertTrue(bundle.toString().contains("completed_at"), "bundle.json names the timestampColumn: " + bundle);
            List<String> order = new ArrayList<>();
            bundle.get("loadOrder").forEach(o -> order.add(o.asText()));
            assertTrue(order.indexOf("main:wb.lesson_enrollments") < order.indexOf("main:wb.attempts"), order.toString());
            assertTrue(order.indexOf("main:wb.lesson_enrollments") < order.indexOf("main:wb.enrollment_activities"), order.toString());
            assertTrue(order.indexOf("main:wb.enrollment_activities") < order.indexOf("main:wb.enrollment_activity_attemptables"),
                    order.toString());
            assertTrue(order.indexOf("main:wb.lesson_enrollments") < order.indexOf("shard:wb.lesson_events"), order.toString());
            assertTrue(order.indexOf("shard:wb.lesson_events") < order.indexOf("shard:wb.lesson_event_notes"), order.toString());
            try (ZipFile z = new ZipFile(zip.toFile())) {
                for (JsonNode t : bundle.get("tables")) {
                    try (InputStream in = z.getInputStream(z.getEntry(t.get("entry").asText()))) {
                        assertEquals(t.get("sha256").asText(), Digests.digest(in).sha256(), t.toString());
                    }
                }
                List<? extends ZipEntry> entries = Collections.list(z.entries());
                assertEquals("bundle.json", entries.get(entries.size() - 1).getName(), "bundle.json comes last");
            }
            assertEquals(3 * n, table(bundle.get("tables"), "wb.lesson_events").get("rows").asLong());
            assertEquals("shard", table(bundle.get("tables"), "wb.lesson_events").get("database").asText());
            JsonNode manifestTables = JSON.readTree(TestEnv.column("SELECT tables::text FROM " + schema()
                    + ".manifest WHERE object_key = '" + key(month) + "'").get(0));
            assertEquals(2 * n, table(manifestTables, "wb.attempts").get("rows").asLong(), manifestTables.toString());
            assertEquals(3 * n, table(manifestTables, "wb.lesson_events").get("deleted").asLong(), manifestTables.toString());
        }
        // 391 is March's last microsecond, 401 April's first instant.
        assertTrue(LessonsFixture.rootsOf("2024-03", null).contains(391L));
        assertEquals(List.of(401L), LessonsFixture.rootsOf("2024-04", null));
        assertTrue(run.out().contains("lessons"), run.out());
    }

    /**
     * (2) Restore by month range: one month alone, then the whole range, parents first into each table's own database:
     * every table as it was; a second run loads nothing.
     */
    @Test
    void restoreOfTheRangeGivesBackEveryTableAndASecondRunLoadsNothing() throws Exception {
        Map<String, String> before = LessonsFixture.digests("wb");
        archive();
        Map<String, String> archived = LessonsFixture.digests("wb");
        assertNotEquals(before, archived);

        TestEnv.Run dry = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05", "--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        assertEquals(archived, LessonsFixture.digests("wb"), "the dry run loads nothing");

        TestEnv.Run into = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05", "--into", "wb.attempts");
        assertEquals(2, into.exit(), "--into (one table) is refused for bundles: " + into);
        assertTrue(into.err().contains("--into"), into.toString());
        assertEquals(archived, LessonsFixture.digests("wb"));

        // A range that meets January only in part restores January whole: its dependents have no time of their own.
        TestEnv.Run january = strata("restore", "--job", "lessons", "--from", "2024-01-20", "--to", "2024-01-21");
        assertEquals(0, january.exit(), january.toString());
        List<Long> jan = LessonsFixture.rootsOf("2024-01", null);
        List<Long> later = LessonsFixture.roots(LessonsFixture.DUE + " AND completed_at >= '2024-02-01'");
        LessonsFixture.assertStayedRowForRow(later, List.of(LessonsFixture.KEPT));
        assertEquals(6, TestEnv.count("SELECT count(*) FROM wb.lesson_enrollments WHERE id = ANY(ARRAY" + jan + ")"));
        assertEquals(List.of("restored", "archived", "archived", "archived"),
                TestEnv.column("SELECT state FROM " + schema() + ".manifest ORDER BY window_start"));

        TestEnv.Run all = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05", "--json");
        assertEquals(0, all.exit(), all.toString());
        assertEquals(before, LessonsFixture.digests("wb"), "every table of both databases as it was before the archive");
        assertEquals(List.of("restored", "restored", "restored", "restored"),
                TestEnv.column("SELECT state FROM " + schema() + ".manifest ORDER BY window_start"));
        long loads = TestEnv.count("SELECT count(*) FROM " + schema() + ".restore");

        TestEnv.Run again = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05");
        assertEquals(0, again.exit(), again.toString());
        assertEquals(before, LessonsFixture.digests("wb"), "nothing loaded twice");
        assertEquals(loads, TestEnv.count("SELECT count(*) FROM " + schema() + ".restore"), "no load recorded twice");
        assertTrue((again.out() + again.err()).contains("already restored"), again.toString());
    }

    /** (3) Archive twice: nothing new. A late row in an archived month: chunk 2, holding only it and its dependents. */
    @Test
    void archivingTwiceAddsNothingAndALateRowBecomesChunkTwoHoldingOnlyIt() throws Exception {
        Map<String, String> original = LessonsFixture.digests("wb");
        archive();
        List<String> first = keys();
        Map<String, String> archived = LessonsFixture.digests("wb");
        TestEnv.Run again = archive();
        assertEquals(first, keys(), "nothing new: " + again.out());
        assertEquals(archived, LessonsFixture.digests("wb"));
        try (var files = Files.walk(dir.resolve("s3/test"))) {
            assertEquals(4, files.filter(f -> f.toString().endsWith(".zip")).count(), "no new object");
        }

        TestEnv.sql("INSERT INTO wb.lesson_enrollments (id, school_id, student_id, lesson, started_at, completed_at, score)"
                        + " VALUES (150, 1, 5099, 'late', '2024-01-20 10:00+00', '2024-01-20 10:30+00', 50)",
                "INSERT INTO wb.attempts VALUES (1501, 150, 'late answer', true, '2024-01-20 10:10+00')",
                "INSERT INTO wb.enrollment_activities (id, lesson_enrollment_id, activity, data) VALUES (1501, 150, 'late', '{}')",
                "INSERT INTO wb.enrollment_activity_attemptables VALUES (15011, 1501, 'Attempt', 1501)");
        LessonsFixture.shard("INSERT INTO wb.lesson_events VALUES (1501, 150, 1, 'finished', '2024-01-20 10:30+00', '{\"late\": true}')",
                "INSERT INTO wb.lesson_event_notes VALUES (1501, 1501, 'late note')");
        LessonsFixture.snapshot();
        archive();
        List<String> withLate = new ArrayList<>(first);
        withLate.add(1, key(null, "2024-01", 2));
        assertEquals(withLate, keys());
        assertManifested(key(null, "2024-01", 2), "2024-01", null, 6);
        Map<String, Long> rows = LessonsFixture.assertBundleHolds(object(key(null, "2024-01", 2)), List.of(150L));
        assertEquals(Map.of("lesson_enrollments", 1L, "attempts", 1L, "enrollment_activities", 1L,
                "enrollment_activity_attemptables", 1L, "lesson_events", 1L, "lesson_event_notes", 1L),
                Map.copyOf(rows.entrySet().stream().filter(e -> e.getValue() > 0)
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
        LessonsFixture.assertStayedRowForRow(List.of(150L), List.of());

        // Both chunks of January come back in one restore, with the other months.
        TestEnv.Run restore = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(1, TestEnv.count("SELECT count(*) FROM wb.lesson_enrollments WHERE id = 150"));
        assertEquals(1, LessonsFixture.shardCount("SELECT count(*) FROM wb.lesson_event_notes WHERE id = 1501"));
        LessonsFixture.shard("DELETE FROM wb.lesson_event_notes WHERE id = 1501", "DELETE FROM wb.lesson_events WHERE id = 1501");
        TestEnv.sql("DELETE FROM wb.enrollment_activity_attemptables WHERE id = 15011", "DELETE FROM wb.attempts WHERE id = 1501",
                "DELETE FROM wb.enrollment_activities WHERE id = 1501", "DELETE FROM wb.lesson_enrollments WHERE id = 150");
        assertEquals(original, LessonsFixture.digests("wb"), "every row of every chunk back once, the late ones besides");
    }

    /**
     * (4) A due enrollment that a row staying references (the link to an enrollment never completed) is exported and
     * counted but not deleted; its own dependents go with the bundle. Once nothing references it, it is a late chunk.
     */
    @Test
    void aRootRowThatAStayingRowReferencesIsExportedCountedAndKept() throws Exception {
        TestEnv.Run run = archive();
        assertTrue(run.out().contains("1 stay: referenced"), "February's line says a row was kept:\n" + run.out());
        assertEquals(1, TestEnv.count("SELECT count(*) FROM wb.lesson_enrollments WHERE id = " + LessonsFixture.KEPT));
        assertEquals(1, TestEnv.count("SELECT count(*) FROM wb.lesson_links"), "the link stays");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM wb.attempts WHERE lesson_enrollment_id = " + LessonsFixture.KEPT),
                "the kept row's attempts depend on nothing that stays: they go with the bundle");
        assertEquals(0, LessonsFixture.shardCount("SELECT count(*) FROM wb.lesson_events WHERE lesson_enrollment_id = "
                + LessonsFixture.KEPT));

        String feb = key("2024-02");
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest WHERE object_key = '" + feb + "'"
                + " AND tables @> '[{\"table\": \"wb.lesson_enrollments\", \"rows\": 6, \"deleted\": 5, \"kept\": 1}]'"),
                TestEnv.column("SELECT tables::text FROM " + schema() + ".manifest WHERE object_key = '" + feb + "'").toString());
        JsonNode root = table(bundleJson(object(feb)).get("tables"), "wb.lesson_enrollments");
        assertEquals(1, root.get("kept").asLong(), root.toString());
        assertEquals(5, root.get("deleted").asLong(), root.toString());
        assertTrue(LessonsFixture.assertBundleHolds(object(feb), LessonsFixture.rootsOf("2024-02", null))
                .get("lesson_enrollments") == 6, "the kept row is in the bundle");

        TestEnv.sql("DELETE FROM wb.lesson_links");
        LessonsFixture.snapshot();
        archive();
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest WHERE object_key = '"
                + key(null, "2024-02", 2) + "' AND row_count = 1"), "once nothing references it, it is February's chunk 2");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM wb.lesson_enrollments WHERE id = " + LessonsFixture.KEPT));
    }

    /** (5) With tenantColumn: one bundle per month and school; restore --tenant brings back one school's months. */
    @Test
    void withATenantColumnEachMonthAndSchoolIsABundleAndRestoreTakesOneSchool() throws Exception {
        Map<String, String> before = LessonsFixture.digests("wb");
        // :tenant is the school: the events of the school's enrollments (both conditions hold for each).
        config = write("    tenantColumn: school_id\n", LessonsFixture.TABLES.replace(
                "ANY(:wb.lesson_enrollments.id)", "ANY(:wb.lesson_enrollments.id) AND school_id = :tenant"));
        archive();
        List<String> expected = new ArrayList<>();
        for (String month : LessonsFixture.MONTHS) {
            for (long school : List.of(1L, 2L)) {
                if (!LessonsFixture.rootsOf(month, school).isEmpty()) {
                    expected.add(key(school, month, 1));
                }
            }
        }
        assertEquals(7, expected.size(), "April has school 2's enrollment only");
        assertEquals(expected, keys());
        for (String month : LessonsFixture.MONTHS) {
            for (long school : List.of(1L, 2L)) {
                List<Long> roots = LessonsFixture.rootsOf(month, school);
                if (roots.isEmpty()) {
                    continue;
                }
                LessonsFixture.assertBundleHolds(object(key(school, month, 1)), roots);
                assertManifested(key(school, month, 1), month, school, 12L * roots.size());
            }
        }
        LessonsFixture.assertStayedRowForRow(LessonsFixture.roots(LessonsFixture.DUE), List.of(LessonsFixture.KEPT));

        TestEnv.Run one = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05", "--tenant", "1");
        assertEquals(0, one.exit(), one.toString());
        LessonsFixture.assertStayedRowForRow(LessonsFixture.roots(LessonsFixture.DUE + " AND school_id = 2"), List.of());
        assertEquals(List.of("1=restored", "2=archived"), TestEnv.column("SELECT DISTINCT tenant || '=' || state FROM "
                + schema() + ".manifest ORDER BY 1"));
        TestEnv.Run two = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05", "--tenant", "2");
        assertEquals(0, two.exit(), two.toString());
        assertEquals(before, LessonsFixture.digests("wb"));
    }

    /** (6) verify and verify --deep find every bundle sound; an appended byte and an altered entry are each found. */
    @Test
    void verifyFindsEveryBundleSoundAndATamperedOneIsFound() throws Exception {
        TestEnv.Run status = strata("status", "--json");
        assertEquals(0, status.exit(), status.toString());
        JsonNode job = JSON.readTree(status.out()).at("/jobs/0");
        assertEquals("lessons", job.get("job").asText(), status.out());
        assertEquals(4, job.at("/due/partitions").asInt(), "January to April are due: " + job);
        TestEnv.Run human = strata("status");
        assertEquals(0, human.exit(), human.toString());
        assertTrue(human.out().contains("lessons") && human.out().contains("wb.lesson_enrollments"), human.out());

        archive();
        for (String deep : List.of("", "--deep")) {
            TestEnv.Run verify = deep.isEmpty() ? strata("verify", "--job", "lessons", "--json")
                    : strata("verify", "--job", "lessons", deep, "--json");
            assertEquals(0, verify.exit(), verify.toString());
            assertEquals(4, JSON.readTree(verify.out()).at("/jobs/0/sound").asInt(), verify.out());
        }
        assertEquals(4, JSON.readTree(strata("status", "--json").out()).at("/jobs/0/archived/objects").asInt());
        TestEnv.Run report = strata("report", "--out", dir.resolve("report").toString(), "--json");
        assertEquals(0, report.exit(), report.toString());
        JsonNode reported = JSON.readTree(report.out()).at("/jobs/0");
        assertEquals("bundle", reported.get("kind").asText(), reported.toString());
        assertEquals("wb.lesson_enrollments", reported.get("table").asText(), reported.toString());
        TestEnv.Run get = strata("get", "--job", "lessons", "--key", "111");
        assertEquals(2, get.exit(), "get reads row objects, not bundles: " + get);
        assertTrue(get.err().contains("restore"), "it says what to do instead: " + get);

        // A bundle no manifest lists is an orphan.
        Files.copy(object(key("2024-02")), object(key(null, "2024-02", 7)));
        TestEnv.Run orphan = strata("verify", "--job", "lessons");
        assertEquals(1, orphan.exit(), orphan.toString());
        assertTrue(orphan.out().contains("OBJECT_ORPHAN") && orphan.out().contains(key(null, "2024-02", 7)), orphan.out());
        Files.delete(object(key(null, "2024-02", 7)));

        // An altered entry in a zip that the manifest lists as it now is: only --deep reads the entries.
        String march = key("2024-03");
        Path zip = object(march);
        Path altered = dir.resolve("altered.zip");
        try (ZipFile in = new ZipFile(zip.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(altered))) {
            for (ZipEntry e : Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (e.getName().endsWith("wb.attempts.csv")) {
                    bytes = new String(bytes, StandardCharsets.UTF_8).replace("answer 1", "answer 9").getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        Files.copy(altered, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        TestEnv.sql("UPDATE " + schema() + ".manifest SET sha256 = '" + sha256(zip) + "', gzip_bytes = " + Files.size(zip)
                + " WHERE object_key = '" + march + "'");
        assertEquals(0, strata("verify", "--job", "lessons").exit(), "size and SHA-256 are the manifest's");
        TestEnv.Run deep = strata("verify", "--job", "lessons", "--deep");
        assertEquals(1, deep.exit(), deep.toString());
        assertTrue(deep.out().contains("OBJECT_CORRUPT") && deep.out().contains("wb.attempts.csv"), deep.out());

        // A byte appended to another bundle: its size and SHA-256 are no longer the manifest's.
        String jan = key("2024-01");
        Files.write(object(jan), new byte[] {1}, StandardOpenOption.APPEND);
        TestEnv.Run verify = strata("verify", "--job", "lessons", "--json");
        assertEquals(1, verify.exit(), verify.toString());
        List<String> corrupt = new ArrayList<>();
        JSON.readTree(verify.out()).get("problems").forEach(p -> {
            if (p.get("code").asText().equals("OBJECT_CORRUPT")) {
                corrupt.add(p.get("key").asText());
            }
        });
        assertEquals(List.of(jan), corrupt, verify.out());

        Map<String, String> archived = LessonsFixture.digests("wb");
        TestEnv.Run restore = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05");
        assertEquals(1, restore.exit(), restore.toString());
        assertTrue(restore.out().contains(jan), restore.out());
        assertEquals(archived, LessonsFixture.digests("wb"), "all or nothing: a tampered bundle in the range loads none of it");
        assertEquals(List.of("archived"), TestEnv.column("SELECT DISTINCT state FROM " + schema() + ".manifest"));
    }

    static Stream<Arguments> refusals() {
        String where = "        - table: wb.hint_views\n          where: \"student_id = %s\"\n";
        return Stream.of(
                Arguments.of("offload", "    offload: { columns: [lesson], key: id }\n", "",
                        List.of("strata.jobs[0].", "tables", "offload")),
                Arguments.of("delete: false", "    delete: false\n", "", List.of("strata.jobs[0].", "tables", "delete")),
                Arguments.of("acceptOnDelete", "    acceptOnDelete: [wb.attempts.attempts_lesson_enrollment_id_fkey]\n", "",
                        List.of("strata.jobs[0].", "tables", "acceptOnDelete")),
                Arguments.of("key", "    key: id\n", "", List.of("strata.jobs[0].", "tables", "key")),
                Arguments.of("a where with an unknown parameter", "", where.formatted(":school"),
                        List.of("strata.jobs[0].tables[2].where", ":school")),
                Arguments.of(":tenant without tenantColumn", "", where.formatted(":tenant"),
                        List.of("strata.jobs[0].tables[2].where", ":tenant")),
                Arguments.of("an unknown database", "",
                        "        - table: wb.devices\n          database: nowhere\n          where: \"true\"\n",
                        List.of("strata.jobs[0].tables[2].database", "nowhere")));
    }

    /** (7) A time job with tables: that cannot be right is refused at start: exit 2, the key and value named, nothing moved. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aTimeJobWithTablesThatCannotBeRightIsRefusedAndNothingMoves(String name, String extraKeys, String extraTables,
            List<String> expected) throws Exception {
        Map<String, String> before = LessonsFixture.digests("wb");
        config = write(extraKeys, LessonsFixture.TABLES + extraTables);
        assertRefused(expected, "archive", "--job", "lessons");
        assertEquals(before, LessonsFixture.digests("wb"), "nothing moved");
        if (TestEnv.count("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema() + "' AND tablename = 'manifest'") > 0) {
            assertEquals(0, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest"), "no manifest row");
        }
    }

    /** (7b) The dry run refuses the same jobs: it must not list as due the windows of a job that a run refuses. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void theDryRunRefusesTheSameJobs(String name, String extraKeys, String extraTables, List<String> expected) throws Exception {
        Map<String, String> before = LessonsFixture.digests("wb");
        config = write(extraKeys, LessonsFixture.TABLES + extraTables);
        assertRefused(expected, "archive", "--job", "lessons", "--dry-run");
        assertEquals(before, LessonsFixture.digests("wb"), "nothing moved");
    }

    /** {@code args} exit 2 naming the file and each of {@code expected}, for its own reason (not an unknown key). */
    private void assertRefused(List<String> expected, String... args) {
        TestEnv.Run run = strata(args);
        assertEquals(2, run.exit(), String.join(" ", args) + ": " + run);
        assertTrue(!run.err().contains("is not a known key"), "a time job takes tables: this is refused for its own reason:\n" + run);
        for (String e : expected) {
            assertTrue(run.err().contains(e), "'" + e + "' in\n" + run);
        }
        assertTrue(run.err().contains(config.toString()), "the file named in\n" + run);
    }

    /**
     * (9) {@code --into-schema}: copies of every bundle table, in schema {@code wb_copy} of the table's own database;
     * the tables the rows came from stay as they are, and a second run loads nothing.
     */
    @Test
    void restoreIntoSchemaMakesCopiesInEachDatabaseOnce() throws Exception {
        archive();
        Map<String, String> archived = LessonsFixture.digests("wb");
        TestEnv.Run run = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05", "--into-schema", "wb_copy");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(archived, LessonsFixture.digests("wb"), "the tables the rows came from are untouched");
        assertEquals(List.of("archived"), TestEnv.column("SELECT DISTINCT state FROM " + schema() + ".manifest"),
                "a copy elsewhere does not make a bundle restored");
        List<Long> due = LessonsFixture.roots(LessonsFixture.DUE);
        for (String t : LessonsFixture.BUNDLE_TABLES) {
            String expected = "SELECT count(*) FROM wb_before." + t + " WHERE " + LessonsFixture.inBundle(t, due);
            String copied = "SELECT count(*) FROM wb_copy." + t;
            if (LessonsFixture.isShard(t)) {
                assertEquals(LessonsFixture.shardCount(expected), LessonsFixture.shardCount(copied), t);
            } else {
                assertEquals(TestEnv.count(expected), TestEnv.count(copied), t);
            }
        }
        assertEquals("FRA", TestEnv.column("SELECT lesson_code FROM wb_copy.lesson_enrollments WHERE id = 111").get(0),
                "generated columns computed in the copy");
        Map<String, Long> copies = new java.util.TreeMap<>();
        for (String t : LessonsFixture.BUNDLE_TABLES) {
            String sql = "SELECT count(*) FROM wb_copy." + t;
            copies.put(t, LessonsFixture.isShard(t) ? LessonsFixture.shardCount(sql) : TestEnv.count(sql));
        }
        TestEnv.Run again = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05", "--into-schema", "wb_copy");
        assertEquals(0, again.exit(), again.toString());
        assertTrue((again.out() + again.err()).contains("already restored"), again.toString());
        for (String t : LessonsFixture.BUNDLE_TABLES) {
            String sql = "SELECT count(*) FROM wb_copy." + t;
            assertEquals(copies.get(t), LessonsFixture.isShard(t) ? LessonsFixture.shardCount(sql) : TestEnv.count(sql),
                    t + ": nothing copied twice");
        }
    }

    /**
     * (10) {@code kill -9} between the databases' commits of a window: the main database committed the bundle, its
     * deletes and the pending-delete record of the shard's rows; the shard rolled back. {@code verify} completes the
     * deletes, and the next archive takes the other windows: every row in its table or in exactly one bundle.
     */
    @Test
    void killedBetweenTheCommitsTheShardsRowsAreDeletedFromThePendingRecord() throws Exception {
        config = write("    concurrency: 1\n", LessonsFixture.TABLES);
        Duration wait = Duration.ofSeconds(120);
        Child child = null;
        try (Connection locker = LessonsFixture.connect(true)) {
            locker.setAutoCommit(false);
            int lockerPid;
            try (Statement st = locker.createStatement()) {
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()");
                rs.next();
                lockerPid = rs.getInt(1);
                // SHARE does not stop FOR UPDATE (ROW SHARE) but stops the DELETE (ROW EXCLUSIVE).
                st.execute("LOCK TABLE wb.lesson_event_notes IN SHARE MODE");
            }
            child = Child.start(dir.resolve("killed.log"), "--config", config.toString(), "archive", "--job", "lessons");
            Child c = child;
            Await.until("the shard's DELETE to wait for the test's lock", wait, () -> LessonsFixture.shardCount(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM%'"
                            + " AND " + lockerPid + " = ANY (pg_blocking_pids(pid))") == 1, c::log);
            assertEquals(1, keys().size(), "the main database committed one window: " + keys());
            assertTrue(TestEnv.count("SELECT count(*) FROM " + schema() + ".tenant_pending") > 0, "with its pending deletes");
            child.kill();
            locker.rollback();
        } finally {
            if (child != null) {
                child.destroy();
            }
        }
        Child c = child;
        Await.noStrataBackends(wait, c::log);
        Await.until("the killed process's shard backends to end", wait, () -> LessonsFixture.shardCount(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'strata'") == 0,
                c::log);
        String month = TestEnv.column("SELECT to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM') FROM " + schema() + ".manifest")
                .get(0);
        List<Long> committed = LessonsFixture.rootsOf(month, null);
        assertEquals(0, TestEnv.count("SELECT count(*) FROM wb.lesson_enrollments WHERE id = ANY(ARRAY" + committed + ")"),
                "the main database's rows of " + month + " went");
        assertEquals(3L * committed.size(), LessonsFixture.shardCount("SELECT count(*) FROM wb.lesson_events WHERE lesson_enrollment_id"
                + " = ANY(ARRAY" + committed + ")"), "the shard rolled back: its rows are in the table and in the bundle");

        TestEnv.Run verify = strata("verify", "--job", "lessons");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + schema() + ".tenant_pending"), "verify completed it: " + verify);
        assertEquals(0, LessonsFixture.shardCount("SELECT count(*) FROM wb.lesson_events WHERE lesson_enrollment_id"
                + " = ANY(ARRAY" + committed + ")"));
        LessonsFixture.assertStayedRowForRow(committed, List.of(LessonsFixture.KEPT));

        archive();
        assertEquals(LessonsFixture.MONTHS.stream().map(WindowBundleTest::key).toList(), keys(),
                "one bundle a month; an orphan's key is written over");
        LessonsFixture.assertStayedRowForRow(LessonsFixture.roots(LessonsFixture.DUE), List.of(LessonsFixture.KEPT));
        for (String m : LessonsFixture.MONTHS) {
            LessonsFixture.assertBundleHolds(object(key(m)), LessonsFixture.rootsOf(m, null));
        }
    }

    /**
     * (11) Every batch a time job takes: hour, day and week windows are bundles too, under the row objects' keys with
     * {@code .zip}; {@code archive} without {@code --job} runs the job; {@code testRestore: false} records no test restore.
     */
    @ParameterizedTest(name = "batch {0}")
    @CsvSource({"PT1H, hour, true", "P1D, day, false", "P1W, week, true"})
    void hourDayAndWeekWindowsAreBundlesUnderTheirOwnKeys(String batch, String unit, boolean testRestore) throws Exception {
        Map<String, String> before = LessonsFixture.digests("wb");
        config = config().extraYaml(LessonsFixture.databasesYaml()).jobsYaml(LessonsFixture.jobYaml(batch, "P30D",
                "    testRestore: " + testRestore + "\n", LessonsFixture.TABLES)).write(dir);
        TestEnv.Run run = strata("archive");
        assertEquals(0, run.exit(), run.toString());

        String window = "date_trunc('" + unit + "', completed_at AT TIME ZONE 'UTC')";
        String label = unit.equals("week") ? "to_char(w, 'YYYYMMDD') || 'w'" : "to_char(w, 'YYYYMMDDHH24')";
        List<String> windows = TestEnv.column("SELECT DISTINCT to_char(" + window + ", 'YYYY-MM-DD HH24:MI') FROM"
                + " wb_before.lesson_enrollments WHERE " + LessonsFixture.DUE + " ORDER BY 1");
        List<String> expected = TestEnv.column("SELECT 'lessons/' || to_char(w, 'YYYY/MM/DD') || '/lesson_enrollments-' || " + label
                + " || '-c1.zip' FROM (SELECT DISTINCT " + window + " AS w FROM wb_before.lesson_enrollments WHERE "
                + LessonsFixture.DUE + ") x ORDER BY w");
        assertEquals(expected, keys());
        for (int i = 0; i < windows.size(); i++) {
            List<Long> roots = LessonsFixture.roots(window + " = timestamp '" + windows.get(i) + "'");
            LessonsFixture.assertBundleHolds(object(expected.get(i)), roots);
            assertManifested(expected.get(i), windows.get(i), "1 " + unit, null, 12L * roots.size());
        }
        assertEquals(testRestore ? 0 : windows.size(), TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest"
                + " WHERE test_restore_ms IS NULL"), "testRestore: " + testRestore);
        LessonsFixture.assertStayedRowForRow(LessonsFixture.roots(LessonsFixture.DUE), List.of(LessonsFixture.KEPT));

        TestEnv.Run restore = strata("restore", "--job", "lessons", "--from", "2024-01-01", "--to", "2024-05-01");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(before, LessonsFixture.digests("wb"));
    }

    /**
     * (12) A bundle whose test restore fails (a row its table holds but would refuse today: a domain constraint added
     * NOT VALID after the row was written) fails its window before any delete; the other windows are archived.
     */
    @Test
    void aWindowWhoseTestRestoreFailsDeletesNothingAndTheOthersAreArchived() throws Exception {
        TestEnv.sql("CREATE DOMAIN wb.answer AS text", "ALTER TABLE wb.attempts ALTER COLUMN answer TYPE wb.answer",
                "UPDATE wb.attempts SET answer = 'refused today' WHERE id = 2111",
                "ALTER DOMAIN wb.answer ADD CONSTRAINT answer_not_refused CHECK (VALUE <> 'refused today') NOT VALID");
        LessonsFixture.snapshot();
        TestEnv.Run run = strata("archive", "--job", "lessons");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("TEST_RESTORE_FAILED"), run.out());
        assertEquals(List.of(key("2024-01"), key("2024-03"), key("2024-04")), keys(), "February failed, the others archived");
        LessonsFixture.assertStayedRowForRow(LessonsFixture.roots(LessonsFixture.DUE + " AND NOT (completed_at >= '2024-02-01'"
                + " AND completed_at < '2024-03-01')"), List.of());
        assertEquals(6, TestEnv.count("SELECT count(*) FROM wb.lesson_enrollments WHERE completed_at >= '2024-02-01'"
                + " AND completed_at < '2024-03-01'"), "nothing of February deleted");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + schema() + ".tenant_pending"));
        assertEquals(List.of("partial 4 3 1"), TestEnv.column("SELECT status || ' ' || partitions || ' ' || partitions_done || ' '"
                + " || partitions_failed FROM " + schema() + ".run WHERE job = 'lessons'"), "the run counts the failed window");
    }

    /**
     * (13) All or nothing across databases: a parent the bundles' rows need (their school) is gone, so the range is
     * refused and nothing of it stays in either database; once the parent is back, the range loads.
     */
    @Test
    void aRestoreRefusedForAMissingParentLoadsNothingInEitherDatabaseUntilItIsBack() throws Exception {
        archive();
        // School 2 goes, with what is left of it (its enrollments that were not due, and their dependents).
        String left = "(SELECT id FROM wb.lesson_enrollments WHERE school_id = 2)";
        TestEnv.sql("DELETE FROM wb.enrollment_activity_attemptables WHERE enrollment_activity_id IN (SELECT id FROM"
                        + " wb.enrollment_activities WHERE lesson_enrollment_id IN " + left + ")",
                "DELETE FROM wb.enrollment_activities WHERE lesson_enrollment_id IN " + left,
                "DELETE FROM wb.attempts WHERE lesson_enrollment_id IN " + left,
                "DELETE FROM wb.lesson_enrollments WHERE school_id = 2", "DELETE FROM wb.schools WHERE id = 2");
        Map<String, String> without = LessonsFixture.digests("wb");

        TestEnv.Run run = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("REFUSED") && run.out().contains("lesson_enrollments_school_id_fkey"), run.out());
        assertEquals(without, LessonsFixture.digests("wb"), "nothing of the range in either database");
        assertEquals(List.of("archived"), TestEnv.column("SELECT DISTINCT state FROM " + schema() + ".manifest"));

        TestEnv.sql("INSERT INTO wb.schools VALUES (2, 'South')");
        TestEnv.Run again = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05");
        assertEquals(0, again.exit(), again.toString());
        List<Long> due = LessonsFixture.roots(LessonsFixture.DUE);
        for (String t : LessonsFixture.BUNDLE_TABLES) {
            String sql = "SELECT count(*) FROM (SELECT * FROM wb_before." + t + " WHERE " + LessonsFixture.inBundle(t, due)
                    + " EXCEPT ALL SELECT * FROM wb." + t + ") x";
            assertEquals(0, LessonsFixture.isShard(t) ? LessonsFixture.shardCount(sql) : TestEnv.count(sql), t + ": every due row back");
        }
        assertEquals(List.of("restored"), TestEnv.column("SELECT DISTINCT state FROM " + schema() + ".manifest"));
    }

    /** (8) JSON lines: the entries are .jsonl, JSON null apart from SQL NULL, and a restore gives back every table. */
    @Test
    void aJsonLinesWindowBundleComesBackWhole() throws Exception {
        Map<String, String> before = LessonsFixture.digests("wb");
        config = write("    format: jsonl\n", LessonsFixture.TABLES);
        archive();
        assertEquals(List.of("jsonl"), TestEnv.column("SELECT DISTINCT format FROM " + schema() + ".manifest"));
        assertEquals(LessonsFixture.MONTHS.stream().map(m -> key(m)).toList(), keys());
        List<Long> roots = LessonsFixture.rootsOf("2024-01", null);
        try (ZipFile z = new ZipFile(object(key("2024-01")).toFile())) {
            assertTrue(z.getEntry(LessonsFixture.entry("lesson_enrollments", "csv")) == null);
            String events = new String(z.getInputStream(z.getEntry(LessonsFixture.entry("lesson_events", "jsonl"))).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertEquals(3L * roots.size(), events.lines().count(), events);
            assertTrue(events.contains("\"payload\":null"), "JSON null is written: " + events);
            assertTrue(events.lines().anyMatch(l -> !l.contains("\"payload\"")), "SQL NULL is a missing key: " + events);
            String enrollments = new String(z.getInputStream(z.getEntry(LessonsFixture.entry("lesson_enrollments", "jsonl")))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(roots.size(), enrollments.lines().count(), enrollments);
            assertEquals("window", bundleJson(object(key("2024-01"))).get("kind").asText());
        }
        LessonsFixture.assertStayedRowForRow(LessonsFixture.roots(LessonsFixture.DUE), List.of(LessonsFixture.KEPT));
        TestEnv.Run deep = strata("verify", "--job", "lessons", "--deep");
        assertEquals(0, deep.exit(), deep.toString());

        TestEnv.Run restore = strata("restore", "--job", "lessons", "--from", "2024-01", "--to", "2024-05");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(before, LessonsFixture.digests("wb"), "JSON null and SQL NULL, generated and identity columns as they were");
    }
}
