package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.app.Instance;
import io.strata.config.ConfigLoader;
import io.strata.export.RunSummary;
import io.strata.manifest.RunLog;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The run log as steps of the archive route: {@code run-open} and {@code run-close} run
 * routes/sql/run-open.sql and run-close.sql with camel-sql, each committed on its own; a run whose close
 * fails is closed as failed all the same and its job runs again; an operator's routes/sql/ file takes the
 * place of the jar's.
 */
class RunLogRouteTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_run_log_route";
    static final String T = SCHEMA + ".events";

    @Override
    protected String schema() {
        return SCHEMA;
    }

    Instance strata;

    @AfterEach
    void stop() {
        if (strata != null) {
            strata.close();
        }
    }

    private void start(Path routes) {
        events(300, "timestamptz '2025-03-10 00:00+00' + (g % 3) * interval '1 hour' + g * interval '1 second'",
                "md5(g::text)");
        var config = config().job("ev", T).concurrency(1);
        if (routes != null) {
            config.set("routes", "\"" + routes + "\"");
        }
        strata = Instance.start(new ConfigLoader().load(config.write(dir)), Instance.Mode.COMMAND);
    }

    private static List<String> lastRun() {
        return TestEnv.column("SELECT unnest(ARRAY[job, instance, trigger, status, partitions::text,"
                + " partitions_done::text, rows_archived::text, (ended_at IS NOT NULL)::text, coalesce(error, '')])"
                + " FROM (SELECT * FROM " + SCHEMA + ".run ORDER BY id DESC LIMIT 1) last");
    }

    @Test
    void theRouteOpensTheRunRowBeforeItsBatchesAndClosesItWithTheirTotals() throws Exception {
        start(null);
        AtomicInteger openRowsSeenByBatches = new AtomicInteger();
        // Each batch sees its run's row open (committed, not yet ended) when it begins.
        AdviceWith.adviceWith(strata.camel(), "strata-batch", a -> a.weaveById("batch-export-and-delete").before()
                .process(e -> openRowsSeenByBatches.addAndGet((int) TestEnv.count("SELECT count(*) FROM " + SCHEMA
                        + ".run WHERE status = 'running' AND ended_at IS NULL"))));

        RunSummary run = strata.strata().archive("ev", "test");

        assertEquals("succeeded", run.status(), run.toString());
        assertEquals(3, openRowsSeenByBatches.get(), "each of the 3 batches saw the open run row");
        assertEquals(List.of("ev", RunLog.INSTANCE, "test", "succeeded", "3", "3", "300", "true", ""), lastRun());
        assertEquals(run.runId(), TestEnv.count("SELECT max(id) FROM " + SCHEMA + ".run"));
        assertEquals(3, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE run_id = " + run.runId()),
                "the manifest rows refer to the run the route opened");
    }

    @Test
    void aRunWhoseCloseFailsIsClosedAsFailedAndItsJobRunsAgain() throws Exception {
        start(null);
        AtomicInteger failures = new AtomicInteger(1);
        AdviceWith.adviceWith(strata.camel(), "archive-ev", a -> a.weaveById("run-close").before().process(e -> {
            if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("the run log cannot be written");
            }
        }));

        RunSummary failed = strata.strata().archive("ev", "test");
        assertEquals("failed", failed.status(), failed.toString());
        List<String> row = lastRun();
        assertEquals("failed", row.get(3), row.toString());
        assertEquals("true", row.get(7), "closed");
        assertTrue(row.get(8).contains("the run log cannot be written"), row.toString());
        assertEquals(3, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"), "its batches committed before");

        RunSummary next = strata.strata().archive("ev", "test");
        assertEquals("succeeded", next.status(), "the job is not left busy: " + next);
        assertEquals("succeeded", lastRun().get(3));
    }

    @Test
    void anOperatorsSqlFileTakesThePlaceOfTheJarsOne() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes/sql"));
        Files.writeString(routes.resolve("run-open.sql"), """
                -- Marks this installation's runs.
                INSERT INTO ${schema}.run (job, instance, trigger, partitions)
                VALUES (:#job, :#instance, 'site-' || :#trigger, :#partitions)
                RETURNING id
                """);
        start(routes.getParent());

        RunSummary run = strata.strata().archive("ev", "test");

        assertEquals("succeeded", run.status(), run.toString());
        assertEquals("site-test", lastRun().get(2));
        assertEquals("succeeded", lastRun().get(3), "run-close.sql is still the jar's");
    }
}
