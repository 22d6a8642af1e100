package io.strata.status;

import io.strata.figures.Due;
import io.strata.figures.LastRun;
import io.strata.figures.Offloaded;
import io.strata.figures.Totals;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * One job as {@code status} shows it: its config, and its figures under the names the report, JMX and the metrics
 * give them ({@link io.strata.figures.JobFigures}). Values that cannot be known are null: what is due, for a job
 * that is disabled (its table is not inspected); the last run, for a job that never ran.
 *
 * @param due         what a run would archive now, the age of the oldest due row and its lag past keep
 * @param archived    the manifest's totals: objects (restored or not), rows, bytes, and how many were restored
 * @param failures24h batches that failed, and runs that failed before any batch, in the last 24 hours
 * @param nextRun     when the schedule fires next (in the service), null for a disabled job
 * @param offloaded   for a job that offloads columns, what the offloaded values took in its table; else null
 * @param kind        {@code rows} for a job that archives windows of rows (or offloads columns), {@code tenant} for one
 *                    that archives whole tenants ({@code table} is its root table; {@code archived.tenants} counts them)
 */
public record JobStatus(
        String job,
        String table,
        boolean enabled,
        String keep,
        Due due,
        Totals archived,
        LastRun lastRun,
        Instant lastSuccess,
        long failures24h,
        OffsetDateTime nextRun,
        Offloaded offloaded,
        String kind) {

    public boolean tenant() {
        return "tenant".equals(kind);
    }
}
