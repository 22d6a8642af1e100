package io.strata.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.Await;
import io.strata.testing.Child;
import io.strata.testing.HoldingProxy;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code kill -9} of an archive of a tenant at several moments of its bundle, the one between the two databases'
 * commits included, then a normal run: every row is in its table or in exactly one manifested bundle.
 */
class TenantCrashTest extends SchoolsTestCase {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Override
    protected String schema() {
        return "tenant_crash";
    }

    private HoldingProxy proxy;
    private Child child;
    private Connection locker;

    @BeforeEach
    void schools() throws Exception {
        SchoolsFixture.snapshot();
        proxy = new HoldingProxy(s3.port());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (child != null) {
            child.destroy();
        }
        if (locker != null) {
            locker.close();
        }
        proxy.close();
    }

    /** The moments at which the process dies. */
    enum Moment {
        /** Locking the bundle's rows in the main database: a classroom of the school is locked by the test. */
        EXPORT,
        /** The read-back of the zip is held: the bundle is in S3, no database committed. */
        READ_BACK,
        /** The main database committed (manifest row, its deletes, the pending record); the shard's delete waits. */
        BETWEEN_COMMITS
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Moment.class)
    void killedAtAnyMomentThenANormalRunLeavesEveryRowInItsTableOrInExactlyOneBundle(Moment moment) throws Exception {
        Path config = config().s3("endpoint", proxy.endpoint()).extraYaml(SchoolsFixture.databasesYaml())
                .jobsYaml(SchoolsFixture.jobYaml("")).write(dir);
        HoldingProxy.Hold hold = moment == Moment.READ_BACK ? proxy.hold("GET", ".*\\.zip") : null;
        int lockerPid;
        boolean shard = moment == Moment.BETWEEN_COMMITS;
        if (hold == null) {
            locker = SchoolsFixture.connect(shard);
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()");
                rs.next();
                lockerPid = rs.getInt(1);
                // SHARE does not stop FOR UPDATE (ROW SHARE) but stops the DELETE (ROW EXCLUSIVE).
                st.execute(shard ? "LOCK TABLE tn.attempts IN SHARE MODE" : "SELECT * FROM tn.classrooms WHERE id = 132 FOR UPDATE");
            }
        } else {
            lockerPid = 0;
        }
        child = Child.start(dir.resolve("killed.log"), "--config", config.toString(), "archive", "--job", "schools",
                "--tenant", "13");
        switch (moment) {
            case EXPORT -> {
                String q = Await.blockedBy(lockerPid, WAIT, child::log);
                assertTrue(q.contains("FOR UPDATE OF strata_t"), q);
            }
            case READ_BACK -> hold.await(WAIT, child::log);
            case BETWEEN_COMMITS -> {
                Await.until("the shard's DELETE to wait for the test's lock", WAIT, () -> SchoolsFixture.shardCount(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM%'"
                                + " AND " + lockerPid + " = ANY (pg_blocking_pids(pid))") == 1, child::log);
                assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest"), "the main database committed");
                assertTrue(TestEnv.count("SELECT count(*) FROM " + schema() + ".tenant_pending") > 0, "with its pending deletes");
                assertEquals(0, TestEnv.count("SELECT count(*) FROM tn.schools WHERE id = 13"));
            }
        }
        child.kill();
        if (locker != null) {
            locker.rollback();
        }
        Await.noStrataBackends(WAIT, child::log);
        if (moment == Moment.BETWEEN_COMMITS) {
            assertEquals(6, SchoolsFixture.shardCount("SELECT count(*) FROM tn.enrollments WHERE classroom_id / 10 = 13"),
                    "the shard rolled back: its rows are in the table and in the bundle until the pending delete completes");
        } else {
            assertEquals(0, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest"), "nothing committed");
            SchoolsFixture.assertEveryRowInItsTableOrOneBundle(List.of()).forEach((t, n) -> assertEquals(0L, n, t));
        }

        TestEnv.Run next = TestEnv.cli("--config", config.toString(), "archive", "--job", "schools", "--tenant", "13");
        assertEquals(0, next.exit(), next + "\n" + child.log());
        if (moment == Moment.BETWEEN_COMMITS) {
            assertTrue(next.out().contains("completed 1 pending delete(s)"), next.out());
        }
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + schema() + ".tenant_pending"));
        List<String> keys = SchoolsFixture.keys(schema());
        assertEquals(List.of("schools/13/schools-13-c1.zip"), keys, "one bundle; an orphan's key is written over");
        SchoolsFixture.assertEveryRowInItsTableOrOneBundle(keys.stream().map(this::object).toList());
        assertEquals(0, SchoolsFixture.shardCount("SELECT count(*) FROM tn.enrollments WHERE classroom_id / 10 = 13"));
        assertTrue(Files.exists(object(keys.get(0))));
    }

    @org.junit.jupiter.api.Test
    void aRowThatChangedBetweenTheCommitsAndTheCompletionStaysWithTheRowItReferences() throws Exception {
        Path config = config().extraYaml(SchoolsFixture.databasesYaml()).jobsYaml(SchoolsFixture.jobYaml("")).write(dir);
        locker = SchoolsFixture.holdDeletes("tn.attempts");
        int lockerPid = SchoolsFixture.pid(locker);
        child = Child.start(dir.resolve("killed.log"), "--config", config.toString(), "archive", "--job", "schools",
                "--tenant", "13");
        SchoolsFixture.awaitDeleteHeldBy(lockerPid, WAIT, child::log);
        child.kill();
        locker.rollback();
        Await.noStrataBackends(WAIT, child::log);
        SchoolsFixture.shard("UPDATE tn.attempts SET answer = 'changed after the bundle' WHERE id = 13111");

        TestEnv.Run next = TestEnv.cli("--config", config.toString(), "verify");
        assertTrue(next.err().contains("Completed 1 pending tenant delete(s): 22 row(s) deleted")
                || next.out().contains("Completed 1 pending tenant delete(s): 22 row(s) deleted"), next.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + schema() + ".tenant_pending"));
        assertEquals(List.of(13111L), List.of(SchoolsFixture.shardCount(
                "SELECT min(id) FROM tn.attempts WHERE enrollment_id / 100 = 13")), "the changed attempt stays");
        assertEquals(1, SchoolsFixture.shardCount("SELECT count(*) FROM tn.attempts WHERE enrollment_id / 100 = 13"));
        assertEquals(1, SchoolsFixture.shardCount("SELECT count(*) FROM tn.enrollments WHERE classroom_id / 10 = 13"),
                "with the enrollment it references; the other five went");
    }
}
