package io.strata;

import java.util.ArrayList;
import java.util.List;

/**
 * The results of a piece of work done in steps (a run's batches, a restore's objects), added from
 * several threads, with the elapsed time and an ETA at the pace so far.
 */
public final class Tally<T> {

    private final List<T> results = new ArrayList<>();
    private final long startedNanos = System.nanoTime();
    private final int total;

    public Tally(int total) {
        this.total = total;
    }

    public synchronized void add(T result) {
        results.add(result);
    }

    public synchronized List<T> results() {
        return List.copyOf(results);
    }

    public synchronized T last() {
        return results.isEmpty() ? null : results.get(results.size() - 1);
    }

    public synchronized int done() {
        return results.size();
    }

    public long elapsedMs() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** Milliseconds until all {@code total} steps are done at the pace so far; -1 before the first one. */
    public long etaMs() {
        int done = done();
        return done == 0 ? -1 : elapsedMs() * (total - done) / done;
    }
}
