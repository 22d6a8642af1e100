package io.strata.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.app.Instance;
import io.strata.config.ConfigLoader;
import io.strata.export.BatchResult;
import io.strata.export.RunSummary;
import io.strata.testing.TestEnv;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The archive route of a time job with {@code tables:} in a started Strata: each due window goes through the tenant
 * route ({@code strata-tenant}), never the batch route, and comes back as the window's batch result; a window whose
 * bundle fails in the tenant route (its error handler, not the archive route's next step) is counted failed by the
 * run, deletes nothing, and the next run archives it under the key it had claimed.
 */
class WindowBundleRouteTest extends SchoolsTestCase {

    private Instance strata;
    private final List<BatchResult> batches = new CopyOnWriteArrayList<>();

    @Override
    protected String schema() {
        return "window_route";
    }

    @BeforeEach
    void start() {
        SchoolsFixture.closedAt();
        // Two windows: school 11 closed 800 days ago, school 12 a day later.
        TestEnv.sql("UPDATE tn.schools SET closed_at = closed_at + interval '1 day' WHERE id = 12");
        SchoolsFixture.snapshot();
        strata = Instance.start(new ConfigLoader().load(config().extraYaml(SchoolsFixture.databasesYaml())
                .jobsYaml(SchoolsFixture.windowJobYaml()).write(dir)), Instance.Mode.COMMAND);
        strata.onProgress(run -> batches.add(run.lastResult()));
    }

    @AfterEach
    void stop() {
        if (strata != null) {
            strata.close();
        }
    }

    /** The exchanges the route has taken since it started (Camel's JMX statistics). */
    private long exchanges(String route) throws Exception {
        return strata.camel().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute(route).getExchangesTotal();
    }

    @Test
    void eachWindowGoesThroughTheTenantRouteAndAFailedOneIsCountedAndArchivedByTheNextRun() throws Exception {
        AtomicInteger failures = new AtomicInteger(1);
        AdviceWith.adviceWith(strata.camel(), "strata-tenant", a -> a.weaveById("tenant-commit").before().process(e -> {
            if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("the commit step broke");
            }
        }));
        RunSummary run = strata.strata().archive("closed", "test");
        assertEquals(2, exchanges("strata-tenant"), "both windows went through the tenant route");
        assertEquals(0, exchanges("strata-batch"), "none through the batch route");
        assertEquals("partial", run.status(), run.toString());
        assertEquals(1, run.archived(), run.toString());
        assertEquals(1, run.failed(), run.toString());
        BatchResult failed = batches.stream().filter(b -> b.status() == BatchResult.Status.FAILED).findFirst().orElseThrow();
        assertTrue(failed.error().contains("the commit step broke"), failed.error());
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest WHERE kind = 'bundle'"));
        assertEquals(1, TestEnv.count("SELECT count(*) FROM tn.schools WHERE id IN (11, 12)"),
                "the failed window's school is in its table, with all that depends on it");
        List<String> claimed = TestEnv.column("SELECT object_key FROM " + schema() + ".claim");
        assertEquals(1, claimed.size(), claimed.toString());

        batches.clear();
        RunSummary next = strata.strata().archive("closed", "test");
        assertEquals("succeeded", next.status(), next.toString());
        assertEquals(1, next.archived());
        assertEquals(claimed, TestEnv.column("SELECT object_key FROM " + schema() + ".manifest ORDER BY id DESC LIMIT 1"),
                "under the key the failed bundle had claimed");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM tn.schools WHERE id IN (11, 12)"));
        SchoolsFixture.assertEveryRowInItsTableOrOneBundle(TestEnv.column("SELECT object_key FROM " + schema()
                + ".manifest ORDER BY id").stream().map(this::object).toList());
    }
}
