package io.strata.manifest;

import io.strata.db.Column;
import io.strata.config.JobConfig;
import io.strata.format.CsvRecords;
import io.strata.format.JsonLines;
import io.strata.format.Malformed;
import io.strata.format.Records;
import io.strata.storage.ObjectDigest;
import java.io.OutputStream;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One row of the manifest: an archived object, where it is, and what it holds.
 *
 * @param table   {@code schema.table} the rows came from, as the job names it
 * @param columns the object's columns in the order they were exported
 * @param deleted false for export-only jobs, whose rows never left the table
 * @param state   {@code archived}, or {@code restored} once restore loaded it back into {@code table}
 * @param formatVersion the version of {@code format} the object was written in (1 for objects from before
 *                      versions were recorded)
 * @param kind    {@code rows} (whole rows, deleted from the table), {@code offload} (a key and columns of rows
 *                that stayed, the columns set to NULL; the key is the first column) or {@code tenant} (a zip bundle
 *                of a tenant's tables, whose entries are in {@code format}, version {@code formatVersion})
 */
public record ManifestEntry(
        long id,
        String job,
        String table,
        String tenant,
        OffsetDateTime windowStart,
        OffsetDateTime windowEnd,
        int chunk,
        String bucket,
        String key,
        String format,
        List<Column> columns,
        long rows,
        long gzipBytes,
        String sha256,
        boolean deleted,
        String state,
        OffsetDateTime restoredAt,
        int formatVersion,
        String kind) {

    /**
     * True for a bundle: a zip with bundle.json and an entry per table, of a tenant (README, "Whole tenants") or
     * of a window of a time job with {@code tables:}.
     */
    public boolean bundle() {
        return "tenant".equals(kind) || "bundle".equals(kind);
    }

    /** What is wrong with the object S3 holds ({@code got}; null when it holds none), or null when it matches. */
    public String mismatch(ObjectDigest got) {
        if (got == null) {
            return "not in bucket " + bucket + ", though the manifest lists it";
        }
        if (got.size() != gzipBytes || !got.sha256().equals(sha256)) {
            return "S3 holds " + got.size() + " bytes with SHA-256 " + got.sha256() + ", but the manifest lists "
                    + gzipBytes + " bytes with SHA-256 " + sha256;
        }
        return null;
    }

    public boolean restored() {
        return "restored".equals(state);
    }

    /** The object holds offloaded columns of rows that stayed, not whole rows. */
    public boolean offload() {
        return "offload".equals(kind);
    }

    public boolean csv() {
        return "csv".equals(format);
    }

    /**
     * A reader of the object's content that checks it against this entry as it streams past, and passes it
     * on to {@code out} (null: only check and count, and then JSON lines are also parsed in full, as the
     * PostgreSQL they would go to would): CSV must name the columns in its header, in order;
     * each JSON line must have the columns as its keys (in version 2, a json or jsonb column that is SQL
     * NULL is left out, and JSON columns may be written as text; docs/archive.md, "JSONL").
     *
     * @param keep the CSV fields that go to {@code out}; null for all
     * @throws Malformed when the object is of a format version this Strata does not know
     */
    public Records reader(OutputStream out, boolean[] keep) throws Malformed {
        return reader(format, formatVersion, columns, out, keep);
    }

    /**
     * A reader of content in {@code format} version {@code formatVersion} with these columns, as
     * {@link #reader(OutputStream, boolean[])} describes it (for content that is not a whole object, e.g. one
     * table's entry in a tenant bundle).
     */
    public static Records reader(String format, int formatVersion, List<Column> columns, OutputStream out,
            boolean[] keep) throws Malformed {
        JobConfig.Format f = JobConfig.Format.of(format);
        if (formatVersion < 1 || formatVersion > f.version()) {
            throw new Malformed("written in " + format + " version " + formatVersion + ", which this Strata does not"
                    + " read (it reads versions 1 to " + f.version() + ")");
        }
        List<String> names = columns.stream().map(Column::name).toList();
        if (f == JobConfig.Format.CSV) {
            return new CsvRecords(out, names, keep);
        }
        // Lines that go on to PostgreSQL are parsed there in full; without it, JsonLines parses them.
        boolean validate = out == null;
        if (formatVersion == 1) {
            return new JsonLines(out, names, Set.of(), Set.of(), validate);
        }
        return new JsonLines(out, names,
                columns.stream().filter(Column::jsonDocument).map(Column::name).collect(Collectors.toSet()),
                columns.stream().filter(c -> c.json() != null).map(Column::name).collect(Collectors.toSet()),
                validate);
    }
}
