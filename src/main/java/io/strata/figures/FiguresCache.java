package io.strata.figures;

import io.strata.export.JobState;
import java.time.Duration;
import java.time.Instant;

/**
 * One job's figures, kept for a while so that a console refreshing every attribute, or Prometheus scraping
 * every gauge, reads the database once rather than once per number. Read again when older than the reader
 * allows, and at once when the job started or ended a run in this process.
 */
public final class FiguresCache {

    private final Figures figures;
    private final String job;
    private final JobState state;
    private volatile Entry entry;

    private record Entry(long nanos, Object run, boolean running, JobFigures figures) {}

    /** @param state the job in this process; null for a disabled job */
    public FiguresCache(Figures figures, String job, JobState state) {
        this.figures = figures;
        this.job = job;
        this.state = state;
    }

    /** The figures, read at most {@code maxAge} ago. */
    public JobFigures get(Duration maxAge) {
        Entry e = entry;
        Object run = state == null ? null : state.last();
        boolean running = state != null && state.running();
        if (e != null && e.run() == run && e.running() == running && System.nanoTime() - e.nanos() < maxAge.toNanos()) {
            return e.figures();
        }
        synchronized (this) {
            e = entry;
            if (e != null && e.run() == run && e.running() == running && System.nanoTime() - e.nanos() < maxAge.toNanos()) {
                return e.figures();  // another reader has just read them
            }
            JobFigures read = figures.job(job, Instant.now());
            entry = new Entry(System.nanoTime(), run, running, read);
            return read;
        }
    }
}
