package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The long-lived service archives on its schedule and stops cleanly on SIGTERM. */
class ServiceTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_service";
    static final String T = SCHEMA + ".events";

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() {
        events(48000, "date_trunc('hour', now()) - interval '3 days' - (g % 48) * interval '1 hour'",
                "md5(g::text)");
    }

    @Test
    void serviceArchivesOnItsScheduleAndStopsCleanlyOnSigterm() throws Exception {
        Path cfg = config("""
                  - name: ev
                    table: %s
                    timestampColumn: at
                    keep: P2D
                    schedule: "0/2 * * * * ?"
                    concurrency: 1
                """.formatted(T));
        Path log = dir.resolve("service.log");
        Process p = TestEnv.child(List.of("-Xmx256m"), "--config", cfg.toString(), "run")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (countManifests() < 5 && System.currentTimeMillis() < deadline && p.isAlive()) {
            Thread.sleep(100);
        }
        assertTrue(countManifests() >= 5, "the schedule fired and archived:\n" + Files.readString(log));
        p.destroy(); // SIGTERM, mid-run
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped");
        String out = Files.readString(log);
        assertTrue(out.contains("stopping; a batch in flight commits or rolls back first"), out);
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".run WHERE status = 'running'"),
                "the run in progress was closed:\n" + out);
        assertEquals(48000, TestEnv.count("SELECT count(*) FROM " + T) + TestEnv.count(
                "SELECT coalesce(sum(row_count), 0) FROM " + SCHEMA + ".manifest"), "every row in the table or an object");
    }

    private static long countManifests() {
        try {
            return TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest");
        } catch (IllegalStateException e) {
            return 0; // not created yet
        }
    }
}
