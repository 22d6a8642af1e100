package io.strata;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.config.ConfigLoader;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.export.BatchArchiver;
import io.strata.export.JobRunner;
import io.strata.export.JobState;
import io.strata.export.References;
import io.strata.export.RunContext;
import io.strata.export.RunSummary;
import io.strata.export.TableInfo;
import io.strata.management.Management;
import io.strata.management.StrataMetrics;
import io.strata.manifest.RunLog;
import io.strata.manifest.SchemaInstaller;
import io.strata.report.Report;
import io.strata.report.ReportBuilder;
import io.strata.report.ReportStore;
import io.strata.restore.RestoreRequest;
import io.strata.restore.RestoreResult;
import io.strata.restore.Restorer;
import io.strata.storage.Durability;
import io.strata.storage.EmbeddedS3;
import io.strata.storage.S3Storage;
import io.strata.storage.TempFiles;
import io.strata.verify.VerifyReport;
import io.strata.verify.VerifyRequest;
import io.strata.verify.Verifier;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Strata, started: the database pool, the S3 client (and the embedded S3 server), the jobs checked
 * against their tables, and Camel running the routes. Commands and the service both start one.
 */
public final class StrataRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StrataRuntime.class);

    /** What to start. */
    public enum Mode {
        /** The long-lived service: schedules fire. */
        SERVICE,
        /** A one-shot command that writes: routes run, schedules do not fire. */
        COMMAND,
        /** A command that only reads (dry runs): no schema is created and nothing is written. */
        READ_ONLY
    }

    private final StrataConfig config;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, JobState> jobs = new LinkedHashMap<>();
    private Database database;
    private S3Storage storage;
    private Main main;
    private JobRunner runner;
    private String installation;

    private StrataRuntime(StrataConfig config) {
        this.config = config;
    }

    public static StrataRuntime start(StrataConfig config, Mode mode) {
        StrataRuntime rt = new StrataRuntime(config);
        try {
            rt.doStart(mode);
            return rt;
        } catch (RuntimeException e) {
            rt.close();
            throw e;
        }
    }

    private void doStart(Mode mode) {
        database = Database.open(config.database());
        closeables.add(database);
        inspectJobs();
        if (mode == Mode.READ_ONLY) {
            runner = new JobRunner(database, null, config.schema(), jobs, r -> {});
            return;
        }
        installation = new SchemaInstaller(database, config.schema()).install();
        startStorage();
        prepareTempDir();
        RunLog runLog = new RunLog(database, config.schema());
        runner = new JobRunner(database, runLog, config.schema(), jobs, StrataRuntime::logProgress);
        startCamel(mode);
    }

    private void inspectJobs() {
        try (Connection c = database.connection()) {
            for (JobConfig job : config.jobs()) {
                if (!job.enabled()) {
                    continue;
                }
                TableInfo table = TableInfo.inspect(c, job);
                if (!table.timestampIndexed()) {
                    LOG.warn("job {}: {} has no index on {}; finding due rows will scan the table; run: {}",
                            job.name(), job.qualifiedTable(), job.timestampColumn(), TableInfo.suggestedIndex(job));
                }
                if (job.delete()) {
                    table = table.withReferences(references(c, job, table));
                }
                jobs.put(job.name(), new JobState(job, table));
            }
        } catch (SQLException e) {
            throw Database.connectionError(config.database().shownUrl(), config.database().user(), e);
        }
    }

    /**
     * Refuses a job whose DELETE would change rows it does not archive, and says what else its DELETE does
     * (README: Tables that other tables reference).
     */
    private References references(Connection c, JobConfig job, TableInfo table) throws SQLException {
        String key = config.source() + ": strata.jobs[" + config.jobs().indexOf(job) + "]";
        // A job archives one table: every table that references it is another one.
        References refs = References.inspect(c, job, table).check(job, key, Set.of());
        refs.accepted().forEach(line -> LOG.info("job {}: {}", job.name(), line));
        refs.warnings().forEach(line -> LOG.warn("job {}: {}", job.name(), line));
        return refs;
    }

    private void startStorage() {
        StrataConfig.S3Config s3 = config.s3();
        String endpoint = s3.endpoint();
        String accessKey = s3.accessKey();
        String secretKey = s3.secretKey();
        if (s3.embedded()) {
            try {
                EmbeddedS3 embedded = EmbeddedS3.start(s3.embeddedDir(), s3.embeddedPort());
                closeables.add(embedded);
                endpoint = embedded.endpoint();
                accessKey = embedded.accessKey();
                secretKey = embedded.secretKey();
                LOG.info("embedded S3 at {} over {}", endpoint, s3.embeddedDir().toAbsolutePath());
            } catch (Exception e) {
                throw new StrataException(ErrorCode.S3_CONNECTION, "cannot start the embedded S3 over "
                        + s3.embeddedDir().toAbsolutePath() + " (strata.s3.embedded): " + e.getMessage(), e);
            }
        }
        storage = S3Storage.connect(s3, endpoint, accessKey, secretKey,
                s3.embedded() ? Durability.files(s3.embeddedDir()) : Durability.REMOTE);
        closeables.add(storage);
        storage.checkBucket();
    }

    /** Creates the temp directory and removes the temp files of processes that are gone (killed mid-batch). */
    private void prepareTempDir() {
        Path dir = config.tempDir();
        try {
            TempFiles.prepare(dir);
        } catch (IOException e) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, config.source() + ": strata.tempDir " + dir
                    + " cannot be used: " + e.getMessage(), e);
        }
    }

    private void startCamel(Mode mode) {
        main = new Main();
        main.configure()
                .withName("strata")
                .withRoutesIncludePattern(RouteResources.includePattern())
                .withShutdownTimeout((int) Math.max(1, config.shutdownTimeout().toSeconds()))
                .withJmxEnabled(true)
                .withJmxManagementStatisticsLevel(org.apache.camel.ManagementStatisticsLevel.RoutesOnly);
        main.addInitialProperty("strata.s3.bucket", config.s3().bucket());
        main.addInitialProperty("strata.s3.partSize", String.valueOf(config.s3().partSize()));
        main.addInitialProperty("strata.s3.conditionalWrites", String.valueOf(config.s3().conditionalWrites()));
        main.bind("strataS3Client", storage.client());
        main.bind("jobRunner", runner);
        main.bind("batchArchiver", new BatchArchiver(database, storage, config.schema(), config.s3().prefix(),
                config.tempDir(), config.gzipLevel(), this::stopping, installation));
        // Reporting and the operators' console (README: Operating Strata).
        ReportStore reports = new ReportStore(storage, config.s3().prefix(), config.report().out());
        main.bind("reportStore", reports);
        main.bind("reportBuilder", new ReportBuilder(database, config, jobs, reports));
        // The service counts what it archives and restores for Prometheus (README: Metrics for Prometheus).
        StrataMetrics metrics = mode == Mode.SERVICE
                ? new StrataMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), jobs.keySet()) : null;
        AutoCloseable httpCredentials = mode == Mode.SERVICE ? Management.http(main, config.management(), metrics) : () -> { };
        closeables.add(httpCredentials);
        Restorer restorer = new Restorer(database, storage, config);
        if (metrics != null) {
            runner.batches(metrics);
            restorer.listener(metrics);
        }
        main.bind("restorer", restorer);
        // The restore route's threads; each restore takes at most its job's concurrency of them.
        ExecutorService restorePool = Executors.newFixedThreadPool(ConfigLoader.restoreConcurrency(config.jobs()),
                threads("restore"));
        closeables.add(restorePool::shutdownNow);
        main.bind("strataRestorePool", restorePool);
        main.bind("verifier", new Verifier(database, storage, config));
        for (JobState job : jobs.values()) {
            ExecutorService pool = Executors.newFixedThreadPool(job.config().concurrency(), threads(job.config().name()));
            closeables.add(pool::shutdownNow);
            main.bind("strataPool-" + job.config().name(), pool);
        }
        try {
            main.start();
            httpCredentials.close();  // the management server has read the credentials file for Jolokia
            CamelContext camel = main.getCamelContext();
            for (JobState job : jobs.values()) {
                String name = job.config().name();
                camel.addRouteFromTemplate("archive-" + name, "strata-archive",
                        Map.of("job", name, "pool", "strataPool-" + name));
                if (mode == Mode.SERVICE) {
                    camel.addRouteFromTemplate("schedule-" + name, "strata-schedule",
                            Map.of("job", name, "cron", job.config().schedule().replace(' ', '+')));
                }
            }
            if (mode == Mode.SERVICE) {
                camel.addRouteFromTemplate("report-schedule", "strata-report-schedule",
                        Map.of("cron", config.report().schedule().replace(' ', '+')));
            }
        } catch (Exception e) {
            throw new StrataException(ErrorCode.BATCH_FAILED, "cannot start the routes: " + e.getMessage(), e);
        }
        if (mode == Mode.SERVICE) {
            closeables.add(Management.start(this, metrics));
        }
    }

    private boolean stopping() {
        CamelContext camel = main == null ? null : main.getCamelContext();
        return camel != null && (camel.isStopping() || camel.isStopped());
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "strata-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void logProgress(RunContext run) {
        LoggerFactory.getLogger("strata.progress").info(Progress.line(run));
    }

    public void onProgress(Consumer<RunContext> listener) {
        runner.progress(listener);
    }

    /** Runs one job once through its route and returns what happened. */
    public RunSummary archive(String job, String trigger) {
        runner.state(job);
        return request("direct:archive-" + job, null, Collections.singletonMap("strataTrigger", trigger), RunSummary.class);
    }

    /** Restores archived objects through the restore route. */
    public RestoreResult restore(RestoreRequest request) {
        return request("direct:restore", request, Map.of(), RestoreResult.class);
    }

    /** Checks the archive against the manifest through the verify route. */
    public VerifyReport verify(VerifyRequest request) {
        return request("direct:verify", request, Map.of(), VerifyReport.class);
    }

    /** Sends {@code body} to a route and returns its reply; a StrataException it throws comes back as it is. */
    private <T> T request(String uri, Object body, Map<String, Object> headers, Class<T> type) {
        ProducerTemplate template = main.getCamelContext().createProducerTemplate();
        try {
            return template.requestBodyAndHeaders(uri, body, headers, type);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof StrataException se) {
                throw se;
            }
            throw e;
        } finally {
            try {
                template.stop();
            } catch (Exception ignored) {
                // nothing to release
            }
        }
    }

    /** Builds and writes the report through its route; {@code out} overrides strata.report.out when not null. */
    public Report report(String out) {
        ProducerTemplate template = main.getCamelContext().createProducerTemplate();
        try {
            return template.requestBodyAndHeader("direct:report", null, "strataReportOut", out, Report.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof StrataException se) {
                throw se;
            }
            if (e.getCause() instanceof SdkException s3) {
                throw storage.failure("writing the report to S3", s3);
            }
            throw e;
        } finally {
            try {
                template.stop();
            } catch (Exception ignored) {
                // nothing to release
            }
        }
    }

    public StrataConfig config() {
        return config;
    }

    public Database database() {
        return database;
    }

    public S3Storage storage() {
        return storage;
    }

    public JobRunner runner() {
        return runner;
    }

    public Map<String, JobState> jobs() {
        return jobs;
    }

    public CamelContext camel() {
        return main == null ? null : main.getCamelContext();
    }

    @Override
    public void close() {
        if (main != null) {
            try {
                main.stop();
            } catch (Exception e) {
                LOG.warn("stopping Camel: {}", e.getMessage());
            }
            main = null;
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", closeables.get(i), e.getMessage());
            }
        }
        closeables.clear();
    }
}
