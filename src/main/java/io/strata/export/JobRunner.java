package io.strata.export;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.manifest.RunLog;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Begins and ends the runs of jobs: finds the due partitions, opens and closes the run log row, and
 * keeps each job to one run at a time in this process.
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

    /** Starts a run: its partitions become the body the route splits. A paused job's run is skipped: no partitions. */
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
            run.runId(runLog.open(job, run.trigger(), partitions.size()));
            s.current(run);
            LOG.info("job {}: run {} started ({}), {} partition(s) due", job, run.runId(), run.trigger(), partitions.size());
            return run;
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
            jobs.get(run.job().name()).finished(summary);
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
        JobState s = jobs.has(job) ? jobs.get(job) : null;
        if (s != null && run != null) {
            s.finished(summary);
        } else if (s != null && !(e instanceof StrataException se && se.code() == ErrorCode.JOB_BUSY)) {
            s.failedToStart(summary);
        }
        return summary;
    }
}
