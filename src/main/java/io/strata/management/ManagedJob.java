package io.strata.management;

import io.strata.text.Json;
import io.strata.text.Human;
import io.strata.config.JobConfig;
import io.strata.db.Database;
import io.strata.export.BatchResult;
import io.strata.commands.Strata;
import io.strata.export.JobState;
import io.strata.export.RunContext;
import io.strata.report.Report;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code strata:type=Job,name=<job>}: attributes read from the job's state and its history tables. */
final class ManagedJob implements JobMBean {

    private final JobConfig job;
    private final JobState state;
    private final Strata strata;
    private final RouteCalls calls;
    private final JobFigures figures;

    record JobReport(Report.Job job, List<Report.Day> days, List<Report.Alert> alerts) {}

    private interface Op {
        String call() throws Exception;
    }

    ManagedJob(JobConfig job, JobState state, Database database, String schema, Strata strata, RouteCalls calls) {
        this.job = job;
        this.state = state;
        this.strata = strata;
        this.calls = calls;
        this.figures = new JobFigures(job, state, database, schema);
    }

    private JobFigures.Read figures() {
        return figures.get();
    }

    @Override public String getName() { return job.name(); }
    @Override public String getTable() { return job.qualifiedTable(); }
    @Override public String getSchedule() { return job.schedule(); }
    @Override public String getKeep() { return job.keepText(); }
    @Override public boolean isEnabled() { return job.enabled() && state != null; }
    @Override public boolean isPaused() { return state != null && state.paused(); }

    @Override
    public String getState() {
        if (state != null && state.running()) {
            return "running";
        }
        Report.LastRun last = figures().lastRun();
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

    private String lastRun(java.util.function.Function<Report.LastRun, Object> f) {
        Report.LastRun last = figures().lastRun();
        Object v = last == null ? null : f.apply(last);
        return v == null ? "" : v.toString();
    }

    @Override public String getLastRunStart() { return lastRun(Report.LastRun::start); }
    @Override public String getLastRunEnd() { return lastRun(Report.LastRun::end); }
    @Override public String getLastRunResult() { return lastRun(Report.LastRun::status); }
    @Override public String getLastRunError() { return lastRun(Report.LastRun::error); }
    @Override public long getTotalObjectsArchived() { return figures().totals().objects(); }
    @Override public long getTotalRowsArchived() { return figures().totals().rows(); }
    @Override public long getTotalObjectsRestored() { return figures().totals().restoredObjects(); }
    @Override public long getTotalRowsRestored() { return figures().totals().restoredRows(); }
    @Override public long getRowsDue() { return figures().due() == null ? 0 : figures().due().rows(); }
    @Override public long getLagSeconds() { return figures().due() == null ? 0 : figures().due().lagSeconds(); }

    @Override
    public String getLag() {
        long lag = getLagSeconds();
        return (lag == 0 ? "none" : Human.span(lag) + " past keep") + " (keep " + job.keepText() + ")";
    }

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
        return guarded(() -> calls.restore(job.name(), job.zone(), from, to, tenant));
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
