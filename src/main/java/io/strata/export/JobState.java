package io.strata.export;

import io.strata.config.JobConfig;
import java.util.concurrent.atomic.AtomicBoolean;

/** A job as this process knows it: its config and table, whether it is paused or running, its last run. */
public final class JobState {

    private final JobConfig config;
    private final TableInfo table;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean paused;
    private volatile RunContext current;
    private volatile RunSummary last;

    public JobState(JobConfig config, TableInfo table) {
        this.config = config;
        this.table = table;
    }

    public JobConfig config() {
        return config;
    }

    public TableInfo table() {
        return table;
    }

    public boolean paused() {
        return paused;
    }

    public void paused(boolean paused) {
        this.paused = paused;
    }

    public boolean running() {
        return running.get();
    }

    boolean tryStart() {
        return running.compareAndSet(false, true);
    }

    void current(RunContext run) {
        this.current = run;
    }

    /** The run in progress, or the last one (its results stay readable), or null. */
    public RunContext current() {
        return current;
    }

    void finished(RunSummary summary) {
        if (summary != null) {
            last = summary;
        }
        running.set(false);
    }

    void failedToStart(RunSummary summary) {
        last = summary;
    }

    public RunSummary last() {
        return last;
    }
}
