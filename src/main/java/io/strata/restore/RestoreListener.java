package io.strata.restore;

/** Told of every object a restore loaded, once its transaction committed (the metrics count them). */
@FunctionalInterface
public interface RestoreListener {

    RestoreListener NONE = (job, rows, gzipBytes) -> { };

    /** @param job the job that archived the object; {@code gzipBytes} its size in S3 */
    void restored(String job, long rows, long gzipBytes);
}
