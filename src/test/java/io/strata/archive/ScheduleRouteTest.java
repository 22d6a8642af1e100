package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.app.Instance;
import io.strata.config.ConfigLoader;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * The service's schedule ({@code schedule-<job>}, a quartz route) in a started Strata: it fires and archives;
 * while the job is paused it fires and nothing runs; resumed, it archives again. The test waits on the
 * routes' exchanges ({@link NotifyBuilder}), not on the clock, and counts the batches and the uploads at
 * mock endpoints woven into the batch route.
 */
class ScheduleRouteTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_schedule_route";
    static final String T = SCHEMA + ".events";
    static final long WAIT_SECONDS = 30;

    @Override
    protected String schema() {
        return SCHEMA;
    }

    private static long count(String sql) {
        return TestEnv.count(sql.replace("$", SCHEMA + "."));
    }

    /** Rows of {@code hours} hours of {@code day}, 3 days old or more: due under keep P2D. */
    private static void insertRows(int from, int to, String day, int hours) {
        TestEnv.sql("INSERT INTO " + T + " SELECT g, timestamptz '" + day + " 00:00+00' + (g % " + hours + ") * interval '1 hour',"
                + " md5(g::text) FROM generate_series(" + from + ", " + to + ") g");
    }

    /** Waits for {@code n} more firings of the job's schedule to end, each a whole run or a skipped one. */
    private static void awaitFirings(CamelContext camel, int n) {
        NotifyBuilder fired = new NotifyBuilder(camel).fromRoute("schedule-ev")
                .filter(e -> e.getProperty(Exchange.SPLIT_INDEX) == null)  // the firings, not the batches a run splits into
                .whenDone(n).create();
        assertTrue(fired.matches(WAIT_SECONDS, TimeUnit.SECONDS), n + " firings of schedule-ev within " + WAIT_SECONDS + " s");
    }

    @Test
    void theScheduleArchivesAPausedJobSkipsItsFiringsAndOnceResumedArchivesAgain() throws Exception {
        events(0, "now()", "''");
        Path cfg = config().set("management", "{ jolokiaPort: 0 }")
                .job("ev", T).schedule("0/1 * * * * ?").concurrency(1).write(dir);
        try (Instance service = Instance.start(new ConfigLoader().load(cfg), Instance.Mode.SERVICE)) {
            CamelContext camel = service.camel();
            // Nothing is due yet, so no firing sends to the batch route while the advice restarts it.
            AdviceWith.adviceWith(camel, "strata-batch", a -> {
                a.weaveAddFirst().to("mock:batches");
                a.weaveById("batch-upload").before().to("mock:uploads");
            });
            MockEndpoint batches = camel.getEndpoint("mock:batches", MockEndpoint.class);
            MockEndpoint uploads = camel.getEndpoint("mock:uploads", MockEndpoint.class);

            insertRows(1, 300, "2025-03-10", 3);
            // The second firing from now began after the first had ended, so after the rows were there.
            awaitFirings(camel, 2);
            assertEquals(0, count("SELECT count(*) FROM $events"), "the schedule archived the due rows");
            assertEquals(3, count("SELECT count(*) FROM $manifest"));
            assertEquals(3, batches.getReceivedCounter());
            assertEquals(3, uploads.getReceivedCounter());
            assertEquals(1, count("SELECT count(*) FROM $run WHERE trigger = 'schedule' AND status = 'succeeded'"
                    + " AND partitions_done = 3"));

            assertTrue(service.strata().pause("ev"));
            awaitFirings(camel, 1);  // a run that began before the pause has ended
            long runs = count("SELECT count(*) FROM $run");
            long lastRun = count("SELECT max(id) FROM $run");
            insertRows(301, 350, "2025-03-09", 1);
            batches.reset();
            uploads.reset();
            awaitFirings(camel, 3);
            assertEquals(0, batches.getReceivedCounter(), "no batch began while the job was paused");
            assertEquals(0, uploads.getReceivedCounter(), "nothing was uploaded");
            assertEquals(runs, count("SELECT count(*) FROM $run"), "three firings, no run");
            assertEquals(50, count("SELECT count(*) FROM $events"), "the due rows stay");
            assertEquals(3, count("SELECT count(*) FROM $manifest"));

            assertTrue(service.strata().resume("ev"));
            awaitFirings(camel, 2);
            assertEquals(0, count("SELECT count(*) FROM $events"), "the resumed schedule archived the rows due");
            assertEquals(1, batches.getReceivedCounter());
            assertEquals(1, uploads.getReceivedCounter());
            assertEquals(List.of("schedule", "succeeded", "1", "50"), TestEnv.column("SELECT unnest(ARRAY[trigger, status,"
                    + " partitions_done::text, rows_archived::text]) FROM " + SCHEMA + ".run WHERE id > " + lastRun
                    + " AND partitions_done > 0"), "one run archived them, on the schedule");
            assertEquals(4, count("SELECT count(*) FROM $manifest"));
        }
    }
}
