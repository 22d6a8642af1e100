package io.strata.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.Await;
import io.strata.testing.Child;
import io.strata.testing.TestEnv;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A time job with {@code tables:} over the schools schema: the schools closed 800 days ago (11 and 12, one day's
 * window) are one bundle with their classrooms, students, donations and, in the second database, enrollments and
 * attempts. What must hold for row batches holds for these windows: a bundle that fails is counted failed and
 * deletes nothing, and a process killed between the two databases' commits loses no row.
 */
class WindowBundleSafetyTest extends SchoolsTestCase {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private Child child;
    private Connection locker;

    @Override
    protected String schema() {
        return "window_safety";
    }

    @BeforeEach
    void closedAt() {
        SchoolsFixture.closedAt();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (child != null) {
            child.destroy();
        }
        if (locker != null) {
            locker.close();
        }
    }

    private Path windowConfig() {
        return config().extraYaml(SchoolsFixture.databasesYaml()).jobsYaml(SchoolsFixture.windowJobYaml()).write(dir);
    }

    private List<Path> bundles() {
        return TestEnv.column("SELECT object_key FROM " + schema() + ".manifest WHERE kind = 'bundle' ORDER BY id")
                .stream().map(this::object).toList();
    }

    @Test
    void oneWindowHoldsBothClosedSchoolsWithTheirDependentsInBothDatabases() throws Exception {
        SchoolsFixture.snapshot();
        TestEnv.Run run = TestEnv.cli("--config", windowConfig().toString(), "archive", "--job", "closed");
        assertEquals(0, run.exit(), run.toString());
        List<String> keys = TestEnv.column("SELECT object_key FROM " + schema() + ".manifest WHERE kind = 'bundle'");
        assertEquals(1, keys.size(), keys.toString());
        assertTrue(keys.get(0).matches("closed/\\d{4}/\\d{2}/\\d{2}/schools-\\d{8}00-c1\\.zip"), keys.get(0));
        assertEquals(0, TestEnv.count("SELECT count(*) FROM tn.schools WHERE id IN (11, 12)"));
        assertEquals(2, TestEnv.count("SELECT count(*) FROM tn.schools"), "schools 13 and 14 are not closed");
        assertEquals(0, SchoolsFixture.shardCount("SELECT count(*) FROM tn.enrollments WHERE classroom_id / 10 IN (11, 12)"));
        assertEquals(12, SchoolsFixture.shardCount("SELECT count(*) FROM tn.enrollments"), "13's and 14's stay");
        var deleted = SchoolsFixture.assertEveryRowInItsTableOrOneBundle(bundles());
        assertEquals(2L, deleted.get("schools"));
        assertEquals(6L, deleted.get("classrooms"));
        assertEquals(24L, deleted.get("students"));
        assertEquals(36L, deleted.get("attempts"));

        TestEnv.Run again = TestEnv.cli("--config", windowConfig().toString(), "archive", "--job", "closed");
        assertEquals(0, again.exit(), again.toString());
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest"), "nothing new");

        TestEnv.Run restore = TestEnv.cli("--config", windowConfig().toString(), "restore", "--job", "closed",
                "--from", "2000-01-01", "--to", "2100-01-01");
        assertEquals(0, restore.exit(), restore.toString());
        for (String t : SchoolsFixture.MAIN_TABLES) {
            assertEquals(0, TestEnv.count("SELECT count(*) FROM (SELECT * FROM tn_before." + t + " EXCEPT ALL SELECT * FROM tn."
                    + t + ") x"), t + " restored row for row");
        }
        for (String t : SchoolsFixture.SHARD_TABLES) {
            assertEquals(0, SchoolsFixture.shardCount("SELECT count(*) FROM (SELECT * FROM tn_before." + t
                    + " EXCEPT ALL SELECT * FROM tn." + t + ") x"), t + " restored row for row");
        }
    }

    @Test
    void aWindowWhoseTestRestoreFailsIsCountedFailedAndDeletesNothing() throws Exception {
        // A row the table holds but would refuse today: a domain constraint added NOT VALID after it was written.
        TestEnv.sql("CREATE DOMAIN tn.seats AS integer", "ALTER TABLE tn.classrooms ADD COLUMN seats tn.seats",
                "UPDATE tn.classrooms SET seats = -1 WHERE id = 112",
                "ALTER DOMAIN tn.seats ADD CONSTRAINT seats_positive CHECK (VALUE > 0) NOT VALID");
        SchoolsFixture.snapshot();
        TestEnv.Run run = TestEnv.cli("--config", windowConfig().toString(), "archive", "--job", "closed");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("TEST_RESTORE_FAILED") || run.err().contains("TEST_RESTORE_FAILED"), run.toString());
        assertTrue(run.out().matches("(?s).*\\| closed \\| failed +\\| +1 \\| +0 \\| +0 \\| +1 \\|.*"), run.out());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest"));
        assertEquals(List.of("failed"), TestEnv.column("SELECT status FROM " + schema() + ".run"));
        SchoolsFixture.assertEveryRowInItsTableOrOneBundle(List.of()).forEach((t, n) -> assertEquals(0L, n, t));
    }

    @Test
    void killedBetweenTheDatabasesCommitsTheNextRunCompletesTheDeleteAndNoRowIsLost() throws Exception {
        SchoolsFixture.snapshot();
        Path config = windowConfig();
        locker = SchoolsFixture.holdDeletes("tn.attempts");
        int lockerPid = SchoolsFixture.pid(locker);
        child = Child.start(dir.resolve("killed.log"), "--config", config.toString(), "archive", "--job", "closed");
        SchoolsFixture.awaitDeleteHeldBy(lockerPid, WAIT, child::log);
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest WHERE kind = 'bundle'"),
                "the main database committed");
        assertTrue(TestEnv.count("SELECT count(*) FROM " + schema() + ".tenant_pending") > 0, "with its pending deletes");
        child.kill();
        locker.rollback();
        Await.noStrataBackends(WAIT, child::log);
        assertEquals(12, SchoolsFixture.shardCount("SELECT count(*) FROM tn.enrollments WHERE classroom_id / 10 IN (11, 12)"),
                "the shard rolled back: its rows are in the table and in the bundle until the pending delete completes");

        TestEnv.Run next = TestEnv.cli("--config", config.toString(), "archive", "--job", "closed");
        assertEquals(0, next.exit(), next + "\n" + child.log());
        assertTrue((next.out() + next.err()).contains("completed 1 pending delete(s)"), next.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + schema() + ".tenant_pending"));
        assertEquals(0, SchoolsFixture.shardCount("SELECT count(*) FROM tn.enrollments WHERE classroom_id / 10 IN (11, 12)"));
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest"), "still one bundle");
        SchoolsFixture.assertEveryRowInItsTableOrOneBundle(bundles());
    }
}
