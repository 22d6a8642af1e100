package io.strata.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.storage.Digests;
import io.strata.testing.TestEnv;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whole tenants (README): a school and every dependent row, across two databases, in one verified bundle. */
class TenantArchiveTest extends SchoolsTestCase {

    @Override
    protected String schema() {
        return "tenant_archive";
    }

    private Path config;

    @BeforeEach
    void schools() {
        config = schoolsConfig();
    }

    private TestEnv.Run archive(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "--config";
        all[1] = config.toString();
        all[2] = "archive";
        System.arraycopy(args, 0, all, 3, args.length);
        return TestEnv.cli(all);
    }

    private List<Path> bundles() {
        return SchoolsFixture.keys(schema()).stream().map(this::object).toList();
    }

    @Test
    void archivingOneSchoolTakesItsRowsInBothDatabasesAndLeavesTheOthersRowForRow() throws Exception {
        SchoolsFixture.snapshot();
        TestEnv.Run run = archive("--job", "schools", "--tenant", "13");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("schools  13  c1"), run.out());

        Map<String, Long> deleted = SchoolsFixture.assertEveryRowInItsTableOrOneBundle(bundles());
        // School 13: 1 school, 3 classrooms, 12 students (the shared one stays), 14 links, 1 + 3 + 12 donations,
        // 12 sessions (the shared kid's stays with it... no: it is a child of a kept row and goes with the bundle).
        assertEquals(1, deleted.get("schools"));
        assertEquals(3, deleted.get("classrooms"));
        assertEquals(12, deleted.get("students"), "the kid also in school 14 is kept");
        assertEquals(13, deleted.get("classroom_students"), "school 13's links, the shared kid's included; not school 14's");
        assertEquals(6, deleted.get("enrollments"));
        assertEquals(18, deleted.get("attempts"));
        assertEquals(1, TestEnv.count("SELECT count(*) FROM tn.students WHERE id = 9000"), "the shared kid stays");
        assertEquals(1, TestEnv.count("SELECT count(*) FROM tn.classroom_students WHERE student_id = 9000"),
                "school 14's link of the shared kid stays");
        assertTrue(run.out().contains("1 row(s) of main:tn.students exported but kept"), run.out());
        for (long other : List.of(11L, 12L, 14L)) {
            assertEquals(3, TestEnv.count("SELECT count(*) FROM tn.classrooms WHERE school_id = " + other));
        }
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + schema() + ".tenant_pending"), "the shard committed");

        // The manifest's extraction record and the bundle's own description.
        assertEquals(List.of("schools/13/schools-13-c1.zip"), SchoolsFixture.keys(schema()));
        Path zip = object("schools/13/schools-13-c1.zip");
        String sha;
        try (InputStream in = Files.newInputStream(zip)) {
            sha = Digests.digest(in).sha256();
        }
        assertEquals(sha, TestEnv.column("SELECT sha256 FROM " + schema() + ".manifest").get(0), "the zip's SHA-256 as S3 holds it");
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest WHERE kind = 'tenant' AND tenant = '13'"
                + " AND test_restore_ms IS NOT NULL AND extract_ms IS NOT NULL AND gzip_bytes = " + Files.size(zip)
                + " AND tables @> '[{\"table\": \"tn.students\", \"kept\": 1}]'"));
        try (ZipFile z = new ZipFile(zip.toFile())) {
            JsonNode bundle = new ObjectMapper().readTree(z.getInputStream(z.getEntry("bundle.json")));
            List<String> order = new java.util.ArrayList<>();
            bundle.get("loadOrder").forEach(n -> order.add(n.asText()));
            assertTrue(order.indexOf("main:tn.schools") < order.indexOf("main:tn.classrooms"));
            assertTrue(order.indexOf("main:tn.students") < order.indexOf("main:tn.classroom_students"));
            assertTrue(order.indexOf("main:tn.classrooms") < order.indexOf("shard:tn.enrollments"));
            assertTrue(order.indexOf("shard:tn.enrollments") < order.indexOf("shard:tn.attempts"));
            assertEquals(8, order.size(), order.toString());
            for (JsonNode t : bundle.get("tables")) {
                try (InputStream in = z.getInputStream(z.getEntry(t.get("entry").asText()))) {
                    assertEquals(t.get("sha256").asText(), Digests.digest(in).sha256(), t.toString());
                }
            }
            assertEquals("bundle.json", java.util.Collections.list(z.entries()).get(8).getName(), "bundle.json comes last");
        }
        TestEnv.Run list = TestEnv.cli("--config", config.toString(), "tenants", "--job", "schools");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("13") && list.out().contains(sha.substring(0, 12)), list.out());
    }

    @Test
    void archivingTwiceAddsNothingAndLateRowsBecomeChunkTwo() throws Exception {
        assertEquals(0, archive("--job", "schools", "--tenant", "13").exit());
        TestEnv.Run again = archive("--job", "schools", "--tenant", "13");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("nothing left to archive"), again.out());
        assertEquals(1, SchoolsFixture.keys(schema()).size());

        TestEnv.sql("INSERT INTO tn.schools VALUES (13, 'School 13 again', NULL)", "INSERT INTO tn.classrooms VALUES (139, 13, 'late')");
        SchoolsFixture.shard("INSERT INTO tn.enrollments VALUES (13901, 139, now())");
        SchoolsFixture.snapshot();
        TestEnv.Run late = archive("--job", "schools", "--tenant", "13");
        assertEquals(0, late.exit(), late.toString());
        assertEquals(List.of("schools/13/schools-13-c1.zip", "schools/13/schools-13-c2.zip"), SchoolsFixture.keys(schema()));
        assertEquals(0, SchoolsFixture.shardCount("SELECT count(*) FROM tn.enrollments WHERE id = 13901"));
        SchoolsFixture.assertEveryRowInItsTableOrOneBundle(List.of(object("schools/13/schools-13-c2.zip")));
    }

    @Test
    void pretendExportsUploadsVerifiesAndTestRestoresButChangesNothing() throws Exception {
        SchoolsFixture.snapshot();
        TestEnv.Run run = archive("--job", "schools", "--tenant", "13", "--pretend");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("schools  13  pretend") && run.out().contains("test restore"), run.out());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest"), "no extraction record");
        Map<String, Long> deleted = SchoolsFixture.assertEveryRowInItsTableOrOneBundle(List.of());
        deleted.forEach((t, n) -> assertEquals(0L, n, t));
        try (var files = Files.walk(dir.resolve("s3/test"))) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).map(Path::toString)
                    .filter(p -> !p.contains(".strata")).toList(), "the pretend object was removed");
        }
    }

    @Test
    void theDueQueryChoosesTheTenantsConcurrencyAtATimeWithProgressAndEta() throws Exception {
        SchoolsFixture.snapshot();
        TestEnv.Run run = archive("--job", "schools");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("[2/2, ETA"), run.out());
        assertEquals(2, SchoolsFixture.keys(schema()).size());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM tn.schools WHERE id IN (11, 12)"));
        assertEquals(2, TestEnv.count("SELECT count(*) FROM tn.schools WHERE id IN (13, 14)"));
        SchoolsFixture.assertEveryRowInItsTableOrOneBundle(bundles());
    }

    @Test
    void aTenantThatDoesNotExistIsRefusedNamedAndNothingMoves() throws Exception {
        SchoolsFixture.snapshot();
        TestEnv.Run run = archive("--job", "schools", "--tenant", "14", "--tenant", "99");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("--tenant 99") && run.err().contains("no such tenant"), run.toString());
        SchoolsFixture.assertEveryRowInItsTableOrOneBundle(List.of()).forEach((t, n) -> assertEquals(0L, n, t));
        TestEnv.Run text = archive("--job", "schools", "--tenant", "abc");
        assertEquals(2, text.exit(), text.toString());
        assertTrue(text.err().contains("--tenant abc"), text.toString());
    }

    @Test
    void theServiceArchivesWhatDueReturnsOnTheJobsSchedule() throws Exception {
        SchoolsFixture.snapshot();
        Path cfg = config().set("management", "{ jolokiaPort: 0 }").extraYaml(SchoolsFixture.databasesYaml())
                .jobsYaml(SchoolsFixture.jobYaml("") + "    schedule: \"* * * * * ?\"\n").write(dir.resolve("service"));
        try (io.strata.app.Instance service = io.strata.app.Instance.start(new io.strata.config.ConfigLoader().load(cfg),
                io.strata.app.Instance.Mode.SERVICE)) {
            io.strata.testing.Await.until("the schedule to archive the two due schools", java.time.Duration.ofSeconds(60),
                    () -> TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest WHERE kind = 'tenant'") == 2, () -> "");
        }
        assertEquals(0, TestEnv.count("SELECT count(*) FROM tn.schools WHERE id IN (11, 12)"));
        SchoolsFixture.assertEveryRowInItsTableOrOneBundle(bundles());
    }

    @Test
    void aJsonlBundleHoldsJsonLinesEntriesAndItsTestRestoreGivesBackTheSameRows() throws Exception {
        config = config().extraYaml(SchoolsFixture.databasesYaml())
                .jobsYaml(SchoolsFixture.jobYaml("") + "    format: jsonl\n").write(dir.resolve("jsonl"));
        TestEnv.Run run = archive("--job", "schools", "--tenant", "12");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest WHERE format = 'jsonl' AND format_version = 2"
                + " AND test_restore_ms IS NOT NULL"));
        try (ZipFile z = new ZipFile(object("schools/12/schools-12-c1.zip").toFile())) {
            String donations = new String(z.getInputStream(z.getEntry("tables/main/tn.donations.jsonl")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(1 + 3 + 12, donations.lines().count(), donations);
            assertTrue(donations.contains("\"note\":{\"by\": \"fair\"}") || donations.contains("\"note\":{\"by\":\"fair\"}"),
                    donations);
            assertTrue(donations.contains("\"note\":null"), "JSON null stays apart from SQL NULL: " + donations);
        }
        assertEquals(0, TestEnv.count("SELECT count(*) FROM tn.classrooms WHERE school_id = 12"));
    }

    @Test
    void aBundleThatDoesNotRestoreFailsItsTenantBeforeAnyDelete() throws Exception {
        // A row the table holds but would refuse today: a domain constraint added NOT VALID after it was written.
        TestEnv.sql("CREATE DOMAIN tn.seats AS integer", "ALTER TABLE tn.classrooms ADD COLUMN seats tn.seats",
                "UPDATE tn.classrooms SET seats = -1 WHERE id = 132",
                "ALTER DOMAIN tn.seats ADD CONSTRAINT seats_positive CHECK (VALUE > 0) NOT VALID");
        SchoolsFixture.snapshot();
        TestEnv.Run run = archive("--job", "schools", "--tenant", "13", "--tenant", "14");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("schools tenant 13: TEST_RESTORE_FAILED") && run.out().contains("main:tn.classrooms"),
                run.out());
        assertEquals(List.of("schools/14/schools-14-c1.zip"), SchoolsFixture.keys(schema()), "school 14 archived all the same");
        assertEquals(1, TestEnv.count("SELECT count(*) FROM tn.schools WHERE id = 13"));
        SchoolsFixture.assertEveryRowInItsTableOrOneBundle(bundles());
        assertEquals(3, TestEnv.count("SELECT count(*) FROM tn.classrooms WHERE school_id = 13"), "nothing of school 13 deleted");
    }
}
