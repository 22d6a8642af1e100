package io.strata.export;

import io.strata.Tally;
import io.strata.config.JobConfig;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One run of one job, shared by its batches (which may run in parallel): the run log row it writes
 * to, the partitions it found, and what each batch became.
 */
public final class RunContext {

    private final JobConfig job;
    private final TableInfo table;
    private final String trigger;
    private final List<Partition> partitions;
    private final Tally<BatchResult> tally;
    private final Consumer<RunContext> onBatch;
    private final BooleanSupplier paused;
    private long runId;
    private boolean skipped;

    public RunContext(JobConfig job, TableInfo table, String trigger, List<Partition> partitions,
            Consumer<RunContext> onBatch, BooleanSupplier paused) {
        this.job = job;
        this.table = table;
        this.trigger = trigger;
        this.partitions = List.copyOf(partitions);
        this.tally = new Tally<>(this.partitions.size());
        this.onBatch = onBatch;
        this.paused = paused;
    }

    /** A run that does not happen because its job is paused: no partitions, no run log row. */
    static RunContext skipped(JobConfig job, TableInfo table, String trigger) {
        RunContext run = new RunContext(job, table, trigger, List.of(), r -> {}, () -> true);
        run.skipped = true;
        return run;
    }

    public boolean skipped() {
        return skipped;
    }

    public JobConfig job() {
        return job;
    }

    public TableInfo table() {
        return table;
    }

    public String trigger() {
        return trigger;
    }

    public List<Partition> partitions() {
        return partitions;
    }

    public long runId() {
        return runId;
    }

    void runId(long id) {
        this.runId = id;
    }

    public boolean paused() {
        return paused.getAsBoolean();
    }

    /** Adds a batch's result and reports it; one at a time, so that each progress line is its own batch's. */
    public synchronized void add(BatchResult result) {
        tally.add(result);
        onBatch.accept(this);
    }

    public List<BatchResult> results() {
        return tally.results();
    }

    public BatchResult lastResult() {
        return tally.last();
    }

    public long elapsedMs() {
        return tally.elapsedMs();
    }

    /** Milliseconds until the remaining partitions are done at the pace so far; -1 before the first one. */
    public long etaMs() {
        return tally.etaMs();
    }
}
