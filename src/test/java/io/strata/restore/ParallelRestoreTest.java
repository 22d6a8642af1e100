package io.strata.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A restore loads as many objects at once as the job's concurrency, and each of them exactly once. */
class ParallelRestoreTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_parallel_restore";
    static final String T = SCHEMA + ".events";
    static final int OBJECTS = 96;

    @Override
    protected String schema() {
        return SCHEMA;
    }

    String config;
    String before;

    @BeforeEach
    void setUp() {
        // 48 hours for tenants a and b: 96 objects of 10 rows
        tenantEvents("SELECT g, timestamptz '2025-06-01 00:00+00' + (g / 20) * interval '1 hour'"
                + " + (g % 20) * interval '1 minute', (ARRAY['a', 'b'])[1 + g % 2], 'row ' || g FROM generate_series(0, 959) g");
        config = config(job("ev", T, "tenantColumn: tenant", "concurrency: 4")).toString();
        before = RestoreTwiceTest.md5(T);
        TestEnv.archiveAll(config, SCHEMA, T, OBJECTS);
    }

    private TestEnv.Run restore(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--config", config, "restore", "--job", "ev",
                "--from", "2025-06-01", "--to", "2025-06-03"));
        args.addAll(List.of(extra));
        return TestEnv.cli(args.toArray(String[]::new));
    }

    /** The progress lines name every object once: no line is lost or printed twice when objects finish together. */
    private static void assertOneLinePerObject(TestEnv.Run run, String verb) {
        List<String> lines = Arrays.stream(run.out().split("\n")).filter(l -> l.contains(verb)).toList();
        Set<String> objects = lines.stream().map(l -> l.replaceAll("\\s+\\S+ rows.*", "")).collect(Collectors.toSet());
        assertEquals(OBJECTS, lines.size(), run.out());
        assertEquals(OBJECTS, objects.size(), run.out());
    }

    @Test
    void objectsLoadAtOnceIntoANewTableThatTheFirstOfThemCreates() {
        TestEnv.Run run = restore("--into", SCHEMA + ".copy");
        assertEquals(0, run.exit(), run.toString());
        assertOneLinePerObject(run, "restored");
        assertEquals(before, RestoreTwiceTest.md5(SCHEMA + ".copy"));
        assertEquals(OBJECTS, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".restore"));
    }

    @Test
    void objectsLoadAtOnceIntoTheirOwnTableAndASecondRestoreSkipsThemAll() {
        TestEnv.Run run = restore();
        assertEquals(0, run.exit(), run.toString());
        assertOneLinePerObject(run, "restored");
        assertEquals(before, RestoreTwiceTest.md5(T));
        assertEquals(List.of("restored"), TestEnv.column("SELECT DISTINCT state FROM " + SCHEMA + ".manifest"));

        TestEnv.Run again = restore();
        assertEquals(0, again.exit(), again.toString());
        assertEquals(OBJECTS, Arrays.stream(again.out().split("\n")).filter(l -> l.contains("skipped: already restored")).count(),
                again.out());
        assertEquals(before, RestoreTwiceTest.md5(T));
    }

    @Test
    void anObjectThatWaitsForALockDoesNotHoldUpTheOthers() throws Exception {
        // The first object in restore order waits for its manifest row, which this test keeps locked. A
        // restore that loaded one object after another would restore nothing while it waits.
        try (Connection lock = TestEnv.connect()) {
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("SELECT id FROM " + SCHEMA + ".manifest ORDER BY window_start, tenant, chunk LIMIT 1 FOR UPDATE");
            }
            CompletableFuture<TestEnv.Run> run = CompletableFuture.supplyAsync(this::restore);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long restored = 0;
            while (restored < OBJECTS - 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                restored = TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE state = 'restored'");
            }
            assertEquals(OBJECTS - 1, restored, "every other object restored while the first one waited");
            assertTrue(!run.isDone(), "the restore is still waiting for the locked object");
            lock.rollback();
            TestEnv.Run done = run.get(60, TimeUnit.SECONDS);
            assertEquals(0, done.exit(), done.toString());
        }
        assertEquals(before, RestoreTwiceTest.md5(T));
    }
}
