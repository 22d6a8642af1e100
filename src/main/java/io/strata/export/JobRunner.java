package io.strata.export;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.db.Database;
import io.strata.manifest.RunLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Begins and ends the runs of jobs: finds the due partitions, opens and closes the run log row, and
 * keeps each job to one run at a time in this process.
 */
public final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final Database database;
    private final RunLog runLog;
    private final PartitionFinder finder;
    private final Map<String, JobState> jobs;
    private volatile Consumer<RunContext> progress;
    private volatile BatchListener batches = BatchListener.NONE;

    public JobRunner(Database database, RunLog runLog, String schema, Map<String, JobState> jobs,
            Consumer<RunContext> progress) {
        this.database = database;
        this.runLog = runLog;
        this.finder = new PartitionFinder(schema);
        this.jobs = new ConcurrentHashMap<>(jobs);
        this.progress = progress;
    }

    public void progress(Consumer<RunContext> progress) {
        this.progress = progress;
    }

    /** Who else hears of each batch's result (the metrics); set before runs start. */
    public void batches(BatchListener batches) {
        this.batches = batches;
    }

    public JobState state(String job) {
        JobState s = jobs.get(job);
        if (s == null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "no job named '" + job + "' (jobs: "
                    + String.join(", ", jobs.keySet()) + ")");
        }
        return s;
    }

    /** The due partitions of a job right now, with their row counts; reads only. */
    public List<Partition> due(String job) {
        JobState s = state(job);
        try (Connection c = database.connection()) {
            return finder.find(c, s.config(), s.table(), ZonedDateTime.now(), true);
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "job '" + job + "': " + e.getMessage(), e);
        }
    }

    /** Starts a run: its partitions become the body the route splits. A paused job's run is skipped: no partitions. */
    public RunContext begin(String job, String trigger) {
        JobState s = state(job);
        if (s.paused()) {
            LOG.info("job {}: paused, {} run skipped", job, trigger == null ? "schedule" : trigger);
            return RunContext.skipped(s.config(), s.table(), trigger == null ? "schedule" : trigger);
        }
        if (!s.tryStart()) {
            throw new StrataException(ErrorCode.JOB_BUSY, "job '" + job + "' is already running in this process");
        }
        try {
            JobConfig cfg = s.config();
            List<Partition> partitions;
            try (Connection c = database.connection()) {
                partitions = finder.find(c, cfg, s.table(), ZonedDateTime.now(), false);
            }
            RunContext run = new RunContext(cfg, s.table(), trigger == null ? "schedule" : trigger, partitions,
                    r -> {
                        batches.batch(r.lastResult());
                        progress.accept(r);
                    }, s::paused);
            run.runId(runLog.open(job, run.trigger(), partitions.size()));
            s.current(run);
            LOG.info("job {}: run {} started ({}), {} partition(s) due", job, run.runId(), run.trigger(), partitions.size());
            return run;
        } catch (SQLException e) {
            s.finished(null);
            throw new StrataException(ErrorCode.DB_CONNECTION, "job '" + job + "': cannot find due partitions: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            s.finished(null);
            throw e;
        }
    }

    /** Ends a run: closes its run log row and returns its summary. */
    public RunSummary finish(RunContext run) {
        if (run.skipped()) {
            return RunSummary.paused(run.job().name());
        }
        RunSummary summary = RunSummary.of(run);
        try {
            runLog.close(run.runId(), summary.status(), summary.archived(), summary.failed(), summary.skipped(),
                    summary.rows(), summary.rawBytes(), summary.gzipBytes(),
                    summary.errors().isEmpty() ? null : String.join("\n", summary.errors()));
        } finally {
            state(run.job().name()).finished(summary);
        }
        LOG.info("job {}: run {} {}: {} archived, {} failed, {} rows in {} ms", run.job().name(), run.runId(),
                summary.status(), summary.archived(), summary.failed(), summary.rows(), summary.millis());
        return summary;
    }

    /** A run that could not begin or end: logged, and returned as a failed summary. */
    public RunSummary runFailed(String job, Exception e, RunContext run) {
        String message = e.getMessage();
        LOG.error("job {}: run failed: {}", job, message);
        if (run != null) {
            try {
                runLog.close(run.runId(), "failed", 0, 0, 0, 0, 0, 0, message);
            } catch (RuntimeException ignored) {
                // the database is what failed; the run row stays 'running' and status shows it
            }
        }
        RunSummary summary = RunSummary.failed(job, run == null ? 0 : run.runId(), run == null ? 0 : run.elapsedMs(), message);
        JobState s = jobs.get(job);
        if (s != null && run != null) {
            s.finished(summary);
        } else if (s != null && !(e instanceof StrataException se && se.code() == ErrorCode.JOB_BUSY)) {
            s.failedToStart(summary);
        }
        return summary;
    }
}
