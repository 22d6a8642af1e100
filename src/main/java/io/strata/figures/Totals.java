package io.strata.figures;

/**
 * Everything the job archived, from the manifest. Restored objects stay in S3: {@code objects} and
 * {@code gzipBytes} are what S3 holds for the job (its sidecars aside).
 */
public record Totals(long objects, long rows, long rawBytes, long gzipBytes, double ratio, long restoredObjects,
        long restoredRows) {

    static final Totals NONE = new Totals(0, 0, 0, 0, 0, 0, 0);

    /** Bytes before gzip per byte after, to two decimals; 0 when nothing was archived. */
    public static double ratio(long raw, long gz) {
        return gz == 0 ? 0 : Math.round(raw * 100.0 / gz) / 100.0;
    }
}
