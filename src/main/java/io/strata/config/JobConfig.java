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
 * @param batch        the length of one window: divides a day evenly, or is one day, or a calendar week or month
 * @param acceptOnDelete foreign keys ({@code schema.table.constraint} of the referencing table) whose
 *                     ON DELETE CASCADE, SET NULL or SET DEFAULT the operator accepts: archiving may delete
 *                     or change the rows that reference archived rows
 * @param timestampUnit what the values of an integer {@code timestampColumn} count (epoch seconds or milliseconds);
 *                     null for timestamp and timestamptz columns
 * @param offload      the columns that move to S3 while the rows stay; null for a job that archives whole rows
 * @param key          the column that identifies a row in the archive ({@code key:}), for {@code get}; null: the
 *                     table's primary key when it has one column
 * @param tables       with {@code tables:}, each window's object is a bundle of the window's rows and every row that
 *                     depends on them (foreign keys, and these tables): as a tenant job's, in windows; null without
 * @param testRestore  for bundles: load each into scratch tables and compare before anything is deleted
 * @param at           where the job is in its file ({@code strata.jobs[2]}), for messages
 */
public record JobConfig(
        String name,
        String schema,
        String table,
        String timestampColumn,
        String keepText,
        Duration keepDuration,
        Period keepPeriod,
        WindowSize batch,
        Format format,
        String schedule,
        String tenantColumn,
        boolean delete,
        boolean enabled,
        int concurrency,
        ZoneId zone,
        List<String> acceptOnDelete,
        TimestampUnit timestampUnit,
        OffloadConfig offload,
        String key,
        List<TenantJobConfig.Extra> tables,
        boolean testRestore,
        String at) {

    /** Batches archived, and objects restored, at once when the job does not say. */
    public static final int DEFAULT_CONCURRENCY = 2;

    /**
     * The formats of archive objects. Each has a version, recorded with every object (manifest and sidecar), so
     * that a reader knows how an object was written: objects from before versions were recorded are version 1.
     * JSONL version 2 keeps JSON null apart from SQL NULL (docs/archive.md, "JSONL").
     */
    public enum Format {
        CSV("csv", 1), JSONL("jsonl", 2);

        private final String extension;
        private final int version;

        Format(String extension, int version) {
            this.extension = extension;
            this.version = version;
        }

        public String extension() {
            return extension;
        }

        /** The version of the format this Strata writes, and the newest it reads. */
        public int version() {
            return version;
        }

        public static Format of(String extension) {
            for (Format f : values()) {
                if (f.extension.equals(extension)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("no format " + extension);
        }
    }

    /**
     * The column that {@code get} looks rows up by and whose range each object's manifest row records, as the job
     * names it; null when it names none (then the table's one-column primary key, if any, found at start-up).
     */
    public String lookupKey() {
        return key != null ? key : offload != null ? offload.key() : null;
    }

    public boolean keepForever() {
        return keepDuration == null && keepPeriod == null;
    }

    /** True when the job offloads columns (the rows stay) rather than archiving whole rows. */
    public boolean offloads() {
        return offload != null;
    }

    public String qualifiedTable() {
        return schema + "." + table;
    }

    /** True when each window's object is a bundle of its rows and their dependents ({@code tables:}). */
    public boolean bundles() {
        return tables != null;
    }

    /** The manifest's {@code kind} of the job's objects. */
    public String kind() {
        return bundles() ? "bundle" : offloads() ? "offload" : "rows";
    }

    /**
     * The moment before which rows are due, at {@code now}; null when the job keeps rows forever. A window is due
     * when it ends at or before the start of the window that holds this moment: for month windows and
     * {@code keep: P2M}, the start of the current month minus two months, so a month is due two months after it ends.
     */
    public ZonedDateTime dueBefore(ZonedDateTime now) {
        if (keepForever()) {
            return null;
        }
        return keepPeriod != null ? now.minus(keepPeriod) : now.minus(keepDuration);
    }
}
