package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The database connection dropped in the middle of a batch's COPY: nothing is deleted, the next run succeeds. */
class DatabaseFaultsTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_dbfaults";
    static final String T = SCHEMA + ".events";
    static final int ROWS = 400_000;

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() {
        events(ROWS, "date_trunc('hour', now()) - interval '3 days' + (g % 3600) * interval '1 second'",
                "repeat(md5(g::text), 4)");
    }

    @Test
    void connectionTerminatedMidCopyDeletesNothingAndTheNextRunSucceeds() throws Exception {
        Path cfg = config().job("ev", T).write(dir);
        AtomicInteger killed = new AtomicInteger();
        Thread killer = new Thread(() -> {
            long deadline = System.currentTimeMillis() + 60_000;
            while (killed.get() == 0 && System.currentTimeMillis() < deadline) {
                killed.addAndGet((int) TestEnv.count("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE application_name = 'strata' AND query LIKE 'COPY (DELETE%' AND state = 'active') k"));
            }
        });
        killer.start();
        TestEnv.Run failed = TestEnv.cli("--config", cfg.toString(), "archive");
        killer.join();
        assertEquals(1, killed.get(), "the COPY's backend was terminated");
        assertEquals(1, failed.exit(), failed.toString());
        assertTrue(failed.out().contains("EXPORT_FAILED"), failed.out());
        assertEquals(ROWS, TestEnv.count("SELECT count(*) FROM " + T), "every row is still in the table");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"));

        TestEnv.Run ok = TestEnv.cli("--config", cfg.toString(), "archive");
        assertEquals(0, ok.exit(), ok.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T));
        assertEquals(ROWS, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"));
    }
}
