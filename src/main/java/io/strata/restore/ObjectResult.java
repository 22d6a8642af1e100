package io.strata.restore;

/**
 * What became of one object.
 *
 * @param window  the window's label in the job's zone ({@code yyyyMMddHH}), as in the object's key
 * @param message why it was skipped or refused; null when it was restored
 */
public record ObjectResult(String key, String window, String tenant, int chunk, Status status, long rows,
        long gzipBytes, long millis, String message) {

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
