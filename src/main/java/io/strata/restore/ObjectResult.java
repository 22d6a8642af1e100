package io.strata.restore;

/**
 * What became of one object.
 *
 * @param window  the window's label in the job's zone ({@code yyyyMMddHH}), as in the object's key
 * @param message why it was skipped or refused; null when it was restored
 * @param missing of an offload object: its rows whose key is no longer in the table (deleted since; not
 *                resurrected); null for whole rows
 * @param kept    of an offload object: its rows that hold a value again (written since, or offloaded to a later
 *                object), left as they are; null for whole rows
 */
public record ObjectResult(String key, String window, String tenant, int chunk, Status status, long rows,
        long gzipBytes, long millis, String message, Long missing, Long kept) {

    public ObjectResult(String key, String window, String tenant, int chunk, Status status, long rows, long gzipBytes,
            long millis, String message) {
        this(key, window, tenant, chunk, status, rows, gzipBytes, millis, message, null, null);
    }

    public enum Status {
        /** Loaded, and recorded as restored, in one transaction. */
        RESTORED,
        /** Already in the table, or never deleted from it: nothing to do. */
        SKIPPED,
        /** Refused: missing, corrupt, or rejected by the table; nothing of it was inserted. */
        FAILED,
        /** A dry run's answer: would be restored. */
        PENDING
    }
}
