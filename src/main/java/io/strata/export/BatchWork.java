package io.strata.export;

import io.strata.storage.ObjectOwner;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;

/**
 * One batch in flight, carried from step to step of the batch route: the open transaction that holds
 * the exported rows, the temp file that holds the object, and what was measured of both.
 */
public final class BatchWork {

    final Partition partition;
    final long startedNanos = System.nanoTime();
    final long runId;
    final String installation;
    TableInfo table;
    Connection connection;
    Path file;
    int chunk;
    String key;
    /** The key was claimed by an earlier batch that did not commit: an object there is that batch's orphan. */
    boolean claimedBefore;
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

    public BatchWork(Partition partition, long runId, String installation) {
        this.partition = partition;
        this.runId = runId;
        this.installation = installation;
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

    /**
     * The object's user metadata: which installation (its manifest) and job wrote it, so that an object at
     * a key no manifest lists can be told apart — this installation's own orphan, or someone else's object.
     */
    public Map<String, String> metadata() {
        return Map.of(ObjectOwner.INSTALLATION, installation, ObjectOwner.JOB, partition.job().name());
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
