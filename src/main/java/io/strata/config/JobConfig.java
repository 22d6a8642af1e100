package io.strata.config;

import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * One archive job: which table, which rows are due, how they are cut into objects.
 *
 * @param keepDuration rows older than this are due; null together with {@code keepPeriod} null means forever
 * @param keepPeriod   the same as a calendar period (P2M), when the operator wrote one
 * @param batch        the length of one window: divides a day evenly, or is exactly one day
 * @param acceptOnDelete foreign keys ({@code schema.table.constraint} of the referencing table) whose
 *                     ON DELETE CASCADE, SET NULL or SET DEFAULT the operator accepts: archiving may delete
 *                     or change the rows that reference archived rows
 */
public record JobConfig(
        String name,
        String schema,
        String table,
        String timestampColumn,
        String keepText,
        Duration keepDuration,
        Period keepPeriod,
        Duration batch,
        Format format,
        String schedule,
        String tenantColumn,
        boolean delete,
        boolean enabled,
        int concurrency,
        ZoneId zone,
        List<String> acceptOnDelete) {

    /** Batches archived, and objects restored, at once when the job does not say. */
    public static final int DEFAULT_CONCURRENCY = 2;

    public enum Format {
        CSV("csv"), JSONL("jsonl");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }
    }

    public boolean keepForever() {
        return keepDuration == null && keepPeriod == null;
    }

    public String qualifiedTable() {
        return schema + "." + table;
    }

    /** The moment before which rows are due, at {@code now}; null when the job keeps rows forever. */
    public ZonedDateTime dueBefore(ZonedDateTime now) {
        if (keepForever()) {
            return null;
        }
        return keepPeriod != null ? now.minus(keepPeriod) : now.minus(keepDuration);
    }
}
