package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.manifest.RunLog;
import io.strata.testing.Await;
import io.strata.testing.Child;
import io.strata.testing.HoldingProxy;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Invariants 3 and 7 with real processes, each fault landing at a moment the test holds the process
 * at: an {@code archive} killed with SIGKILL inside a batch (during its DELETE, its upload, between
 * upload and commit, before its manifest) or between a commit and the end of its run; stopped by
 * SIGTERM with a batch in flight; and two instances contending for one partition. S3 is reached
 * through a {@link HoldingProxy}, which holds a chosen request (the read-back of an object, say) until
 * the test has acted.
 */
class CrashAndConcurrencyTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_crash";
    static final String T = SCHEMA + ".events";
    static final int HOURS = 12;
    static final int ROWS = HOURS * 200;
    static final Duration WAIT = Duration.ofSeconds(120);

    @Override
    protected String schema() {
        return SCHEMA;
    }

    HoldingProxy proxy;
    final List<Child> children = new ArrayList<>();
    /** A connection that keeps a row locked; closed (rolled back) after each test. */
    Connection locker;

    @BeforeEach
    void setUp() throws Exception {
        events(ROWS, "date_trunc('hour', now()) - interval '3 days' - (g % " + HOURS + ") * interval '1 hour' + (g % 3571) * interval '1 second'",
                "md5(g::text)");
        proxy = new HoldingProxy(s3.port());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Child c : children) {
            c.destroy();
        }
        if (locker != null) {
            locker.close();
        }
        proxy.close();
    }

    /** A config whose S3 is reached through the proxy, or directly; {@code extra} are more job keys. */
    private Path config(boolean throughProxy, String... extra) throws Exception {
        Path d = dir.resolve(throughProxy ? "proxied" : "direct");
        Files.createDirectories(d);
        return TestEnv.config(d, throughProxy ? proxy.endpoint() : s3.endpoint(), SCHEMA, job("ev", T, extra));
    }

    private Child archive(String name, Path config) throws Exception {
        Child c = Child.start(dir.resolve(name + ".log"), "--config", config.toString(), "archive");
        children.add(c);
        return c;
    }

    /** The moments inside a batch at which a process is killed. */
    enum Moment {
        /** The COPY (DELETE …) waits for a row the test keeps locked: rows are being deleted and exported. */
        EXPORT,
        /** The object's PUT is held: nothing is in S3 yet. */
        UPLOAD,
        /** The read-back (GET of the object) is held: the object is in S3, the transaction still open. */
        READ_BACK,
        /** The sidecar's PUT is held: the object is verified, the manifest not yet written. */
        SIDECAR
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Moment.class)
    void archiveKilledInsideABatchLosesNoRowAndTheNextRunReusesTheOrphansKey(Moment moment) throws Exception {
        Path config = config(true);
        int lockerPid = 0;
        HoldingProxy.Hold hold = switch (moment) {
            case EXPORT -> null;
            case UPLOAD -> proxy.hold("PUT", HoldingProxy.OBJECT);
            case READ_BACK -> proxy.hold("GET", HoldingProxy.OBJECT);
            case SIDECAR -> proxy.hold("PUT", HoldingProxy.SIDECAR);
        };
        if (moment == Moment.EXPORT) {
            locker = TestEnv.connect();
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                lockerPid = pid(st);
                st.execute("SELECT * FROM " + T + " WHERE id = 1 FOR UPDATE");
            }
        }
        Child killed = archive("killed", config);
        String key = null;
        if (moment == Moment.EXPORT) {
            String query = Await.blockedBy(lockerPid, WAIT, killed::log);
            assertTrue(query.startsWith("COPY (DELETE FROM"), "the batch waits inside its DELETE: " + query);
        } else {
            String held = hold.await(WAIT, killed::log);
            key = objectKey(held.replaceFirst("\\.json$", ""));
            assertEquals(0, manifested(key), "the batch has not committed");
            assertEquals(moment != Moment.UPLOAD, Files.exists(object(key)), "the object is in S3 once its PUT is through");
            if (moment == Moment.SIDECAR) {
                assertTrue(proxy.requests().contains("GET /test/" + key), "the object was read back: " + proxy.requests());
            }
        }
        killed.kill();
        if (locker != null) {
            locker.rollback();
        }
        Await.noStrataBackends(WAIT, killed::log);
        assertAccounted(false);
        if (key != null) {
            assertEquals(0, manifested(key), "the killed batch rolled back");
        }
        Map<String, String> committed = manifest();
        int requestsBefore = proxy.requests().size();

        TestEnv.Run next = TestEnv.cli("--config", config.toString(), "archive");
        assertEquals(0, next.exit(), next + "\n" + killed.log());
        assertAccounted(true);
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE chunk > 1"),
                "an orphan's key is reused, never skipped to a new chunk");
        if (key != null) {
            assertEquals(1, manifested(key), "the next run archived the window under the same key");
            assertTrue(key.contains("-c1."), key);
        }
        Map<String, String> after = manifest();
        committed.forEach((k, sha) -> assertEquals(sha, after.get(k), "committed object " + k + " is unchanged"));
        for (String request : proxy.requests().subList(requestsBefore, proxy.requests().size())) {
            assertFalse(request.startsWith("PUT ") && committed.containsKey(objectKey(request.substring(4))),
                    "a committed object was written again: " + request);
        }
    }

    @Test
    void archiveKilledBetweenACommitAndTheEndOfItsRunLeavesARunTheNextRunClosesAsFailed() throws Exception {
        Path config = config(true, "concurrency: 1");
        HoldingProxy.Hold first = proxy.hold("GET", HoldingProxy.OBJECT);
        Child killed = archive("killed", config);
        String firstKey = objectKey(first.await(WAIT, killed::log));
        HoldingProxy.Hold second = proxy.hold("GET", HoldingProxy.OBJECT);
        first.release();
        String secondKey = objectKey(second.await(WAIT, killed::log));
        assertNotEquals(firstKey, secondKey);
        assertEquals(1, manifested(firstKey), "the first batch committed before the second began");
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"));
        long run = TestEnv.count("SELECT id FROM " + SCHEMA + ".run");
        assertEquals(List.of("running", RunLog.HOST + ":" + killed.pid()),
                TestEnv.column("SELECT unnest(ARRAY[status, instance]) FROM " + SCHEMA + ".run WHERE id = " + run));
        killed.kill();
        Await.noStrataBackends(WAIT, killed::log);
        assertAccounted(false);
        assertEquals("running", status(run), "nothing closed the run of the killed process");

        // Two runs that must be left alone: one of a live process of this host (this JVM), one of another host.
        TestEnv.sql("INSERT INTO " + SCHEMA + ".run (job, instance, trigger) VALUES"
                + " ('ev', '" + RunLog.HOST + ":" + ProcessHandle.current().pid() + "', 'command'),"
                + " ('ev', 'elsewhere.invalid:" + killed.pid() + "', 'command')");
        Map<String, String> committed = manifest();
        TestEnv.Run next = TestEnv.cli("--config", config.toString(), "archive");
        assertEquals(0, next.exit(), next + "\n" + killed.log());

        assertEquals("failed", status(run), "the run the killed process left running is closed");
        String error = TestEnv.column("SELECT error FROM " + SCHEMA + ".run WHERE id = " + run).get(0);
        assertTrue(error.startsWith(RunLog.ABANDONED), error);
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".run WHERE id = " + run
                + " AND ended_at IS NOT NULL AND partitions_done = 1 AND rows_archived = (SELECT row_count FROM "
                + SCHEMA + ".manifest WHERE object_key = '" + firstKey + "')"), "what it archived is counted from the manifest");
        assertEquals(2, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".run WHERE status = 'running'"),
                "a live process's run and another host's run stay open");
        assertAccounted(true);
        assertEquals(committed.get(firstKey), manifest().get(firstKey), "the committed object is unchanged");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE chunk > 1"));
    }

    @Test
    void archiveStoppedBySigtermWithABatchInFlightCommitsItClosesItsRunAsStoppedAndExits143() throws Exception {
        Path config = config(true, "concurrency: 1");
        HoldingProxy.Hold hold = proxy.hold("GET", HoldingProxy.OBJECT);
        Child stopped = archive("stopped", config);
        String key = objectKey(hold.await(WAIT, stopped::log));
        stopped.terminate();
        stopped.awaitLog("strata: stopping; no new batch starts", WAIT);
        assertEquals(0, manifested(key), "the batch is still in flight");
        hold.release();
        assertEquals(143, stopped.exit(WAIT), stopped.log());

        String log = stopped.log();
        assertEquals(1, manifested(key), "the batch in flight committed:\n" + log);
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"), "no batch started after SIGTERM");
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".run WHERE status = 'stopped'"
                + " AND ended_at IS NOT NULL AND partitions = " + HOURS + " AND partitions_done = 1"
                + " AND partitions_skipped = " + (HOURS - 1)), "the run closed as stopped:\n" + log);
        assertTrue(log.contains("not started"), log);
        assertTrue(log.matches("(?s).*\\| ev\\s+\\| stopped\\s+\\|\\s+" + HOURS + " \\|\\s+1 \\|\\s+" + (HOURS - 1) + " \\|\\s+0 \\|.*"),
                "the summary was printed:\n" + log);
        assertAccounted(false);

        TestEnv.Run next = TestEnv.cli("--config", config.toString(), "archive");
        assertEquals(0, next.exit(), next.toString());
        assertAccounted(true);
    }

    @Test
    void twoInstancesContendingForOnePartitionLeaveItToTheOneHoldingIt() throws Exception {
        HoldingProxy.Hold hold = proxy.hold("GET", HoldingProxy.OBJECT);
        Child a = archive("a", config(true, "concurrency: 1"));
        String key = objectKey(hold.await(WAIT, a::log));
        String window = key.replaceFirst(".*-(\\d{10})-c\\d+\\..*", "$1");

        // B archives directly, while A holds the partition of `key` in an open transaction.
        TestEnv.Run b = TestEnv.cli("--config", config(false).toString(), "archive");
        assertEquals(0, b.exit(), b + "\n" + a.log());
        assertTrue(b.out().matches("(?s).*\\bev\\s+" + window + "\\s+locked: another instance holds this partition.*"), b.out());
        assertTrue(b.out().matches("(?s).*\\| ev\\s+\\| succeeded\\s+\\|\\s+" + HOURS + " \\|\\s+" + (HOURS - 1)
                + " \\|\\s+1 \\|\\s+0 \\|.*"), "B's summary counts the partition skipped:\n" + b.out());
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".run WHERE status = 'succeeded'"
                + " AND partitions_done = " + (HOURS - 1) + " AND partitions_skipped = 1"), "B skipped A's partition");
        assertEquals(0, manifested(key));
        assertEquals(HOURS - 1, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"));

        hold.release();
        assertEquals(0, a.exit(WAIT), a.log());
        assertEquals(1, manifested(key), "A committed its partition");
        assertAccounted(true);
        assertEquals(HOURS, TestEnv.count("SELECT count(DISTINCT window_start) FROM " + SCHEMA + ".manifest"));
        assertEquals(HOURS, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"), "one object per window");
        assertEquals(HOURS, TestEnv.count("SELECT sum(partitions_done) FROM " + SCHEMA + ".run"));
        assertEquals(2, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".run WHERE status = 'succeeded'"));
    }

    /** The object key of a request path ({@code /bucket/key}). */
    private static String objectKey(String path) {
        return path.substring("/test/".length());
    }

    private static long manifested(String key) {
        return TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE object_key = '" + key + "'");
    }

    private static String status(long run) {
        return TestEnv.column("SELECT status FROM " + SCHEMA + ".run WHERE id = " + run).get(0);
    }

    /** Every manifested object: key to SHA-256. */
    private static Map<String, String> manifest() throws Exception {
        Map<String, String> m = new HashMap<>();
        try (Connection c = TestEnv.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT object_key, sha256 FROM " + SCHEMA + ".manifest")) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getString(2));
            }
        }
        return m;
    }

    private static int pid(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Every original row is in the table or in exactly one manifested object, whose bytes match the manifest. */
    private void assertAccounted(boolean complete) throws Exception {
        Set<Long> seen = new HashSet<>();
        try (Connection c = TestEnv.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id FROM " + T)) {
                while (rs.next()) {
                    seen.add(rs.getLong(1));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT object_key, sha256, row_count FROM " + SCHEMA + ".manifest")) {
                while (rs.next()) {
                    Path object = object(rs.getString(1));
                    assertEquals(rs.getString(2), ArchiveFormatsTest.sha256(object), "object of " + rs.getString(1));
                    List<String> lines = ArchiveFormatsTest.gunzipLines(object);
                    assertEquals(rs.getLong(3), lines.size() - 1);
                    for (String line : lines.subList(1, lines.size())) {
                        long id = Long.parseLong(line.substring(0, line.indexOf(',')));
                        assertTrue(seen.add(id), "row " + id + " is in two places");
                    }
                }
            }
        }
        assertEquals(ROWS, seen.size(), "every row is in the table or one manifested object");
        if (complete) {
            assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T), "everything was due");
        }
    }
}
