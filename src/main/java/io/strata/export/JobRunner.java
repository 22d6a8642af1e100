package io.strata.export;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.manifest.RunLog;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Begins and ends the runs of jobs: finds the due partitions, gives the archive route the run log row's
 * values (the route writes them with routes/sql/run-open.sql and run-close.sql), and keeps each job to one
 * run at a time in this process.
 */
public final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final RunLog runLog;
    private final DuePartitions due;
    private final Jobs jobs;
    private volatile Consumer<RunContext> progress;
    private volatile BatchListener batches = BatchListener.NONE;

    public JobRunner(RunLog runLog, DuePartitions due, Jobs jobs, Consumer<RunContext> progress) {
        this.runLog = runLog;
        this.due = due;
        this.jobs = jobs;
        this.progress = progress;
    }

    public void progress(Consumer<RunContext> progress) {
        this.progress = progress;
    }

    /** Who else hears of each batch's result (the metrics); set before runs start. */
    public void batches(BatchListener batches) {
        this.batches = batches;
    }

    /**
     * Starts a run: its partitions become the body the route splits, once the route has opened its run log
     * row ({@link #runRow}, then {@link #opened}). A paused job's run is skipped: no partitions, no row.
     */
    public RunContext begin(String job, String trigger) {
        JobState s = jobs.get(job);
        if (s.paused()) {
            LOG.info("job {}: paused, {} run skipped", job, trigger == null ? "schedule" : trigger);
            return RunContext.skipped(s.config(), s.table(), trigger == null ? "schedule" : trigger);
        }
        if (!s.tryStart()) {
            throw new StrataException(ErrorCode.JOB_BUSY, "job '" + job + "' is already running in this process");
        }
        try {
            JobConfig cfg = s.config();
            for (long abandoned : runLog.closeAbandoned(job)) {
                LOG.warn("job {}: run {} was left running by a process of this host that has ended; closed as failed",
                        job, abandoned);
            }
            List<Partition> partitions = due.find(job, ZonedDateTime.now(), false);
            RunContext run = new RunContext(cfg, s.table(), trigger == null ? "schedule" : trigger, partitions,
                    r -> {
                        batches.batch(r.lastResult());
                        progress.accept(r);
                    }, s::paused);
            s.current(run);
            return run;
        } catch (RuntimeException e) {
            s.finished(null);
            throw e;
        }
    }

    /** The parameters of routes/sql/run-open.sql for this run. */
    public Map<String, Object> runRow(RunContext run) {
        return Map.of("job", run.job().name(), "instance", RunLog.INSTANCE, "trigger", run.trigger(),
                "partitions", run.partitions().size());
    }

    /** The run log row is open: {@code id} is its id (what run-open.sql returned). Gives the run back. */
    public RunContext opened(RunContext run, long id) {
        run.runId(id);
        LOG.info("job {}: run {} started ({}), {} partition(s) due", run.job().name(), run.runId(), run.trigger(),
                run.partitions().size());
        return run;
    }

    /** The run's summary, once its batches have ended; the route closes its run log row with {@link #closeRow}. */
    public RunSummary finish(RunContext run) {
        return run.skipped() ? RunSummary.paused(run.job().name()) : RunSummary.of(run);
    }

    /** The parameters of routes/sql/run-close.sql for this run and its summary. */
    public Map<String, Object> closeRow(RunContext run, RunSummary summary) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", run.runId());
        row.put("status", summary.status());
        row.put("done", summary.archived());
        row.put("failed", summary.failed());
        row.put("skipped", summary.skipped());
        row.put("rows", summary.rows());
        row.put("rawBytes", summary.rawBytes());
        row.put("gzipBytes", summary.gzipBytes());
        row.put("error", summary.errors().isEmpty() ? null : String.join("\n", summary.errors()));
        return row;
    }

    /** The run log row is closed: the job may run again. Returns the summary, the route's answer. */
    public RunSummary closed(RunContext run, RunSummary summary) {
        if (run.skipped()) {
            return summary;
        }
        jobs.get(run.job().name()).finished(summary);
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
                runLog.failed(run.runId(), message);
            } catch (RuntimeException ignored) {
                // the database is what failed; the run row stays 'running' and status shows it
            }
        }
        RunSummary summary = RunSummary.failed(job, run == null ? 0 : run.runId(), run == null ? 0 : run.elapsedMs(), message);
        JobState s = jobs.has(job) ? jobs.get(job) : null;
        if (s != null && run != null) {
            s.finished(summary);
        } else if (s != null && !(e instanceof StrataException se && se.code() == ErrorCode.JOB_BUSY)) {
            s.failedToStart(summary);
        }
        return summary;
    }
}
