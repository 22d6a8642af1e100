package io.strata.export;

/**
 * What became of one partition.
 *
 * @param kept rows of the partition the batch left in the table because other rows reference them
 */
public record BatchResult(
        String job,
        String window,
        String tenant,
        Status status,
        int chunk,
        String key,
        long rows,
        long rawBytes,
        long gzipBytes,
        long millis,
        String error,
        long kept) {

    public enum Status {
        /** Uploaded, verified, manifested and (unless export-only) deleted. */
        ARCHIVED,
        /** No rows when the batch ran: another instance archived them first. */
        EMPTY,
        /** Another instance holds this partition's advisory lock right now. */
        LOCKED,
        /** Not started: the job was paused or the service is stopping. */
        NOT_STARTED,
        /** Rolled back; every row is still in the table. */
        FAILED
    }

    public double ratio() {
        return gzipBytes == 0 ? 0 : (double) rawBytes / gzipBytes;
    }
}
