package io.strata.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.Await;
import io.strata.testing.Child;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenant bundles with tables that reference themselves (docs/tenants.md, "Which rows are the tenant's"): schools with
 * a parent school (the root), comment threads reached through classrooms, likes of comments, and in the second
 * database threads of posts listed with a {@code where}. Each school 10 to 14 has two classrooms, a thread of four
 * comments (a comment in the first classroom, two replies without a classroom, a reply in the second classroom) with
 * a like each, and two threads of posts; school 11's parent is 10, 13's and 14's is 12. School 13 also has a comment
 * that answers one of school 14, with a reply, and two comments that answer each other (a cycle).
 */
class TenantSelfReferenceTest extends StrataTestCase {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final List<String> MAIN = List.of("schools", "classrooms", "comments", "likes");
    /** Each table's key, or the column that names its row. */
    private static final Map<String, String> KEYS = Map.of("schools", "id", "classrooms", "id", "comments", "id",
            "likes", "comment_id", "posts", "id");

    @Override
    protected String schema() {
        return "tenant_selfref";
    }

    private Path config;
    private Child child;
    private Connection locker;

    @BeforeEach
    void threads() throws Exception {
        TestEnv.resetSchema("ts");
        TestEnv.resetSchema("ts_before");
        SchoolsFixture.SHARD.create();
        TestEnv.sql("CREATE SCHEMA ts",
                "CREATE TABLE ts.schools (id bigint PRIMARY KEY, parent_id bigint REFERENCES ts.schools, name text NOT NULL)",
                "CREATE TABLE ts.classrooms (id bigint PRIMARY KEY, school_id bigint NOT NULL REFERENCES ts.schools, name text)",
                "CREATE TABLE ts.comments (id bigint PRIMARY KEY, classroom_id bigint REFERENCES ts.classrooms,"
                        + " parent_id bigint REFERENCES ts.comments, body text)",
                "CREATE TABLE ts.likes (comment_id bigint NOT NULL REFERENCES ts.comments, by_name text NOT NULL,"
                        + " PRIMARY KEY (comment_id, by_name))",
                "INSERT INTO ts.schools VALUES (10, NULL, 'School 10'), (11, 10, 'School 11'), (12, NULL, 'School 12'),"
                        + " (13, 12, 'School 13'), (14, 12, 'School 14')",
                "INSERT INTO ts.classrooms SELECT s * 10 + k, s, 'Room ' || k FROM generate_series(10, 14) s, generate_series(1, 2) k",
                "INSERT INTO ts.comments SELECT s * 100 + 1, s * 10 + 1, NULL, 'Question, \"quoted\"' FROM generate_series(10, 14) s",
                "INSERT INTO ts.comments SELECT s * 100 + 2, NULL, s * 100 + 1, 'Reply' FROM generate_series(10, 14) s",
                "INSERT INTO ts.comments SELECT s * 100 + 3, NULL, s * 100 + 2, 'Reply to the reply' FROM generate_series(10, 14) s",
                "INSERT INTO ts.comments SELECT s * 100 + 4, s * 10 + 2, s * 100 + 3, 'From room 2' FROM generate_series(10, 14) s",
                "INSERT INTO ts.comments VALUES (1307, 131, 1401, 'School 13 answers school 14'), (1308, NULL, 1307, 'And on'),"
                        + " (1309, NULL, NULL, 'A'), (1310, 132, 1309, 'B')",
                "UPDATE ts.comments SET parent_id = 1310 WHERE id = 1309",
                "INSERT INTO ts.likes SELECT id, 'fan of ' || id FROM ts.comments");
        SchoolsFixture.shard("DROP SCHEMA IF EXISTS ts CASCADE", "DROP SCHEMA IF EXISTS ts_before CASCADE",
                "DROP SCHEMA IF EXISTS " + schema() + " CASCADE", "CREATE SCHEMA ts",
                "CREATE TABLE ts.posts (id bigint PRIMARY KEY, school_id bigint NOT NULL,"
                        + " parent_id bigint REFERENCES ts.posts ON DELETE RESTRICT, body text)",
                "INSERT INTO ts.posts SELECT s * 100 + k, s, CASE WHEN k IN (2, 3, 5) THEN s * 100 + k - 1 END, 'Post ' || k"
                        + " FROM generate_series(10, 14) s, generate_series(1, 5) k ORDER BY s, k");
        config = config().extraYaml(SchoolsFixture.databasesYaml())
                .jobsYaml("  - name: schools\n"
                        + "    tenant:\n"
                        + "      table: ts.schools\n"
                        + "      key: id\n"
                        + "      tables:\n"
                        + "        - table: ts.posts\n"
                        + "          database: shard\n"
                        + "          where: \"school_id = :tenant\"\n")
                .write(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (child != null) {
            child.destroy();
        }
        if (locker != null) {
            locker.close();
        }
        SchoolsFixture.shard("DROP SCHEMA IF EXISTS ts CASCADE", "DROP SCHEMA IF EXISTS ts_before CASCADE",
                "DROP SCHEMA IF EXISTS " + schema() + " CASCADE");
    }

    @AfterAll
    static void dropShardDatabase() {
        SchoolsFixture.dropDatabase();
    }

    private TestEnv.Run strata(String... args) {
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(args));
        return TestEnv.cli(all.toArray(String[]::new));
    }

    private TestEnv.Run archive(String tenant) {
        TestEnv.Run run = strata("archive", "--job", "schools", "--tenant", tenant);
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    /** Copies every table to {@code ts_before} in its database. */
    private static void snapshot() {
        TestEnv.sql("CREATE SCHEMA ts_before");
        for (String t : MAIN) {
            TestEnv.sql("CREATE TABLE ts_before." + t + " AS SELECT * FROM ts." + t);
        }
        SchoolsFixture.shard("CREATE SCHEMA ts_before", "CREATE TABLE ts_before.posts AS SELECT * FROM ts.posts");
    }

    /**
     * The keys of the rows of {@code table} that are gone since the snapshot, after checking that no row changed or
     * appeared: every other row is as it was.
     */
    private static List<String> gone(String table) {
        String key = KEYS.get(table);
        boolean shard = table.equals("posts");
        String changed = "SELECT count(*) FROM (SELECT * FROM ts." + table + " EXCEPT ALL SELECT * FROM ts_before." + table + ") x";
        assertEquals(0, shard ? SchoolsFixture.shardCount(changed) : TestEnv.count(changed), table + ": no row changed or appeared");
        String sql = "SELECT string_agg(" + key + "::text, ',' ORDER BY " + key + ") FROM (SELECT * FROM ts_before." + table
                + " EXCEPT ALL SELECT * FROM ts." + table + ") x";
        String list = shard ? shardText(sql) : TestEnv.column(sql).get(0);
        return list == null ? List.of() : List.of(list.split(","));
    }

    /** Every table's content, one digest per table (in its own database). */
    private static Map<String, String> digests() {
        Map<String, String> d = new LinkedHashMap<>();
        for (String t : MAIN) {
            d.put(t, TestEnv.column(digest(t)).get(0));
        }
        d.put("posts", shardText(digest("posts")));
        return d;
    }

    private static String digest(String table) {
        return "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') FROM ts." + table + " t";
    }

    private static String shardText(String sql) {
        try (Connection c = SchoolsFixture.connect(true); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static List<String> ids(String... ids) {
        return List.of(ids);
    }

    @Test
    void aSchoolsCommentThreadsGoWholeEveryOtherRowStaysAsItWasAndTheRestoreGivesEveryTableBack() throws Exception {
        snapshot();
        Map<String, String> before = digests();
        TestEnv.Run run = archive("13");
        assertFalse(run.out().contains("exported but kept"), run.out());

        assertEquals(ids("13"), gone("schools"), "the school, not its parent 12");
        assertEquals(ids("131", "132"), gone("classrooms"));
        // 1301 and 1304 by their classroom, 1302 and 1303 as replies without one; 1307 by its classroom although it
        // answers school 14's 1401 (which stays), 1308 as its reply; 1310 by its classroom and 1309, whose parent it
        // is and which is its parent, as its reply.
        assertEquals(ids("1301", "1302", "1303", "1304", "1307", "1308", "1309", "1310"), gone("comments"));
        assertEquals(ids("1301", "1302", "1303", "1304", "1307", "1308", "1309", "1310"), gone("likes"));
        assertEquals(ids("1301", "1302", "1303", "1304", "1305"), gone("posts"));

        // A single statement checks a reference to its own table at its end: the entry holds a reply before the
        // comment it answers (1304 joined by its classroom, 1303 two replies later), and the test restore loaded it.
        String key = TestEnv.column("SELECT object_key FROM " + schema() + ".manifest").get(0);
        try (ZipFile z = new ZipFile(object(key).toFile())) {
            String entry = new String(z.getInputStream(z.getEntry("tables/main/ts.comments.csv")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertTrue(entry.indexOf("\n1304,") > 0 && entry.indexOf("\n1304,") < entry.indexOf("\n1303,"), entry);
            assertEquals(9, entry.lines().count(), "a header and eight comments, each once: " + entry);
        }
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest WHERE test_restore_ms IS NOT NULL"));

        TestEnv.Run restore = strata("restore", "--job", "schools", "--tenant", "13");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(before, digests(), "every table, in both databases, as it was before the archive");
    }

    @Test
    void aJsonLinesBundleOfThreadsComesBackAsItWas() throws Exception {
        String yaml = Files.readString(config).replace("    tenant:\n", "    format: jsonl\n    tenant:\n");
        assertTrue(yaml.contains("format: jsonl"), yaml);
        Files.writeString(config, yaml);
        snapshot();
        Map<String, String> before = digests();
        archive("13");
        assertEquals(List.of("jsonl"), TestEnv.column("SELECT format FROM " + schema() + ".manifest WHERE test_restore_ms IS NOT NULL"));
        assertEquals(ids("1301", "1302", "1303", "1304", "1307", "1308", "1309", "1310"), gone("comments"));
        TestEnv.Run restore = strata("restore", "--job", "schools", "--tenant", "13");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(before, digests(), "one INSERT per entry checks the references to its own table at its end");
    }

    @Test
    void aReplyInAnotherSchoolKeepsTheCommentItAnswersAndThatCommentsOwnParents() throws Exception {
        TestEnv.sql("INSERT INTO ts.comments VALUES (1405, 141, 1303, 'School 14 answers school 13'),"
                + " (1406, NULL, 1405, 'And on')", "INSERT INTO ts.likes VALUES (1405, 'fan of 1405')");
        SchoolsFixture.shard("INSERT INTO ts.posts VALUES (1406, 14, 1302, 'School 14 answers school 13')");
        snapshot();
        Map<String, String> before = digests();
        TestEnv.Run run = archive("13");
        assertTrue(run.out().contains("3 row(s) of main:ts.comments exported but kept"), run.out());
        assertTrue(run.out().contains("2 row(s) of shard:ts.posts exported but kept"), run.out());
        // 1301 stays with its thread, so its classroom stays, and so does the school.
        assertTrue(run.out().contains("1 row(s) of main:ts.classrooms exported but kept"), run.out());
        assertTrue(run.out().contains("1 row(s) of main:ts.schools exported but kept"), run.out());

        assertEquals(ids(), gone("schools"));
        assertEquals(ids("132"), gone("classrooms"));
        assertEquals(ids("1304", "1307", "1308", "1309", "1310"), gone("comments"), "1303, 1302 and 1301 stay");
        assertEquals(ids("1301", "1302", "1303", "1304", "1307", "1308", "1309", "1310"), gone("likes"),
                "the likes of a kept comment depend on nothing that stays: they go with the bundle");
        assertEquals(ids("1303", "1304", "1305"), gone("posts"), "1302 and 1301 stay");
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest WHERE tables @> '[{\"table\":"
                + " \"ts.comments\", \"rows\": 8, \"kept\": 3}, {\"table\": \"ts.posts\", \"rows\": 5, \"kept\": 2}]'"));

        TestEnv.Run restore = strata("restore", "--job", "schools", "--tenant", "13");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(before, digests(), "the kept rows as they were, the others back");
    }

    @Test
    void aSchoolWhoseChildSchoolStaysIsKeptAndTheChildIsAnotherTenant() throws Exception {
        snapshot();
        Map<String, String> before = digests();
        TestEnv.Run run = archive("10");
        assertTrue(run.out().contains("1 row(s) of main:ts.schools exported but kept"), run.out());
        assertEquals(ids(), gone("schools"), "school 11 still names it its parent");
        assertEquals(ids("101", "102"), gone("classrooms"), "its own rows go with the bundle");
        assertEquals(ids("1001", "1002", "1003", "1004"), gone("comments"));
        assertEquals(ids("1001", "1002", "1003", "1004", "1005"), gone("posts"));

        archive("11");
        assertEquals(ids("11"), gone("schools"), "the child school, not its parent");
        assertEquals(ids("1001", "1002", "1003", "1004", "1101", "1102", "1103", "1104"), gone("comments"));
        TestEnv.Run again = archive("10");
        assertFalse(again.out().contains("exported but kept"), again.out());
        assertEquals(ids("10", "11"), gone("schools"), "nothing references school 10 now: chunk 2 takes it");
        assertEquals(List.of("schools/10/schools-10-c1.zip", "schools/10/schools-10-c2.zip", "schools/11/schools-11-c1.zip"),
                TestEnv.column("SELECT object_key FROM " + schema() + ".manifest ORDER BY object_key"));

        for (String tenant : List.of("10", "11")) {
            TestEnv.Run restore = strata("restore", "--job", "schools", "--tenant", tenant);
            assertEquals(0, restore.exit(), restore.toString());
        }
        assertEquals(before, digests());
    }

    @Test
    void aCycleOfTwoTablesIsStillRefused() throws Exception {
        TestEnv.sql("CREATE TABLE ts.teams (id bigint PRIMARY KEY, classroom_id bigint REFERENCES ts.classrooms, captain_id bigint)",
                "CREATE TABLE ts.members (id bigint PRIMARY KEY, team_id bigint REFERENCES ts.teams)",
                "ALTER TABLE ts.teams ADD FOREIGN KEY (captain_id) REFERENCES ts.members");
        snapshot();
        TestEnv.Run run = strata("archive", "--job", "schools", "--tenant", "13");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("cycle") && run.err().contains("main:ts.teams") && run.err().contains("main:ts.members"),
                run.toString());
        assertTrue(run.err().contains(config.toString()), run.toString());
        for (String t : MAIN) {
            assertEquals(ids(), gone(t), t);
        }
        assertEquals(ids(), gone("posts"));
    }

    /**
     * Killed between the commits, the shard's posts are left to the pending delete; by then a reply (1305) changed,
     * so it stays and so does the post it answers (1304). The thread 1301 ← 1302 ← 1303 goes whole although its keys
     * come parents first: a post the first round refuses (a later one still answers it) goes in the next.
     */
    @Test
    void aPendingDeleteOfThreadsInAnotherDatabaseDeletesThemWholeAndKeepsWhatAChangedReplyAnswers() throws Exception {
        locker = SchoolsFixture.holdDeletes("ts.posts");
        int lockerPid = SchoolsFixture.pid(locker);
        child = Child.start(dir.resolve("killed.log"), "--config", config.toString(), "archive", "--job", "schools",
                "--tenant", "13");
        SchoolsFixture.awaitDeleteHeldBy(lockerPid, WAIT, child::log);
        child.kill();
        locker.rollback();
        Await.noStrataBackends(WAIT, child::log);
        assertEquals(0, TestEnv.count("SELECT count(*) FROM ts.comments WHERE id BETWEEN 1300 AND 1399"),
                "the main database committed");
        assertEquals(5, SchoolsFixture.shardCount("SELECT count(*) FROM ts.posts WHERE school_id = 13"), "the shard did not");
        SchoolsFixture.shard("UPDATE ts.posts SET body = 'changed after the bundle' WHERE id = 1305");

        TestEnv.Run verify = strata("verify");
        assertTrue((verify.out() + verify.err()).contains("Completed 1 pending tenant delete(s): 3 row(s) deleted"),
                verify.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + schema() + ".tenant_pending"));
        assertEquals("1304,1305", shardText("SELECT string_agg(id::text, ',' ORDER BY id) FROM ts.posts WHERE school_id = 13"));
        assertEquals(20, SchoolsFixture.shardCount("SELECT count(*) FROM ts.posts WHERE school_id <> 13"));
    }
}
