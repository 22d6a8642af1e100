package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.testing.Child;
import io.strata.testing.Configs;
import io.strata.testing.HoldingProxy;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The long-lived service archives on its schedule and stops cleanly on SIGTERM: the test holds a batch
 * between its upload and its commit (at its read-back, through a {@link HoldingProxy}), sends SIGTERM,
 * and only then lets the batch go on.
 */
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
    void serviceArchivesOnItsScheduleAndOnSigtermCommitsTheBatchInFlightAndClosesItsRunAsStopped() throws Exception {
        try (HoldingProxy proxy = new HoldingProxy(s3.port())) {
            Path cfg = Configs.config(proxy.endpoint(), SCHEMA).job("ev", T).schedule("0/2 * * * * ?").concurrency(1).write(dir);
            // The fifth batch's read-back: four batches have committed, the fifth is between upload and commit.
            HoldingProxy.Hold fifth = proxy.hold("GET", HoldingProxy.OBJECT, 4);
            Child service = Child.start(dir.resolve("service.log"), "--config", cfg.toString(), "run");
            try {
                String key = fifth.await(Duration.ofSeconds(120), service::log).substring("/test/".length());
                assertEquals(4, countManifests(), "the schedule fired and archived:\n" + service.log());
                service.terminate();
                service.awaitLog("stopping; a batch in flight commits or rolls back first", Duration.ofSeconds(60));
                fifth.release();
                assertEquals(143, service.exit(Duration.ofSeconds(120)), service.log());
                String out = service.log();
                assertEquals(1, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE object_key = '" + key + "'"),
                        "the batch in flight committed:\n" + out);
                assertEquals(5, countManifests(), "no batch started after SIGTERM:\n" + out);
                assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".run WHERE status = 'running'"),
                        "the run in progress was closed:\n" + out);
                assertEquals(List.of("schedule", "stopped", "5", "43"), TestEnv.column("SELECT unnest(ARRAY[trigger, status,"
                        + " partitions_done::text, partitions_skipped::text]) FROM " + SCHEMA + ".run"), out);
                assertEquals(48000, TestEnv.count("SELECT count(*) FROM " + T) + TestEnv.count(
                        "SELECT coalesce(sum(row_count), 0) FROM " + SCHEMA + ".manifest"), "every row in the table or an object");
            } finally {
                service.destroy();
            }
        }
    }

    private static long countManifests() {
        try {
            return TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest");
        } catch (IllegalStateException e) {
            return 0; // not created yet
        }
    }
}
