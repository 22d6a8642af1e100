package io.strata.figures;

import java.time.Instant;

/**
 * The job's latest run in the run table (of any instance), finished or not: the one that started last,
 * and of two that started at the same instant, the one recorded last.
 *
 * @param failedBatches batches that failed and rolled back
 * @param millis        how long it took; null while it runs
 */
public record LastRun(long id, String trigger, Instant start, Instant end, String status, int partitions,
        int failedBatches, long rows, String error, Long millis) {

    /** Failed or partly failed: what the report's FAILED alert and the metric strata_last_run_failed say. */
    public boolean failed() {
        return "failed".equals(status) || "partial".equals(status);
    }
}
