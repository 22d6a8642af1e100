package io.strata.report;

import io.strata.figures.Due;
import io.strata.figures.LastRun;
import io.strata.figures.Offloaded;
import io.strata.figures.Totals;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One report: per job and day what was archived, run and restored; per job where it stands now; the
 * alerts. The JSON file is this record as it is; the CSV and HTML files are renderings of it.
 *
 * @param from           the first day of the period (the period ends with {@code date})
 * @param previousReport the report that "freed since the last report" compares with; null for the first one
 */
public record Report(
        LocalDate date,
        Instant generatedAt,
        String version,
        String zone,
        LocalDate from,
        String previousReport,
        Instant previousReportAt,
        double pricePerGbMonth,
        List<Job> jobs,
        List<Day> days,
        List<Alert> alerts) {

    /** Days in a report's period. */
    public static final int DAYS = 14;

    /** One job on one day of the period; archives and restores count by when they happened, runs by their start. */
    public record Day(String job, LocalDate day, long objects, long rows, long rawBytes, long gzipBytes, double ratio,
            long runs, long failedRuns, long failedBatches, long restoredObjects, long restoredRows) {}

    /**
     * One job as it stands: its totals since it began, what is due, its table, its storage and its runs. The
     * figures ({@code archived}, {@code due}, {@code lastRun}, {@code lastSuccess}, {@code firstRun}) are those
     * {@code status}, JMX and the metrics show, under the same names. {@code kind} is {@code rows}, {@code bundle} (a
     * time job whose windows are bundles: {@code table} is their root) or {@code tenant} (a tenant job: {@code table} is
     * its root table, {@code keep} and {@code batch} are null).
     */
    public record Job(String job, String table, boolean enabled, String keep, String batch, String schedule,
            Totals archived, Due due, Space space, Storage storage, LastRun lastRun, Instant lastSuccess,
            Instant firstRun, Offloaded offloaded, String kind) {

        /** A job that archives windows of rows (or offloads their columns). */
        public Job(String job, String table, boolean enabled, String keep, String batch, String schedule,
                Totals archived, Due due, Space space, Storage storage, LastRun lastRun, Instant lastSuccess,
                Instant firstRun, Offloaded offloaded) {
            this(job, table, enabled, keep, batch, schedule, archived, due, space, storage, lastRun, lastSuccess,
                    firstRun, offloaded, "rows");
        }

        /** A job that archives whole tenants ({@code table} is its root; {@code archived.tenants} counts them). */
        public boolean tenant() {
            return "tenant".equals(kind);
        }
    }

    /** The table in PostgreSQL; null fields when the table is gone. */
    public record Space(Long bytes, Long freedSinceLastReport, Long liveRows, Long deadRows, Instant lastVacuum,
            String advice) {}

    public record Storage(long objects, long bytes, double monthlyCost) {}

    /** @param kind FAILED, STALE or LAG */
    public record Alert(String job, String kind, String message) {}
}
