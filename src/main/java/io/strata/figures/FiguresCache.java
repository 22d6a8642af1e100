package io.strata.figures;

import io.strata.export.JobState;
import java.time.Duration;
import java.time.Instant;

/**
 * One job's figures, kept for a while so that a console refreshing every attribute, or Prometheus scraping
 * every gauge, reads the database once rather than once per number. Read again when older than the reader
 * allows, and at once when the job started or ended a run in this process. A read that failed is kept as
 * long, so that a database that does not answer costs one wait, not one per number.
 */
public final class FiguresCache {

    private final Figures figures;
    private final String job;
    private final JobState state;
    private volatile Entry entry;

    /** What one read gave: the figures, or why there are none. */
    private record Entry(long nanos, Object run, boolean running, JobFigures figures, RuntimeException failure) {

        boolean fresh(Object run, boolean running, Duration maxAge) {
            return this.run == run && this.running == running && System.nanoTime() - nanos < maxAge.toNanos();
        }

        JobFigures get() {
            if (failure != null) {
                throw failure;
            }
            return figures;
        }
    }

    /** @param state the job in this process; null for a disabled job */
    public FiguresCache(Figures figures, String job, JobState state) {
        this.figures = figures;
        this.job = job;
        this.state = state;
    }

    /** The figures, read at most {@code maxAge} ago; throws what the read threw. */
    public JobFigures get(Duration maxAge) {
        Object run = state == null ? null : state.last();
        boolean running = state != null && state.running();
        Entry e = entry;
        if (e != null && e.fresh(run, running, maxAge)) {
            return e.get();
        }
        synchronized (this) {
            e = entry;
            if (e == null || !e.fresh(run, running, maxAge)) {  // else another reader has just read them
                try {
                    e = new Entry(System.nanoTime(), run, running, figures.job(job, Instant.now()), null);
                } catch (RuntimeException failure) {
                    e = new Entry(System.nanoTime(), run, running, null, failure);
                }
                entry = e;
            }
            return e.get();
        }
    }
}
