package io.strata.app;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.commands.Routes;
import io.strata.commands.Strata;
import io.strata.commands.StrataReader;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.export.DuePartitions;
import io.strata.export.JobRunner;
import io.strata.export.Jobs;
import io.strata.export.Progress;
import io.strata.export.RunContext;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.lookup.ObjectCache;
import io.strata.lookup.RowLookup;
import io.strata.management.Management;
import io.strata.management.StrataMetrics;
import io.strata.manifest.RunLog;
import io.strata.manifest.SchemaInstaller;
import io.strata.storage.Durability;
import io.strata.storage.EmbeddedS3;
import io.strata.storage.S3Storage;
import io.strata.storage.TempFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import io.strata.config.JobConfig;
import io.strata.config.TenantJobConfig;
import io.strata.kinds.tenant.TenantPlan;
import io.strata.kinds.tenant.TenantRunner;
import io.strata.kinds.tenant.TenantSchedule;
import io.strata.kinds.tenant.TenantSteps;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strata started and stopped: the database pool and the jobs checked against their tables, Strata's
 * schema, S3 (and the embedded server), the temp directory, Camel with the routes, and for the service
 * the operators' console. One-shot commands and the service each start one and close it when done. Over 300 lines:
 * the order in which these start (and close in reverse) is the class's point, and it reads best whole.
 */
public final class Instance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Instance.class);

    /** What runs. */
    public enum Mode {
        /** The long-lived service: schedules fire, the console listens. */
        SERVICE,
        /** A one-shot command: the routes run when a command sends to them. */
        COMMAND
    }

    private final StrataConfig config;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Main main;
    private Database database;
    private S3Storage storage;
    private JobRunner runner;
    private Strata strata;
    private TenantRunner tenantRunner;
    /** The tenant jobs' databases by name ({@code main} included). */
    private Map<String, Database> tenantDatabases = Map.of();
    /** The other databases of strata.databases that a tenant restore opened. */
    private final Map<String, Database> restoreDatabases = new java.util.HashMap<>();
    private volatile boolean stopRequested;

    private Instance(StrataConfig config) {
        this.config = config;
    }

    /** Starts what the commands that write, and the service, need. */
    public static Instance start(StrataConfig config, Mode mode) {
        Instance instance = new Instance(config);
        try {
            instance.doStart(mode);
            return instance;
        } catch (RuntimeException e) {
            instance.close();
            throw e;
        }
    }

    /**
     * Plans the bundles of the time jobs with {@code tables:} among {@code jobs} against their databases, as a start
     * does (an unknown table, a {@code where} that does not prepare, a cycle: CONFIG_INVALID), and closes what it
     * opened: for a dry run, which must refuse what a run would.
     */
    public static void planBundles(StrataConfig config, java.util.List<String> jobs) {
        java.util.List<JobConfig> bundled = config.enabledJobs().stream()
                .filter(j -> j.bundles() && jobs.contains(j.name())).toList();
        if (bundled.isEmpty()) {
            return;
        }
        Instance instance = new Instance(config);
        try {
            instance.database = Database.open(config.database());
            instance.closeables.add(instance.database);
            Map<String, Database> databases = new LinkedHashMap<>();
            databases.put(TenantJobConfig.MAIN, instance.database);
            for (JobConfig job : bundled) {
                instance.open(job.tables(), databases);
                TenantPlan.of(config.source().toString(), job, databases);
            }
        } finally {
            instance.close();
        }
    }

    /** Opens what the commands that only read need: the database and the jobs' tables; nothing is created. */
    public static Reading read(StrataConfig config) {
        Database database = Database.open(config.database());
        try {
            Jobs jobs = Jobs.inspect(config, database);
            return new Reading(new StrataReader(config, database, jobs, new DuePartitions(database, jobs, config.schema())),
                    database);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** The read-only commands, and the database they hold open until closed. */
    public record Reading(StrataReader strata, Database database) implements AutoCloseable {
        @Override
        public void close() {
            database.close();
        }
    }

    private void doStart(Mode mode) {
        database = Database.open(config.database());
        closeables.add(database);
        Jobs jobs = Jobs.inspect(config, database);
        String installation = new SchemaInstaller(database, config.schema()).install();
        storage = startStorage();
        prepareTempDir();
        DuePartitions due = new DuePartitions(database, jobs, config.schema());
        runner = new JobRunner(new RunLog(database, config.schema()), due, jobs, Instance::logProgress);
        // The service counts what it archives and restores for Prometheus (README: Metrics for Prometheus).
        StrataMetrics metrics = mode == Mode.SERVICE
                ? new StrataMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), jobs.asMap().keySet()) : null;
        TenantSteps tenantSteps = tenants(installation);
        main = new Wiring(config, mode, closeables, this::database).start(database, storage, jobs, runner, installation,
                this::stopping, metrics, tenantSteps, new TenantSchedule(tenantRunner));
        Routes routes = new Routes(main.getCamelContext(), storage);
        closeables.add(routes);
        // The service keeps the objects it read for GET /strata/jobs/{job}/rows/{key}; a command keeps none.
        ObjectCache rowCache = null;
        if (mode == Mode.SERVICE) {
            rowCache = new ObjectCache(config.management().rowCache());
            closeables.add(rowCache);
        }
        strata = new Strata(config, database, jobs, due, routes,
                new RowLookup(database, storage, config.schema(), config.tempDir(), rowCache), tenantRunner);
        if (mode == Mode.SERVICE) {
            closeables.add(Management.start(strata, database, storage, main.getCamelContext(), metrics));
        }
    }

    /**
     * The tenant jobs: their other databases opened, each job's bundle planned against the catalogs (a table no key
     * or where reaches, a where that does not prepare, a cycle: CONFIG_INVALID here, before anything runs).
     */
    private TenantSteps tenants(String installation) {
        Map<String, Database> databases = new LinkedHashMap<>();
        databases.put(TenantJobConfig.MAIN, database);
        Map<String, TenantPlan> plans = new LinkedHashMap<>();
        for (TenantJobConfig job : config.tenantJobs()) {
            if (!job.enabled()) {
                continue;
            }
            open(job.tables(), databases);
            plans.put(job.name(), TenantPlan.of(config.source().toString(), job, databases));
        }
        // Time jobs with tables: each window a bundle, planned as a tenant job's is.
        Map<String, TenantPlan> all = new LinkedHashMap<>(plans);
        for (JobConfig job : config.enabledJobs()) {
            if (job.bundles()) {
                open(job.tables(), databases);
                all.put(job.name(), TenantPlan.of(config.source().toString(), job, databases));
            }
        }
        TenantSteps steps = new TenantSteps(databases, storage, all, config.schema(), config.s3().prefix(),
                config.tempDir(), config.gzipLevel(), installation, this::stopping);
        tenantRunner = new TenantRunner(databases, plans, steps.pending(), config.schema());
        tenantDatabases = databases;
        return steps;
    }

    /** Opens the databases {@code tables} name that are not open yet. */
    private void open(java.util.List<TenantJobConfig.Extra> tables, Map<String, Database> databases) {
        for (TenantJobConfig.Extra e : tables) {
            if (!databases.containsKey(e.database())) {
                Database other = Database.open(config.databases().get(e.database()));
                closeables.add(other);
                databases.put(e.database(), other);
            }
        }
    }

    /**
     * The database of this name in strata.databases ({@code main}: strata.database): the tenant jobs' pool, or one
     * opened on first use (a restore of a bundle whose job is gone from the file); null when the file names none.
     */
    private Database database(String name) {
        Database d = tenantDatabases.get(name);
        if (d != null) {
            return d;
        }
        StrataConfig.DatabaseConfig db = config.databases().get(name);
        if (db == null) {
            return null;
        }
        synchronized (restoreDatabases) {
            return restoreDatabases.computeIfAbsent(name, n -> {
                Database opened = Database.open(db);
                closeables.add(opened);
                return opened;
            });
        }
    }

    private S3Storage startStorage() {
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
        S3Storage storage = S3Storage.connect(s3, endpoint, accessKey, secretKey,
                s3.embedded() ? Durability.files(s3.embeddedDir()) : Durability.REMOTE);
        closeables.add(storage);
        storage.checkBucket();
        return storage;
    }

    /** Creates the temp directory and removes the temp files of processes that are gone (killed mid-batch). */
    private void prepareTempDir() {
        try {
            TempFiles.prepare(config.tempDir());
        } catch (IOException e) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, config.source() + ": strata.tempDir " + config.tempDir()
                    + " cannot be used: " + e.getMessage(), e);
        }
    }

    private static void logProgress(RunContext run) {
        LoggerFactory.getLogger("strata.progress").info(Progress.line(run));
    }

    /** The commands. */
    public Strata strata() {
        return strata;
    }

    /** Tells {@code listener} of every batch that ends (in place of the progress log line). */
    public void onProgress(Consumer<RunContext> listener) {
        runner.progress(listener);
    }

    public Database database() {
        return database;
    }

    public S3Storage storage() {
        return storage;
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    /**
     * Asks the batches to stop (SIGTERM): from now on no batch starts, and the remaining partitions of a
     * run end "not started"; a batch in flight goes on to its commit or rollback.
     */
    public void requestStop() {
        stopRequested = true;
    }

    private boolean stopping() {
        if (stopRequested) {
            return true;
        }
        CamelContext camel = main == null ? null : main.getCamelContext();
        return camel != null && (camel.isStopping() || camel.isStopped());
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
