package io.strata.unit;

import io.strata.export.BatchResult;
import io.strata.export.Partition;
import io.strata.export.TableInfo;
import io.strata.storage.ObjectOwner;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;

/**
 * One unit on its way through the batch route, as it stands after export-and-delete: its open transaction,
 * the key it claimed and the object it wrote — or, when it ended there (locked, empty, paused), its result.
 * Nothing in it changes; the later steps add what they learn in records of their own.
 *
 * @param startedNanos when the batch began, for its time in the progress line
 */
public record Batch(Partition partition, TableInfo table, long runId, String installation, long startedNanos,
        UnitTransaction tx, Claim claim, Exported exported, BatchResult ended) {

    /** The key the batch claimed before anything was uploaded. */
    public record Claim(String key, int chunk, boolean claimedBefore) {}

    /**
     * The object the export wrote.
     *
     * @param exportedNanos when the export ended (the upload began)
     * @param kept          rows of the unit that stayed in the table because other rows reference them
     */
    public record Exported(Path file, long rows, long rawBytes, long gzipBytes, long exportMs, long exportedNanos,
            long kept) {}

    /** True when the batch has an object to upload; false when it ended before (locked, empty, stopped). */
    public boolean uploadable() {
        return ended == null;
    }

    public String key() {
        return claim.key();
    }

    /** The object to upload, as the File that camel-aws2-s3 streams from (never read into memory). */
    public File uploadFile() {
        return exported.file().toFile();
    }

    /** The object's user metadata: which installation (its manifest) and job wrote it. */
    public Map<String, String> metadata() {
        return Map.of(ObjectOwner.INSTALLATION, installation, ObjectOwner.JOB, partition.job().name());
    }

    long elapsedMs() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
