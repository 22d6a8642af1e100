package io.strata.app;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.ConfigLoader;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.kinds.offload.OffloadExport;
import io.strata.kinds.rows.RowsExport;
import io.strata.kinds.tenant.TenantResult;
import io.strata.kinds.tenant.TenantSchedule;
import io.strata.kinds.tenant.TenantSteps;
import io.strata.kinds.tenant.WindowBundles;
import io.strata.config.TenantJobConfig;
import org.apache.camel.ProducerTemplate;
import io.strata.unit.BatchSteps;
import io.strata.export.JobRunner;
import io.strata.export.JobState;
import io.strata.export.Jobs;
import io.strata.management.Management;
import io.strata.management.StrataMetrics;
import io.strata.report.ReportBuilder;
import io.strata.report.ReportStore;
import io.strata.restore.Restorer;
import io.strata.restore.TenantRestorer;
import io.strata.storage.S3Storage;
import io.strata.verify.Verifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.ManagementStatisticsLevel;
import org.apache.camel.main.Main;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Camel's side of Strata, as the Camel examples keep it in one configuration class: the settings as
 * properties, the beans the routes call, the thread pools, and the routes stamped out per job from the
 * templates in routes/*.camel.yaml.
 */
final class Wiring {

    private final StrataConfig config;
    private final Instance.Mode mode;
    private final List<AutoCloseable> closeables;
    private final Function<String, Database> databases;

    /** @param databases the databases of strata.databases by name, for tenant restores (null: not named) */
    Wiring(StrataConfig config, Instance.Mode mode, List<AutoCloseable> closeables, Function<String, Database> databases) {
        this.config = config;
        this.mode = mode;
        this.closeables = closeables;
        this.databases = databases;
    }

    /** Configures Camel Main, binds the beans and starts it; then stamps out the per-job routes. */
    /** @param metrics the service's metrics (README: Metrics for Prometheus); null for one-shot commands */
    Main start(Database database, S3Storage storage, Jobs jobs, JobRunner runner, String installation,
            BooleanSupplier stopping, StrataMetrics metrics, TenantSteps tenantSteps, TenantSchedule tenantSchedule) {
        Main main = new Main();
        main.configure()
                .withName("strata")
                .withRoutesIncludePattern(RouteResources.includePattern(config.routes()))
                .withShutdownTimeout((int) Math.max(1, config.shutdownTimeout().toSeconds()))
                .withJmxEnabled(true)
                .withJmxManagementStatisticsLevel(ManagementStatisticsLevel.RoutesOnly);
        properties(main);
        main.bind("strataS3Client", storage.client());
        main.bind("jobRunner", runner);
        main.bind("tenantSteps", tenantSteps);
        main.bind("tenantSchedule", tenantSchedule);
        main.bind("windowBundles", new WindowBundles(tenantSteps.pending()));
        main.bind("strataRunLog", runLog(database));
        RowsExport rows = new RowsExport(config.schema());
        OffloadExport offload = new OffloadExport(config.schema());
        main.bind("batchSteps", new BatchSteps(database, storage, job -> job.offloads() ? offload : rows, config.schema(),
                config.s3().prefix(), config.tempDir(), config.gzipLevel(), stopping, installation));
        ReportStore reports = new ReportStore(storage, config.s3().prefix(), config.report().out());
        main.bind("reportStore", reports);
        main.bind("reportBuilder", new ReportBuilder(database, config, jobs.asMap(), reports));
        Restorer restorer = new Restorer(database, storage, config);
        if (metrics != null) {
            runner.batches(metrics);
            restorer.listener(metrics);
        }
        main.bind("restorer", restorer);
        TenantRestorer tenantRestorer = new TenantRestorer(database, databases, storage, config);
        if (metrics != null) {
            tenantRestorer.listener(metrics);
        }
        main.bind("tenantRestorer", tenantRestorer);
        main.bind("verifier", new Verifier(database, storage, config));
        // The restore route's threads; each restore takes at most its job's concurrency of them.
        main.bind("strataRestorePool", pool("restore", ConfigLoader.restoreConcurrency(config.jobs())));
        for (JobState job : jobs.all()) {
            main.bind("strataPool-" + job.config().name(), pool(job.config().name(), job.config().concurrency()));
        }
        AutoCloseable credentials = mode == Instance.Mode.SERVICE ? Management.http(main, config.management(), metrics)
                : () -> { };
        closeables.add(credentials);
        closeables.add(main::stop);
        try {
            main.start();
            credentials.close();  // the management server has read them
            templates(main.getCamelContext(), jobs, tenantSchedule);
        } catch (StrataException e) {
            throw e;
        } catch (Exception e) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, "cannot start the routes (" + RouteResources.includePattern(
                    config.routes()) + "): " + e.getMessage(), e);
        }
        return main;
    }

    /**
     * Every setting of the config file is a Camel property ({@code {{strata.zone}}} in a route), with the
     * values the routes rely on in their checked form (sizes in bytes, defaults filled in).
     */
    private void properties(Main main) {
        config.settings().forEach(main::addInitialProperty);
        main.addInitialProperty("strata.s3.bucket", config.s3().bucket());
        main.addInitialProperty("strata.s3.partSize", String.valueOf(config.s3().partSize()));
        main.addInitialProperty("strata.s3.conditionalWrites", String.valueOf(config.s3().conditionalWrites()));
        main.addInitialProperty("strata.report.schedule", config.report().schedule());
        main.addInitialProperty("strata.schema", config.schema());
        SqlFiles.properties(config.routes(), config.schema()).forEach(main::addInitialProperty);
    }

    private void templates(CamelContext camel, Jobs jobs, TenantSchedule tenantSchedule) throws Exception {
        for (JobState job : jobs.all()) {
            String name = job.config().name();
            camel.addRouteFromTemplate("archive-" + name, "strata-archive", Map.of("job", name, "pool", "strataPool-" + name));
            if (mode == Instance.Mode.SERVICE) {
                camel.addRouteFromTemplate("schedule-" + name, "strata-schedule",
                        Map.of("job", name, "cron", job.config().schedule().replace(' ', '+')));
            }
        }
        if (mode == Instance.Mode.SERVICE) {
            ProducerTemplate tenants = camel.createProducerTemplate();
            closeables.add(tenants::stop);
            tenantSchedule.sender(r -> tenants.requestBody("direct:strata-tenant", r, TenantResult.class));
            for (TenantJobConfig job : config.tenantJobs()) {
                if (job.enabled()) {
                    camel.addRouteFromTemplate("schedule-" + job.name(), "strata-tenant-schedule",
                            Map.of("job", job.name(), "cron", job.schedule().replace(' ', '+')));
                }
            }
            camel.addRouteFromTemplate("report-schedule", "strata-report-schedule",
                    Map.of("cron", config.report().schedule().replace(' ', '+')));
        }
    }

    /**
     * The run log's statements (routes/sql/run-*.sql) each commit on their own, outside any batch: the
     * pool's connections with autoCommit on while camel-sql holds them (the pool turns it off again when a
     * connection comes back).
     */
    private static DataSource runLog(Database database) {
        return new DelegatingDataSource(database.dataSource()) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection c = super.getConnection();
                c.setAutoCommit(true);
                return c;
            }
        };
    }

    private ExecutorService pool(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "strata-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService pool = Executors.newFixedThreadPool(threads, factory);
        closeables.add(pool::shutdownNow);
        return pool;
    }
}
