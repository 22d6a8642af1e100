package io.strata.unit;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.db.Database;
import io.strata.export.BatchResult;
import io.strata.export.ObjectKeys;
import io.strata.export.Partition;
import io.strata.export.RunContext;
import io.strata.storage.ReadBack;
import io.strata.storage.S3Storage;
import io.strata.storage.TempFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The steps of the batch route (routes/archive.camel.yaml, route {@code strata-batch}), each a method the
 * route calls in turn: export-and-delete, then the upload (a Camel step), verify, record-and-commit. One
 * unit, one PostgreSQL transaction ({@link UnitTransaction}): its change to the source becomes visible only
 * at the commit, after the object is verified in S3 and durable; any failure on the way rolls it back.
 * The four steps stay in one class, a little over 250 lines, so that the order the safety rests on reads
 * in one place; what a kind of archive does is its {@link UnitExport}, the key is {@link KeyClaim}'s, and
 * what is recorded is {@link ObjectRecords}'.
 */
public final class BatchSteps {

    private static final Logger LOG = LoggerFactory.getLogger(BatchSteps.class);

    private final Database database;
    private final S3Storage storage;
    private final UnitKinds kinds;
    private final Path tempDir;
    private final int gzipLevel;
    private final BooleanSupplier stopping;
    private final String installation;
    private final KeyClaim keys;
    private final ObjectRecords records;

    /**
     * @param kinds        what the units of each job export and change
     * @param installation this installation's id (Strata's schema holds it), written into each object's metadata
     */
    public BatchSteps(Database database, S3Storage storage, UnitKinds kinds, String schema, String prefix, Path tempDir,
            int gzipLevel, BooleanSupplier stopping, String installation) {
        this.database = database;
        this.storage = storage;
        this.kinds = kinds;
        this.tempDir = tempDir;
        this.gzipLevel = gzipLevel;
        this.stopping = stopping;
        this.installation = installation;
        this.keys = new KeyClaim(database, schema, storage.bucket(), prefix);
        this.records = new ObjectRecords(schema, storage.bucket());
    }

    /**
     * Opens the unit's transaction, takes its lock, claims its key, and exports it to a gzipped temp file with
     * the same statement that changes the source. Never throws: a unit that ends here (locked by another
     * instance, nothing left, stopping, or failed) comes back with its result, its transaction closed.
     */
    public Batch exportAndDelete(Partition p, RunContext run) {
        long started = System.nanoTime();
        if (run.paused() || stopping.getAsBoolean()) {
            return ended(p, run, started, BatchResult.Status.NOT_STARTED, run.paused() ? "job paused" : "stopping");
        }
        UnitTransaction tx = null;
        Path file = null;
        try {
            tx = UnitTransaction.open(database);
            if (!tx.tryLock(lockName(p))) {
                tx.close();
                return ended(p, run, started, BatchResult.Status.LOCKED, "another instance holds this partition");
            }
            if (kinds.of(p.job()).alreadyExported(tx, p)) {
                tx.close();
                return ended(p, run, started, BatchResult.Status.EMPTY, "already exported");
            }
            Batch.Claim claim = keys.claim(tx, p, run.runId());
            file = TempFiles.create(tempDir);
            Batch.Exported exported = write(tx, p, run, file, started);
            Batch batch = new Batch(p, run.table(), run.runId(), installation, started, tx, claim, exported, null);
            if (exported.rows() == 0) {
                return end(batch, BatchResult.Status.EMPTY, exported.kept() == 0 ? "no rows left in the window"
                        : "no row to archive: the window's " + exported.kept() + " row(s) are referenced by other rows and stay");
            }
            return batch;
        } catch (Exception e) {
            if (tx != null) {
                tx.close();
            }
            delete(file);
            StrataException se = e instanceof StrataException s ? s
                    : new StrataException(ErrorCode.EXPORT_FAILED, p.describe() + ": " + e.getMessage(), e);
            LOG.warn("batch {} failed, rolled back: {}", p.describe(), se.getMessage());
            return ended(p, run, started, BatchResult.Status.FAILED, se.getMessage());
        }
    }

    private Batch.Exported write(UnitTransaction tx, Partition p, RunContext run, Path file, long started)
            throws SQLException, IOException {
        UnitExport kind = kinds.of(p.job());
        CountingOutputStream gz;
        CountingOutputStream raw;
        long rows;
        try (OutputStream out = Files.newOutputStream(file)) {
            gz = new CountingOutputStream(new BufferedOutputStream(out, 1 << 16));
            GZIPOutputStream gzip = new GZIPOutputStream(gz, 1 << 16) {
                {
                    def.setLevel(gzipLevel);
                }
            };
            raw = new CountingOutputStream(gzip);
            rows = kind.export(tx, p, run.table(), raw);
            raw.close();
        }
        long kept = kind.kept(tx, p, run.table());
        long now = System.nanoTime();
        return new Batch.Exported(file, rows, raw.count(), gz.count(), (now - started) / 1_000_000, now, kept);
    }

    /**
     * The upload was refused. When the store refused it because an object is at the key already
     * (conditional write, {@code If-None-Match: *}), that object is one no manifest lists — the key was
     * claimed under its lock — and it may be written over only if it is this installation's orphan: the key
     * had been claimed by an earlier batch, which did not commit. Then this returns and the route uploads
     * again without the condition. Any other object there is not Strata's to replace: KEY_TAKEN. A store that
     * does not implement conditional writes gets the plain upload (the claim is still what keeps keys apart).
     */
    public void keyOccupied(Batch b, Exception e) throws Exception {
        S3Exception refused = StrataException.causeOf(e, S3Exception.class);
        if (refused == null) {
            throw e;
        }
        if (refused.statusCode() == 412) {
            if (b.claim().claimedBefore()) {
                LOG.info("{}: writing over the object a batch that did not commit left at this key", b.key());
                return;
            }
            throw new StrataException(ErrorCode.KEY_TAKEN, b.key() + ": the bucket holds an object at this key that no"
                    + " manifest lists and that this installation never claimed (its metadata names "
                    + storage.owner(b.key()).describe() + "); it is left as it is. Another Strata writes under the same"
                    + " strata.s3.prefix? Give each its own prefix; or check the object with verify and remove it if its"
                    + " rows are still in the table");
        }
        if (refused.statusCode() == 501 || (refused.awsErrorDetails() != null
                && "NotImplemented".equals(refused.awsErrorDetails().errorCode()))) {
            storage.conditionalWritesUnsupported();
            return;
        }
        throw e;
    }

    /**
     * Reads back what S3 now holds: it must be the uploaded file, byte for byte, and its SHA-256 is the
     * object's. Then makes it durable in its store (fsync, for the embedded one).
     */
    public VerifiedBatch verify(Batch b) throws IOException {
        long t0 = System.nanoTime();
        long uploadMs = (t0 - b.exported().exportedNanos()) / 1_000_000;
        ReadBack stored = storage.readBack(b.key(), b.exported().file());
        if (stored == null) {
            throw new StrataException(ErrorCode.S3_UPLOAD, b.key() + ": not found in S3 right after its upload");
        }
        if (!stored.identical() || stored.size() != b.exported().gzipBytes()) {
            throw new StrataException(ErrorCode.CHECKSUM_MISMATCH, b.key() + ": S3 holds " + stored.size()
                    + " bytes (SHA-256 " + stored.sha256() + "), which differ from the " + b.exported().gzipBytes()
                    + " bytes uploaded from byte " + stored.firstDifference() + " on" + storage.mismatchHint(b.key()));
        }
        storage.durable(b.key());
        // The object's SHA-256, in the manifest and the sidecar, is that of what S3 holds.
        return new VerifiedBatch(b, stored.sha256(), uploadMs, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Writes the sidecar (durable too), then the manifest row and the end of the key's claim, and commits: the
     * unit's change to the source becomes visible in the same instant as its manifest row.
     */
    public BatchResult recordAndCommit(VerifiedBatch v) throws IOException, SQLException {
        Batch b = v.batch();
        String sidecar = ObjectKeys.sidecarKey(b.key());
        storage.putJson(sidecar, records.sidecar(v, kinds.of(b.partition().job())));
        storage.durable(sidecar);
        records.insertManifest(v, kinds.of(b.partition().job()));
        keys.end(b.tx(), b.key());
        b.tx().commit();
        return end(b, BatchResult.Status.ARCHIVED, null).ended();
    }

    /**
     * Rolls the batch back (the route's error handler calls this): every row it exported is in the table
     * again. An S3 failure is named by its cause: refused credentials, S3 out of reach, or the upload itself.
     */
    public BatchResult fail(Batch b, Exception e) {
        String where = b == null ? "batch" : b.uploadable() ? b.key() : b.partition().describe();
        StrataException se = e instanceof StrataException s ? s : coded(where, e);
        if (b == null) {
            LOG.warn("batch failed before it began: {}", se.getMessage());
            return null;
        }
        if (!b.uploadable()) {
            return b.ended();
        }
        LOG.warn("batch {} failed, rolled back: {}", b.partition().describe(), se.getMessage());
        return end(b, BatchResult.Status.FAILED, se.getMessage()).ended();
    }

    private StrataException coded(String where, Exception e) {
        SdkException s3 = StrataException.causeOf(e, SdkException.class);
        if (s3 != null) {
            return storage.failure(where, s3);
        }
        Throwable root = StrataException.rootCause(e);
        return new StrataException(ErrorCode.BATCH_FAILED, where + ": " + e.getClass().getSimpleName() + ": "
                + e.getMessage() + (root == e ? "" : " (" + root + ")"), e);
    }

    /** Adds the batch's result to its run (which logs the progress line). */
    public BatchResult record(Object outcome, RunContext run) {
        BatchResult r = outcome instanceof BatchResult result ? result
                : outcome instanceof Batch b && b.ended() != null ? b.ended()
                : new BatchResult(run.job().name(), "?", null, BatchResult.Status.FAILED, 0, null, 0, 0, 0, 0,
                        "batch ended without a result", 0);
        run.add(r);
        return r;
    }

    /** Closes the batch's transaction (committed or rolled back) and temp file, and gives its result. */
    private Batch end(Batch b, BatchResult.Status status, String error) {
        b.tx().close();
        delete(b.exported().file());
        Partition p = b.partition();
        Batch.Exported x = b.exported();
        BatchResult r = new BatchResult(p.job().name(), p.window().label(), p.tenant(), status, b.claim().chunk(), b.key(),
                status == BatchResult.Status.ARCHIVED ? x.rows() : 0, x.rawBytes(), x.gzipBytes(), b.elapsedMs(), error,
                x.kept());
        return new Batch(p, b.table(), b.runId(), b.installation(), b.startedNanos(), b.tx(), b.claim(), x, r);
    }

    private Batch ended(Partition p, RunContext run, long started, BatchResult.Status status, String error) {
        BatchResult r = new BatchResult(p.job().name(), p.window().label(), p.tenant(), status, 0, null, 0, 0, 0,
                (System.nanoTime() - started) / 1_000_000, error, 0);
        return new Batch(p, run.table(), run.runId(), installation, started, null, null, null, r);
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("cannot delete temp file {}: {}", file, e.getMessage());
            }
        }
    }

    /** The name of a partition's advisory lock, the same in every instance. */
    public static String lockName(Partition p) {
        return "strata|" + p.job().name() + "|" + p.tenantSplit() + "|" + p.tenant() + "|" + p.window().start();
    }
}
