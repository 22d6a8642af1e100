package io.strata.manifest;

import io.strata.export.TableInfo;
import io.strata.storage.ObjectDigest;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One row of the manifest: an archived object, where it is, and what it holds.
 *
 * @param table   {@code schema.table} the rows came from, as the job names it
 * @param columns the object's columns in the order they were exported
 * @param deleted false for export-only jobs, whose rows never left the table
 * @param state   {@code archived}, or {@code restored} once restore loaded it back into {@code table}
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
        List<TableInfo.Column> columns,
        long rows,
        long gzipBytes,
        String sha256,
        boolean deleted,
        String state,
        OffsetDateTime restoredAt) {

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

    public boolean csv() {
        return "csv".equals(format);
    }
}
