package io.strata.management;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.export.BatchListener;
import io.strata.export.BatchResult;
import io.strata.figures.Due;
import io.strata.figures.FiguresCache;
import io.strata.figures.JobFigures;
import io.strata.figures.LastRun;
import io.strata.figures.Schedule;
import io.strata.restore.RestoreListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strata's own metrics, on the Micrometer registry that Camel's route metrics use and {@code /observe/metrics}
 * serves. Counters count what this process did, as batches and restored objects commit; gauges read the job's
 * figures (the ones status, the report and JMX show), at most {@link #FRESH} old, so that Prometheus scraping
 * every 15 seconds reads the database once per job and half minute. Every series has the label {@code job_name}
 * (Prometheus keeps {@code job} for the scrape job). README "Metrics for Prometheus" lists them.
 */
public final class StrataMetrics implements BatchListener, RestoreListener {

    static final Duration FRESH = Duration.ofSeconds(30);
    static final String JOB = "job_name";

    private static final Logger LOG = LoggerFactory.getLogger(StrataMetrics.class);

    private final MeterRegistry registry;
    private volatile long lastWarning = System.nanoTime() - Duration.ofMinutes(2).toNanos();

    /** @param jobs the enabled jobs: their counters start at 0, so that increase() sees their first batch */
    public StrataMetrics(MeterRegistry registry, Collection<String> jobs) {
        this.registry = registry;
        for (String job : jobs) {
            rowsArchived(job);
            bytesArchived(job);
            rowsRestored(job);
            bytesRestored(job);
            for (BatchResult.Status s : BatchResult.Status.values()) {
                batches(job, s);
            }
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void batch(BatchResult r) {
        batches(r.job(), r.status()).increment();
        if (r.status() == BatchResult.Status.ARCHIVED) {
            rowsArchived(r.job()).increment(r.rows());
            bytesArchived(r.job()).increment(r.gzipBytes());
        }
    }

    @Override
    public void restored(String job, long rows, long gzipBytes) {
        rowsRestored(job).increment(rows);
        bytesRestored(job).increment(gzipBytes);
    }

    private Counter rowsArchived(String job) {
        return counter("strata.rows.archived", job, "Rows archived by this process (committed batches)");
    }

    private Counter bytesArchived(String job) {
        return counter("strata.bytes.archived", job, "Bytes after gzip that this process archived to S3 (committed batches)");
    }

    private Counter rowsRestored(String job) {
        return counter("strata.rows.restored", job, "Rows this process restored, into the job's table or --into another");
    }

    private Counter bytesRestored(String job) {
        return counter("strata.bytes.restored", job, "Bytes (gzipped objects) this process restored");
    }

    private Counter batches(String job, BatchResult.Status status) {
        return Counter.builder("strata.batches").tag(JOB, job).tag("result", status.name().toLowerCase(Locale.ROOT))
                .description("Batches of this process by result: archived, empty, locked (another instance has it),"
                        + " not_started (paused or stopping), failed (rolled back)")
                .register(registry);
    }

    private Counter counter(String name, String job, String description) {
        return Counter.builder(name).tag(JOB, job).description(description).register(registry);
    }

    /** The gauges of one enabled job, read from its figures. */
    public void gauges(String job, String schedule, FiguresCache figures) {
        gauge("strata.partitions.due", job, figures, "Partitions a run would archive now", f -> due(f).partitions());
        gauge("strata.rows.due", job, figures, "Rows a run would archive now", f -> due(f).rows());
        gauge("strata.rows.due.referenced", job, figures, "Of the rows due, those other tables' rows reference"
                + " (ON DELETE NO ACTION or RESTRICT): a run leaves them", f -> due(f).kept() == null ? 0 : due(f).kept().rows());
        gauge("strata.oldest.due.age.seconds", job, figures, "Oldest due age: how old the oldest due row is (0 when"
                + " nothing is due)", f -> due(f).oldestDueAgeSeconds());
        gauge("strata.lag.past.keep.seconds", job, figures, "Lag past keep: how far the oldest due row is past keep"
                + " (0 when nothing is due)", f -> due(f).lagPastKeepSeconds());
        gauge("strata.lag.allowance.seconds", job, figures, "The lag past keep a job on schedule may show: one batch"
                + " plus one schedule interval", f -> due(f).allowanceSeconds());
        gauge("strata.s3.objects", job, figures, "Objects S3 holds for the job, per the manifest (restored ones"
                + " included; sidecars aside)", f -> f.archived().objects());
        gauge("strata.s3.bytes", job, figures, "Bytes S3 holds for the job, per the manifest (gzipped objects;"
                + " sidecars aside)", f -> f.archived().gzipBytes());
        gauge("strata.last.run.timestamp.seconds", job, figures, "When the job's latest run (of any instance) started,"
                + " Unix time; 0 when it never ran", f -> seconds(f.lastRun() == null ? null : f.lastRun().start()));
        gauge("strata.last.run.duration.seconds", job, figures, "How long the latest run took (so far, while it"
                + " runs); 0 when it never ran", StrataMetrics::duration);
        gauge("strata.last.run.failed", job, figures, "1 when the latest run failed or partly failed, else 0",
                f -> f.lastRun() != null && f.lastRun().failed() ? 1 : 0);
        gauge("strata.last.success.timestamp.seconds", job, figures, "When the latest run that succeeded ended, Unix"
                + " time; 0 when none did", f -> seconds(f.lastSuccess()));
        gauge("strata.first.run.timestamp.seconds", job, figures, "When the job's first run started, Unix time; 0 when"
                + " it never ran (the stale alert counts from it when no run ever succeeded)", f -> seconds(f.firstRun()));
        Gauge.builder("strata.schedule.interval.seconds", () -> Schedule.interval(schedule, Instant.now()).toSeconds())
                .tag(JOB, job).description("The time between two runs on the job's schedule").register(registry);
    }

    private void gauge(String name, String job, FiguresCache figures, String description, ToDoubleFunction<JobFigures> value) {
        Gauge.builder(name, figures, c -> read(c, job, value)).tag(JOB, job).description(description)
                .strongReference(true).register(registry);
    }

    /** A scrape never fails for the database: the figure is then NaN, and the log says why, at most once a minute. */
    private double read(FiguresCache figures, String job, ToDoubleFunction<JobFigures> value) {
        try {
            return value.applyAsDouble(figures.get(FRESH));
        } catch (RuntimeException e) {
            long now = System.nanoTime();
            if (now - lastWarning > Duration.ofMinutes(1).toNanos()) {
                lastWarning = now;
                LOG.warn("metrics: job {}: cannot read its figures: {}", job, e.getMessage());
            }
            return Double.NaN;
        }
    }

    /** What is due; a disabled job's or an unknown one's counts as nothing. */
    private static Due due(JobFigures f) {
        return f.due() != null ? f.due() : new Due(0, 0, null, 0, 0, 0, 0, null);
    }

    private static double seconds(Instant t) {
        return t == null ? 0 : t.toEpochMilli() / 1000.0;
    }

    private static double duration(JobFigures f) {
        LastRun last = f.lastRun();
        if (last == null) {
            return 0;
        }
        return last.millis() != null ? last.millis() / 1000.0 : Duration.between(last.start(), f.at()).toMillis() / 1000.0;
    }
}
