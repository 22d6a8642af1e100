package io.strata.management;

import io.strata.text.Json;
import io.strata.text.Human;
import io.strata.config.JobConfig;
import io.strata.export.BatchResult;
import io.strata.commands.Strata;
import io.strata.export.JobState;
import io.strata.export.RunContext;
import io.strata.figures.Due;
import io.strata.figures.FiguresCache;
import io.strata.figures.JobFigures;
import io.strata.figures.LastRun;
import io.strata.report.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code strata:type=Job,name=<job>}: attributes read from the job's state and its history tables. */
final class ManagedJob implements JobMBean {

    static final Duration FRESH = Duration.ofSeconds(5);

    private final JobConfig job;
    private final JobState state;
    private final Strata strata;
    private final RouteCalls calls;
    private final FiguresCache figures;

    record JobReport(Report.Job job, List<Report.Day> days, List<Report.Alert> alerts) {}

    private interface Op {
        String call() throws Exception;
    }

    /** @param figures the job's figures, shared with the metrics */
    ManagedJob(JobConfig job, JobState state, FiguresCache figures, Strata strata, RouteCalls calls) {
        this.job = job;
        this.state = state;
        this.strata = strata;
        this.calls = calls;
        this.figures = figures;
    }

    /**
     * The job's figures, read at most 5 seconds ago (and at once when a run starts or ends), so that a console
     * refreshing every attribute does not query for each.
     */
    private JobFigures figures() {
        try {
            return figures.get(FRESH);
        } catch (RuntimeException e) {
            // only JDK exception types: a remote JConsole has none of Strata's classes
            throw new IllegalStateException("job " + job.name() + ": cannot read the database: " + e.getMessage());
        }
    }

    private Due due() {
        return figures().due();
    }

    @Override public String getName() { return job.name(); }
    @Override public String getTable() { return job.qualifiedTable(); }
    @Override public String getKind() { return job.kind(); }
    @Override public String getSchedule() { return job.schedule(); }
    @Override public String getKeep() { return job.keepText(); }
    @Override public boolean isEnabled() { return job.enabled() && state != null; }
    @Override public boolean isPaused() { return state != null && state.paused(); }

    @Override
    public String getState() {
        if (state != null && state.running()) {
            return "running";
        }
        LastRun last = figures().lastRun();
        return last != null && last.failed() ? "failed" : "idle";
    }

    private RunContext run() {
        return state == null ? null : state.current();
    }

    private long sum(java.util.function.ToLongFunction<BatchResult> f) {
        RunContext run = run();
        return run == null ? 0 : run.results().stream().filter(r -> r.status() == BatchResult.Status.ARCHIVED).mapToLong(f).sum();
    }

    @Override public int getPartitionsDone() { return run() == null ? 0 : run().results().size(); }
    @Override public int getPartitionsTotal() { return run() == null ? 0 : run().partitions().size(); }
    @Override public long getRunRows() { return sum(BatchResult::rows); }
    @Override public long getRunBytes() { return sum(BatchResult::rawBytes); }
    @Override public long getRunGzipBytes() { return sum(BatchResult::gzipBytes); }

    @Override
    public long getEtaSeconds() {
        RunContext run = run();
        return run == null || !state.running() || run.etaMs() < 0 ? -1 : run.etaMs() / 1000;
    }

    @Override
    public String getProgress() {
        RunContext run = run();
        if (run == null) {
            return "no run in this process yet";
        }
        long eta = getEtaSeconds();
        return String.format("%s%d/%d batches, %s rows, %s -> %s%s", state.running() ? "running: " : "last run: ",
                getPartitionsDone(), getPartitionsTotal(), Human.count(getRunRows()), Human.bytes(getRunBytes()),
                Human.bytes(getRunGzipBytes()), eta >= 0 ? ", ETA " + Human.duration(eta * 1000) : "");
    }

    private String lastRun(java.util.function.Function<LastRun, Object> f) {
        LastRun last = figures().lastRun();
        Object v = last == null ? null : f.apply(last);
        return v == null ? "" : v.toString();
    }

    @Override public String getLastRunStart() { return lastRun(LastRun::start); }
    @Override public String getLastRunEnd() { return lastRun(LastRun::end); }
    @Override public String getLastRunResult() { return lastRun(LastRun::status); }
    @Override public String getLastRunError() { return lastRun(LastRun::error); }

    @Override
    public String getLastSuccess() {
        Instant t = figures().lastSuccess();
        return t == null ? "" : t.toString();
    }

    @Override public long getTotalObjectsArchived() { return figures().archived().objects(); }
    @Override public long getTotalRowsArchived() { return figures().archived().rows(); }
    @Override public long getTotalGzipBytesArchived() { return figures().archived().gzipBytes(); }
    @Override public long getTotalObjectsRestored() { return figures().archived().restoredObjects(); }
    @Override public long getTotalRowsRestored() { return figures().archived().restoredRows(); }
    @Override public int getPartitionsDue() { return due() == null ? 0 : due().partitions(); }
    @Override public long getRowsDue() { return due() == null ? 0 : due().rows(); }

    @Override
    public String getOldestDueRow() {
        Due d = due();
        return d == null || d.oldestDueRow() == null ? "" : d.oldestDueRow().toString();
    }

    @Override public long getOldestDueAgeSeconds() { return due() == null ? 0 : due().oldestDueAgeSeconds(); }
    @Override public long getLagPastKeepSeconds() { return due() == null ? 0 : due().lagPastKeepSeconds(); }
    @Override public long getLagAllowanceSeconds() { return due() == null ? 0 : due().allowanceSeconds(); }

    @Override
    public String getOldestDueAge() {
        Due d = due();
        return d == null || d.oldestDueRow() == null ? "nothing due" : Human.span(d.oldestDueAgeSeconds())
                + " (the oldest due row, " + d.oldestDueRow() + ")";
    }

    @Override
    public String getLagPastKeep() {
        Due d = due();
        long lag = d == null ? 0 : d.lagPastKeepSeconds();
        return (lag == 0 ? "none" : Human.span(lag) + " past keep") + " (keep " + job.keepText()
                + (d == null ? "" : ", allowed " + Human.span(d.allowanceSeconds())) + ")";
    }

    @Override public long getLagSeconds() { return getLagPastKeepSeconds(); }
    @Override public String getLag() { return getLagPastKeep(); }

    @Override
    public String runNow() {
        return guarded(() -> {
            if (state.paused()) {
                return "job " + job.name() + " is paused; resume() it first (its schedule skips it too)";
            }
            if (state.running()) {
                return "JOB_BUSY: job " + job.name() + " is already running: " + getProgress();
            }
            var future = calls.archive(job.name());
            try {
                return Json.pretty(future.get(1, TimeUnit.SECONDS));
            } catch (TimeoutException e) {
                return "run of job " + job.name() + " started; follow State and Progress";
            }
        });
    }

    @Override
    public String dryRun() {
        return guarded(() -> Json.pretty(strata.dryRun(job.name())));
    }

    @Override
    public String pause() {
        return guarded(() -> {
            state.paused(true);
            return "job " + job.name() + " paused: " + (state.running() ? "the batches in flight finish, the rest of this"
                    + " run does not start; " : "") + "scheduled runs are skipped until resume()";
        });
    }

    @Override
    public String resume() {
        return guarded(() -> {
            boolean was = state.paused();
            state.paused(false);
            return "job " + job.name() + (was ? " resumed: its next scheduled run (or runNow) archives again" : " was not paused");
        });
    }

    @Override
    public String restore(String from, String to, String tenant) {
        return guarded(() -> job.bundles() ? calls.restoreWindows(job.name(), job.zone(), from, to, tenant)
                : calls.restore(job.name(), job.zone(), from, to, tenant));
    }

    @Override
    public String verify(String from, String to) {
        return guarded(() -> calls.verify(job.name(), job.zone(), from, to));
    }

    @Override
    public String report() {
        return guarded(() -> {
            Report r = calls.report();
            return Json.pretty(new JobReport(r.jobs().stream().filter(j -> j.job().equals(job.name())).findFirst().orElse(null),
                    r.days().stream().filter(d -> d.job().equals(job.name())).toList(),
                    r.alerts().stream().filter(a -> a.job().equals(job.name())).toList()));
        });
    }

    /** Runs an operation; failures come back as a line of text (a remote JConsole cannot load Strata's exceptions). */
    private String guarded(Op op) {
        if (state == null) {
            return "job " + job.name() + " is disabled (enabled: false in the config); it has no runs to steer";
        }
        try {
            return op.call();
        } catch (Exception e) {
            Throwable cause = e instanceof org.apache.camel.CamelExecutionException && e.getCause() != null ? e.getCause() : e;
            return "failed: " + cause.getMessage();
        }
    }
}
