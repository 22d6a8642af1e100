package io.strata.figures;

import java.time.Instant;

/**
 * Everything the job archived, from the manifest. Restored objects stay in S3: {@code objects} and
 * {@code gzipBytes} are what S3 holds for the job (its sidecars aside).
 *
 * @param tenants      of a tenant job, the tenants archived (each in one bundle or more); 0 for other jobs
 * @param lastArchived when the job's latest object was archived; null when it has none
 */
public record Totals(long objects, long rows, long rawBytes, long gzipBytes, double ratio, long restoredObjects,
        long restoredRows, long tenants, Instant lastArchived) {

    static final Totals NONE = new Totals(0, 0, 0, 0, 0, 0, 0);

    public Totals(long objects, long rows, long rawBytes, long gzipBytes, double ratio, long restoredObjects,
            long restoredRows) {
        this(objects, rows, rawBytes, gzipBytes, ratio, restoredObjects, restoredRows, 0, null);
    }

    /** Bytes before gzip per byte after, to two decimals; 0 when nothing was archived. */
    public static double ratio(long raw, long gz) {
        return gz == 0 ? 0 : Math.round(raw * 100.0 / gz) / 100.0;
    }
}
