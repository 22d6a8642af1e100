package io.strata.export;

import java.nio.file.Path;
import java.sql.Connection;

/**
 * One batch in flight, carried from step to step of the batch route: the open transaction that holds
 * the exported rows, the temp file that holds the object, and what was measured of both.
 */
public final class BatchWork {

    final Partition partition;
    final long startedNanos = System.nanoTime();
    final long runId;
    TableInfo table;
    Connection connection;
    Path file;
    int chunk;
    String key;
    long rows;
    /** Rows of the partition left in the table because other rows reference them. */
    long kept;
    long rawBytes;
    long gzipBytes;
    String sha256;
    long exportMs;
    long uploadStartNanos;
    long uploadMs;
    long verifyMs;
    BatchResult result;

    public BatchWork(Partition partition, long runId) {
        this.partition = partition;
        this.runId = runId;
    }

    public Partition partition() {
        return partition;
    }

    public Path file() {
        return file;
    }

    /** The object to upload, as the File that camel-aws2-s3 streams from (never read into memory). */
    public java.io.File uploadFile() {
        return file.toFile();
    }

    public String key() {
        return key;
    }

    public long gzipBytes() {
        return gzipBytes;
    }

    /** True once the batch has an object to upload; false when it ended before (empty, locked, stopped). */
    public boolean hasObject() {
        return result == null && file != null;
    }

    public BatchResult result() {
        return result;
    }

    long elapsedMs() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
