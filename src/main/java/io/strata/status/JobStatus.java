package io.strata.status;

import io.strata.export.References;
import java.time.OffsetDateTime;

/**
 * One job as {@code status} shows it. Values that cannot be known are null: what is due, for a job that
 * is disabled (its table is not inspected); the last run, for a job that never ran.
 *
 * @param oldestDue       the timestamp of the oldest row that is due, null when none is
 * @param lagSeconds      that row's age: how far the archive is behind
 * @param objects         objects in the manifest, restored or not; {@code rows} and {@code gzipBytes} are theirs
 * @param restoredObjects of those, the ones restored into the job's table
 * @param failures24h     batches that failed, and runs that failed before any batch, in the last 24 hours
 * @param nextRun         when the schedule fires next (in the service), null for a disabled job
 * @param kept            of the due rows, those a run leaves in the table because other rows reference them (ON DELETE
 *                        NO ACTION or RESTRICT), by each such reference; null when no such reference holds the table
 */
public record JobStatus(
        String job,
        String table,
        boolean enabled,
        String keep,
        Integer duePartitions,
        Long dueRows,
        OffsetDateTime oldestDue,
        Long lagSeconds,
        long objects,
        long rows,
        long gzipBytes,
        long restoredObjects,
        OffsetDateTime lastRun,
        String lastResult,
        Long lastRunMillis,
        long failures24h,
        OffsetDateTime nextRun,
        References.Kept kept) {}
