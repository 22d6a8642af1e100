package io.strata.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.Await;
import io.strata.testing.Child;
import io.strata.testing.SecondDatabase;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Restoring whole tenants (README, "Restoring a tenant"): a seed-shaped schema across two databases, schools
 * archived by the tenant job and brought back, parents first, into each table's own database, all or nothing.
 */
class TenantRestoreTest extends StrataTestCase {

    private static final SecondDatabase SECOND = SecondDatabase.of("_2");
    private static final List<String> MAIN = List.of("districts", "schools", "classrooms", "students",
            "classroom_students", "donations");
    private static final List<String> SHARD = List.of("enrollments", "attempts");

    private Path config;

    @Override
    protected String schema() {
        return "tenant_restore";
    }

    @BeforeEach
    void schools() throws SQLException {
        TestEnv.resetSchema("tr");
        TestEnv.resetSchema("tr_copy");
        SECOND.create();
        TestEnv.sql("CREATE SCHEMA tr",
                "CREATE TABLE tr.districts (id bigint PRIMARY KEY, name text)",
                "CREATE TABLE tr.schools (id bigint PRIMARY KEY, district_id bigint REFERENCES tr.districts,"
                        + " name text NOT NULL)",
                "CREATE TABLE tr.classrooms (id bigint PRIMARY KEY, school_id bigint NOT NULL REFERENCES tr.schools, name text)",
                "CREATE TABLE tr.students (id bigint PRIMARY KEY, name text,"
                        + " initials text GENERATED ALWAYS AS (left(name, 1)) STORED)",
                "CREATE TABLE tr.classroom_students (classroom_id bigint REFERENCES tr.classrooms,"
                        + " student_id bigint REFERENCES tr.students, PRIMARY KEY (classroom_id, student_id))",
                "CREATE TABLE tr.donations (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                        + " school_id bigint REFERENCES tr.schools, amount numeric(10,2), note jsonb)",
                "INSERT INTO tr.districts SELECT d, 'District ' || d FROM generate_series(1, 4) d",
                "INSERT INTO tr.schools SELECT s, s - 10, 'School ' || s FROM generate_series(11, 14) s",
                "INSERT INTO tr.classrooms SELECT s * 10 + k, s, 'Room ' || k FROM generate_series(11, 14) s,"
                        + " generate_series(1, 3) k",
                "INSERT INTO tr.students SELECT c.id * 10 + k, 'Kid ' || (c.id * 10 + k) FROM tr.classrooms c,"
                        + " generate_series(1, 4) k",
                "INSERT INTO tr.students VALUES (9000, 'Shared kid')",
                "INSERT INTO tr.classroom_students SELECT c.id, c.id * 10 + k FROM tr.classrooms c, generate_series(1, 4) k",
                "INSERT INTO tr.classroom_students VALUES (131, 9000), (141, 9000)",
                "INSERT INTO tr.donations (school_id, amount, note) SELECT id, 100.50, '{\"by\": \"fair, \\\"quoted\\\"\"}'"
                        + " FROM tr.schools",
                "INSERT INTO tr.donations (school_id, amount, note) SELECT id, 7, 'null' FROM tr.schools");
        shard("DROP SCHEMA IF EXISTS tr CASCADE", "DROP SCHEMA IF EXISTS tr_copy CASCADE",
                "DROP SCHEMA IF EXISTS " + schema() + " CASCADE", "CREATE SCHEMA tr",
                "CREATE TABLE tr.enrollments (id bigint PRIMARY KEY, classroom_id bigint NOT NULL, started timestamptz)",
                "CREATE TABLE tr.attempts (id bigint PRIMARY KEY, enrollment_id bigint NOT NULL REFERENCES tr.enrollments,"
                        + " score int, answer text)",
                "INSERT INTO tr.enrollments SELECT c * 10 + k, c, timestamptz '2025-02-01 08:00+00'"
                        + " FROM generate_series(11, 14) s, generate_series(1, 3) r, LATERAL (SELECT s * 10 + r AS c) x,"
                        + " generate_series(1, 2) k",
                "INSERT INTO tr.attempts SELECT e.id * 10 + k, e.id, k * 10, 'answer, \"quoted\"' || k"
                        + " FROM tr.enrollments e, generate_series(1, 3) k");
        config = config().extraYaml(SECOND.databasesYaml())
                .jobsYaml("  - name: schools\n"
                        + "    tenant:\n"
                        + "      table: tr.schools\n"
                        + "      key: id\n"
                        + "      tables:\n"
                        + "        - table: tr.students\n"
                        + "          where: \"id IN (SELECT cs.student_id FROM tr.classroom_students cs JOIN tr.classrooms c"
                        + " ON c.id = cs.classroom_id WHERE c.school_id = :tenant)\"\n"
                        + "        - table: tr.enrollments\n"
                        + "          database: shard\n"
                        + "          where: \"classroom_id = ANY(:tr.classrooms.id)\"\n")
                .write(dir);
    }

    /** The second database goes after the class (every Strata connection to it is closed by then). */
    @org.junit.jupiter.api.AfterAll
    static void dropShardDatabase() throws SQLException {
        SECOND.drop();
    }

    @AfterEach
    void dropShard() {
        shard("DROP SCHEMA IF EXISTS tr CASCADE", "DROP SCHEMA IF EXISTS tr_copy CASCADE",
                "DROP SCHEMA IF EXISTS " + schema() + " CASCADE");
    }

    private TestEnv.Run strata(String... args) {
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(args));
        return TestEnv.cli(all.toArray(String[]::new));
    }

    private void archive(String tenant) {
        TestEnv.Run run = strata("archive", "--job", "schools", "--tenant", tenant);
        assertEquals(0, run.exit(), run.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM tr.schools WHERE id = " + tenant));
        assertEquals(0, shardCount("SELECT count(*) FROM tr.enrollments WHERE classroom_id / 10 = " + tenant),
                "the shard's rows of school " + tenant + " archived");
    }

    /** Every table's content, one digest per table (in its own database). */
    private Map<String, String> digests(String schema) {
        Map<String, String> d = new LinkedHashMap<>();
        for (String t : MAIN) {
            if (schema.equals("tr_copy") && t.equals("districts")) {
                continue;  // a parent of the root: not in the bundle
            }
            d.put(t, TestEnv.column(digest(schema, t)).get(0));
        }
        for (String t : SHARD) {
            d.put(t, shardText(digest(schema, t)));
        }
        return d;
    }

    private static String digest(String schema, String table) {
        return "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') FROM "
                + schema + "." + table + " t";
    }

    private String state() {
        return String.join(",", TestEnv.column("SELECT tenant || '=' || state FROM " + schema()
                + ".manifest ORDER BY tenant, chunk"));
    }

    @Test
    void archivedSchoolComesBackWholeInBothDatabasesAndASecondRunLoadsNothing() {
        Map<String, String> before = digests("tr");
        archive("13");
        assertNotEquals(before, digests("tr"));

        TestEnv.Run dry = strata("restore", "--job", "schools", "--tenant", "13", "--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.out().contains("1 bundle(s)") && dry.out().contains("nothing was changed"), dry.out());
        assertNotEquals(before, digests("tr"), "the dry run loads nothing");

        TestEnv.Run run = strata("restore", "--job", "schools", "--tenant", "13");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(before, digests("tr"), "every table, in both databases, as it was before the archive");
        assertEquals("13=restored", state());
        // A line per table, parents first, and the shared kid (kept when 13 was archived) left as it was.
        String out = run.out() + run.err();
        assertTrue(out.indexOf("main:tr.schools") < out.indexOf("main:tr.classrooms")
                && out.indexOf("main:tr.classrooms") < out.indexOf("shard:tr.enrollments")
                && out.indexOf("shard:tr.enrollments") < out.indexOf("shard:tr.attempts"), out);
        assertTrue(out.contains("main:tr.students") && out.contains("1 already there"), out);
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".restore"
                + " WHERE target = 'tr.schools' AND rows = 1"), "the restore table records each main table");
        assertEquals(1, shardCount("SELECT count(*) FROM " + schema() + ".restore_entry WHERE target = 'tr.attempts'"
                + " AND rows = 18"), "the shard records what it loaded");

        TestEnv.Run again = strata("restore", "--job", "schools", "--tenant", "13", "--json");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("\"skipped\" : 1") && again.out().contains("already restored"), again.out());
        assertEquals(before, digests("tr"), "nothing loaded twice");
    }

    /**
     * A school archived, written again and archived again (chunk 2): both chunks come back in one restore, the newest
     * first, so a row in both is as it was last.
     */
    @Test
    void twoChunksComeBackTogetherAndARowInBothIsAsItWasLast() {
        archive("13");
        TestEnv.sql("INSERT INTO tr.schools VALUES (13, 3, 'School 13 reopened')",
                "INSERT INTO tr.classrooms VALUES (139, 13, 'Room 9')");
        shard("INSERT INTO tr.enrollments VALUES (1391, 139, now())");
        Map<String, String> reopened = digests("tr");
        archive("13");
        assertEquals("13=archived,13=archived", state());
        TestEnv.Run run = strata("restore", "--job", "schools", "--tenant", "13");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().indexOf(" c2 ") < run.out().indexOf(" c1 "), run.out());
        assertEquals("13=restored,13=restored", state());
        assertEquals(List.of("School 13 reopened"), TestEnv.column("SELECT name FROM tr.schools WHERE id = 13"));
        assertEquals(4, TestEnv.count("SELECT count(*) FROM tr.classrooms WHERE school_id = 13"), "both chunks' classrooms");
        assertEquals(7, shardCount("SELECT count(*) FROM tr.enrollments WHERE classroom_id / 10 = 13"));
        assertNotEquals(reopened, digests("tr"), "chunk 1's rows are back too");
    }

    /** JSON lines: every entry of the bundle loads in one transaction per database (a temp table per entry). */
    @Test
    void aJsonLinesBundleComesBackWhole() throws Exception {
        String yaml = Files.readString(config).replace("    tenant:\n", "    format: jsonl\n    tenant:\n");
        assertTrue(yaml.contains("format: jsonl"), yaml);
        Files.writeString(config, yaml);
        TestEnv.sql("UPDATE tr.donations SET note = NULL WHERE amount = 7 AND school_id = 13");
        Map<String, String> before = digests("tr");
        archive("13");
        assertEquals(List.of("jsonl"), TestEnv.column("SELECT format FROM " + schema() + ".manifest"));
        TestEnv.Run run = strata("restore", "--job", "schools", "--tenant", "13");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(before, digests("tr"), "JSON null and SQL NULL, generated and identity columns as they were");
    }

    @Test
    void intoSchemaLoadsCopiesInEachDatabaseAndOnlyOnce() {
        archive("14");
        Map<String, String> archived = digests("tr");
        TestEnv.Run run = strata("restore", "--job", "schools", "--tenant", "14", "--into-schema", "tr_copy");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(archived, digests("tr"), "the tables the rows came from are untouched");
        assertEquals("14=archived", state(), "a copy elsewhere does not make the bundle restored");
        assertEquals(1, TestEnv.count("SELECT count(*) FROM tr_copy.schools WHERE id = 14"));
        assertEquals(3, TestEnv.count("SELECT count(*) FROM tr_copy.classrooms"));
        assertEquals(13, TestEnv.count("SELECT count(*) FROM tr_copy.students"), "the shared kid too");
        assertEquals("S", TestEnv.column("SELECT initials FROM tr_copy.students WHERE id = 9000").get(0),
                "generated columns recomputed in the copy");
        assertEquals(6, shardCount("SELECT count(*) FROM tr_copy.enrollments"));
        assertEquals(18, shardCount("SELECT count(*) FROM tr_copy.attempts"));
        Map<String, String> copy = digests("tr_copy");

        TestEnv.Run again = strata("restore", "--job", "schools", "--tenant", "14", "--into-schema", "tr_copy");
        assertEquals(0, again.exit(), again.toString());
        assertTrue((again.out() + again.err()).contains("skipped: already restored into tr_copy.attempts"), again.toString());
        assertEquals(copy, digests("tr_copy"), "nothing loaded twice into the copies");

        TestEnv.Run bad = strata("restore", "--job", "schools", "--tenant", "14", "--into-schema", "no;such");
        assertEquals(2, bad.exit(), bad.toString());
        TestEnv.Run own = strata("restore", "--job", "schools", "--tenant", "14", "--into-schema", "tr");
        assertEquals(2, own.exit(), own.toString());
        assertTrue(own.err().contains("--into-schema tr"), own.toString());
        assertEquals(archived, digests("tr"), "nothing loaded into the tables the rows came from");
        TestEnv.Run none = strata("restore", "--job", "schools", "--tenant", "99");
        assertEquals(2, none.exit(), none.toString());
        assertTrue(none.err().contains("--tenant 99"), none.toString());
    }

    @Test
    void aTamperedBundleIsRefusedAndNothingOfTheTenantIsLoadedInEitherDatabase() throws Exception {
        archive("12");
        Map<String, String> archived = digests("tr");
        String key = TestEnv.column("SELECT object_key FROM " + schema() + ".manifest WHERE tenant = '12'").get(0);
        Files.write(object(key), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        TestEnv.Run run = strata("restore", "--job", "schools", "--tenant", "12");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("REFUSED") && run.out().contains("SHA-256"), run.out());
        assertEquals(archived, digests("tr"), "nothing loaded in either database");
        assertEquals("12=archived", state());
    }

    @Test
    void aMissingParentRefusesTheTenantInBothDatabasesAndOnceItIsBackTheTenantLoads() {
        Map<String, String> before = digests("tr");
        archive("11");
        TestEnv.sql("DELETE FROM tr.districts WHERE id = 1");
        Map<String, String> archived = digests("tr");

        TestEnv.Run run = strata("restore", "--job", "schools", "--tenant", "11");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("REFUSED") && run.out().contains("schools_district_id_fkey"), run.out());
        assertEquals(archived, digests("tr"), "nothing of school 11 in either database");
        assertEquals("11=archived", state());

        TestEnv.sql("INSERT INTO tr.districts VALUES (1, 'District 1')");
        TestEnv.Run again = strata("restore", "--job", "schools", "--tenant", "11");
        assertEquals(0, again.exit(), again.toString());
        assertEquals(before, digests("tr"));
    }

    /**
     * A bundle whose zip S3 holds as the manifest lists it, but one of whose entries is not what bundle.json
     * lists (its SHA-256): verify --deep finds it, and restore refuses the tenant after loading the main
     * database's tables in its transaction, so nothing of it stays in either database.
     */
    @Test
    void anEntryThatIsNotWhatBundleJsonListsIsFoundByVerifyDeepAndRefusedByRestore() throws Exception {
        archive("12");
        Map<String, String> archived = digests("tr");
        String key = TestEnv.column("SELECT object_key FROM " + schema() + ".manifest WHERE tenant = '12'").get(0);
        Path zip = object(key);
        Path altered = dir.resolve("altered.zip");
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(zip.toFile());
                java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(altered))) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (e.getName().endsWith("tr.attempts.csv")) {
                    bytes = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).replace(",20,", ",99,")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        Files.copy(altered, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String sha;
        try (java.io.InputStream in = Files.newInputStream(zip)) {
            sha = io.strata.storage.Digests.digest(in).sha256();
        }
        TestEnv.sql("UPDATE " + schema() + ".manifest SET sha256 = '" + sha + "', gzip_bytes = " + Files.size(zip)
                + " WHERE tenant = '12'");

        TestEnv.Run verify = strata("verify", "--job", "schools");
        assertEquals(0, verify.exit(), verify.toString());
        TestEnv.Run deep = strata("verify", "--job", "schools", "--deep");
        assertEquals(1, deep.exit(), deep.toString());
        assertTrue(deep.out().contains("OBJECT_CORRUPT") && deep.out().contains("tr.attempts.csv has SHA-256"), deep.out());

        TestEnv.Run run = strata("restore", "--job", "schools", "--tenant", "12");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("REFUSED") && run.out().contains("tr.attempts.csv has SHA-256"), run.out());
        assertTrue(run.out().contains("main:tr.schools"), "the main database's tables were loaded first: " + run.out());
        assertEquals(archived, digests("tr"), "and rolled back: nothing of school 12 in either database");
        assertEquals("12=archived", state());
    }

    /** status, verify and the report show the tenant job: tenants, bundles, rows, bytes, when it last archived. */
    @Test
    void statusVerifyAndTheReportShowTheTenantJob() throws Exception {
        archive("13");
        archive("14");
        TestEnv.Run status = strata("status");
        assertEquals(0, status.exit(), status.toString());
        String line = status.out().lines().filter(l -> l.contains("| schools ")).findFirst().orElse("").replace(" ", "");
        assertTrue(status.out().contains("Tenant job") && line.startsWith("|schools|tr.schools|yes|2|2|"), status.out());
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(strata("status", "--json").out());
        com.fasterxml.jackson.databind.JsonNode job = json.get("jobs").get(0);
        assertEquals("tenant", job.get("kind").asText());
        assertEquals(2, job.get("archived").get("tenants").asInt());
        assertEquals(2, job.get("archived").get("objects").asInt());
        assertEquals(TestEnv.count("SELECT sum(row_count) FROM " + schema() + ".manifest"), job.get("archived").get("rows").asLong());
        assertFalse(job.get("archived").get("lastArchived").isNull());

        TestEnv.Run verify = strata("verify", "--job", "schools", "--deep", "--json");
        assertEquals(0, verify.exit(), verify.toString());
        com.fasterxml.jackson.databind.JsonNode checked = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(verify.out()).get("jobs").get(0);
        assertEquals(2, checked.get("sound").asInt(), verify.out());
        // A bundle no manifest lists is an orphan.
        Files.copy(object("schools/13/schools-13-c1.zip"), object("schools/13/schools-13-c7.zip"));
        TestEnv.Run orphan = strata("verify", "--job", "schools");
        assertEquals(1, orphan.exit(), orphan.toString());
        assertTrue(orphan.out().contains("OBJECT_ORPHAN") && orphan.out().contains("schools-13-c7.zip"), orphan.out());

        Path out = dir.resolve("report");
        TestEnv.Run report = strata("report", "--out", out.toString(), "--json");
        assertEquals(0, report.exit(), report.toString());
        com.fasterxml.jackson.databind.JsonNode r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.out());
        assertEquals("tenant", r.get("jobs").get(0).get("kind").asText());
        assertEquals("tr.schools", r.get("jobs").get(0).get("table").asText());
        List<String> csv = Files.readAllLines(Files.list(out).filter(f -> f.toString().endsWith(".csv")).findFirst().orElseThrow());
        List<String> header = List.of(csv.get(0).split(","));
        String[] row = csv.stream().filter(l -> l.startsWith("job,schools,")).findFirst().orElseThrow().split(",", -1);
        assertEquals("tenant", row[header.indexOf("job_kind")]);
        assertEquals("2", row[header.indexOf("tenants")]);
        String html = Files.readString(Files.list(out).filter(f -> f.toString().endsWith(".html")).findFirst().orElseThrow());
        assertTrue(html.contains("whole tenants of tr.schools") && html.contains("2 tenants"), html);
    }

    /**
     * kill -9 between the databases' commits: the shard committed its rows (and its record of them), the main
     * database not. The next run loads only the main database's tables and marks the bundle restored.
     */
    @Test
    void aRestoreKilledBetweenTheCommitsIsFinishedByTheNextRun() throws Exception {
        Map<String, String> before = digests("tr");
        archive("13");
        // The main database's records are written after the shard committed: holding the restore table there
        // holds the restore between the two commits.
        try (Connection hold = TestEnv.connect()) {
            hold.setAutoCommit(false);
            try (Statement st = hold.createStatement()) {
                st.execute("LOCK TABLE " + schema() + ".restore IN SHARE ROW EXCLUSIVE MODE");
            }
            Child child = Child.start(dir.resolve("restore.log"), "--config", config.toString(), "restore",
                    "--job", "schools", "--tenant", "13");
            try {
                Await.until("the restore to wait for the restore table", Duration.ofSeconds(60),
                        () -> TestEnv.count("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = '"
                                + schema() + ".restore'::regclass") > 0, child::log);
                assertEquals(18, shardCount("SELECT count(*) FROM tr.attempts WHERE enrollment_id / 100 = 13"),
                        "the shard committed");
                child.kill();
            } finally {
                child.destroy();
            }
            hold.rollback();
        }
        assertEquals(0, TestEnv.count("SELECT count(*) FROM tr.schools WHERE id = 13"), "the main database did not");
        assertEquals("13=archived", state());

        TestEnv.Run run = strata("restore", "--job", "schools", "--tenant", "13");
        assertEquals(0, run.exit(), run.toString());
        assertTrue((run.out() + run.err()).contains("shard:tr.attempts  skipped: already restored"), run.toString());
        assertEquals(before, digests("tr"), "every row once, in both databases");
        assertEquals("13=restored", state());
    }

    private static void shard(String... statements) {
        SECOND.sql(statements);
    }

    private static String shardText(String sql) {
        return SECOND.column(sql).get(0);
    }

    private static long shardCount(String sql) {
        return SECOND.count(sql);
    }
}
