package io.strata.restore;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.format.Malformed;
import io.strata.manifest.ManifestEntry;
import io.strata.storage.ObjectDigest;
import io.strata.storage.S3Storage;
import io.strata.storage.TempFiles;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings archived rows back. Each object is restored in one transaction of its own: it is downloaded to
 * a temp file while its SHA-256 is computed, compared with the manifest before anything is loaded,
 * loaded, counted against the manifest, and recorded as restored; any failure rolls the object back and
 * the others go on.
 */
public final class Restorer {

    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);

    private final Database database;
    private final S3Storage storage;
    private final StrataConfig config;
    private final RestorePlanner planner;
    private final RestoreLog log;
    private volatile RestoreListener listener = RestoreListener.NONE;

    public Restorer(Database database, S3Storage storage, StrataConfig config) {
        this.database = database;
        this.storage = storage;
        this.config = config;
        this.planner = new RestorePlanner(database, config);
        this.log = new RestoreLog(config.schema());
    }

    /** Who else hears of each object loaded (the metrics). */
    public void listener(RestoreListener listener) {
        this.listener = listener;
    }

    /** Finds the objects to restore and checks that their tables can take them; reads only. */
    public RestorePlan plan(RestoreRequest r) {
        return planner.plan(r);
    }

    /**
     * Restores one object; throws when it is refused, and then nothing of it was inserted. The route calls
     * this for several objects at once, as many as the job's concurrency.
     */
    public ObjectResult restore(ManifestEntry o, RestorePlan plan) throws IOException, SQLException,
            InterruptedException {
        if (plan.skip(o) != null) {
            return plan.add(result(o, plan, ObjectResult.Status.SKIPPED, 0, System.nanoTime(), plan.skip(o)));
        }
        plan.loads().acquire();
        try {
            return load(o, plan);
        } finally {
            plan.loads().release();
        }
    }

    private ObjectResult load(ManifestEntry o, RestorePlan plan) throws IOException, SQLException {
        long t0 = System.nanoTime();
        if (!o.bucket().equals(storage.bucket())) {
            throw new StrataException(ErrorCode.OBJECT_MISSING, o.key() + ": the manifest puts it in bucket "
                    + o.bucket() + ", but strata.s3.bucket is " + storage.bucket());
        }
        Target target = plan.target(o);
        boolean live = plan.live(o);
        Path file = TempFiles.create(config.tempDir());
        try {
            check(o, storage.download(o.key(), file));
            long t1 = System.nanoTime();
            try (Connection c = database.connection()) {
                try {
                    String skip = log.skipReason(c, o, target, live, true);
                    if (skip != null) {
                        c.rollback();
                        return plan.add(result(o, plan, ObjectResult.Status.SKIPPED, 0, t0, skip));
                    }
                    Long oid = live ? RestoreLog.oid(c, target) : TableLoader.ensure(c, target, o);
                    if (oid == null) {
                        throw new StrataException(ErrorCode.RESTORE_FAILED, o.key() + ": table " + target
                                + " no longer exists");
                    }
                    OffloadLoader.Outcome offload = null;
                    long rows;
                    if (live && o.offload()) {
                        offload = OffloadLoader.load(c, o, target, file, config.job(o.job())
                                .map(job -> job.offload()).orElse(null));
                        rows = offload.restored();
                    } else {
                        rows = TableLoader.load(c, o, target, file);
                    }
                    if (offload == null && rows != o.rows()) {
                        throw new StrataException(ErrorCode.OBJECT_CORRUPT, o.key() + ": holds " + rows
                                + " rows, but the manifest lists " + o.rows());
                    }
                    log.record(c, o, target, oid, rows, (System.nanoTime() - t0) / 1_000_000, live);
                    c.commit();
                    LOG.info("restored {} into {}: {} rows{}; download and check {} ms, load {} ms", o.key(), target, rows,
                            offload == null ? "" : " (" + offload.missing() + " missing, " + offload.kept() + " kept)",
                            (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
                    listener.restored(o.job(), rows, o.gzipBytes());
                    ObjectResult r = result(o, plan, ObjectResult.Status.RESTORED, rows, t0, null);
                    if (offload != null) {
                        r = new ObjectResult(r.key(), r.window(), r.tenant(), r.chunk(), r.status(), r.rows(), r.gzipBytes(),
                                r.millis(), null, offload.missing(), offload.kept());
                    }
                    return plan.add(r);
                } catch (Malformed | ZipException | EOFException e) {
                    rollback(c);
                    throw new StrataException(ErrorCode.OBJECT_CORRUPT, o.key() + ": " + e.getMessage(), e);
                } catch (SQLException e) {
                    rollback(c);
                    throw new StrataException(ErrorCode.RESTORE_FAILED, o.key() + ": loading into " + target
                            + " failed: " + oneLine(e.getMessage()), e);
                } catch (RuntimeException | IOException e) {
                    rollback(c);
                    throw e;
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** PostgreSQL's message, with its Detail and Where lines, on one line. */
    static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\n\\s*", "; ");
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone, and with it the transaction
        }
    }

    /** Refuses an object that S3 does not hold as the manifest describes it. */
    static void check(ManifestEntry o, ObjectDigest got) {
        String problem = o.mismatch(got);
        if (problem != null) {
            throw new StrataException(got == null ? ErrorCode.OBJECT_MISSING : ErrorCode.OBJECT_CORRUPT,
                    o.key() + ": " + problem + "; nothing of it was loaded");
        }
    }

    /** Records an object that was refused (the route's error handler calls this). */
    public ObjectResult failed(ManifestEntry o, Exception e, RestorePlan plan) {
        String message = e instanceof StrataException ? e.getMessage()
                : new StrataException(ErrorCode.RESTORE_FAILED, o.key() + ": " + e).getMessage();
        LOG.warn("restore of {} refused: {}", o.key(), message);
        return plan.add(new ObjectResult(o.key(), plan.window(o), o.tenant(), o.chunk(), ObjectResult.Status.FAILED,
                0, o.gzipBytes(), 0, message));
    }

    public RestoreResult finish(RestorePlan plan) {
        RestoreResult r = RestoreResult.of(plan, false);
        LOG.info("restore of job {}: {} restored, {} skipped, {} failed, {} rows in {} ms", r.job(), r.restored(),
                r.skipped(), r.failed(), r.rows(), r.millis());
        return r;
    }

    private static ObjectResult result(ManifestEntry o, RestorePlan plan, ObjectResult.Status status, long rows,
            long t0, String message) {
        return new ObjectResult(o.key(), plan.window(o), o.tenant(), o.chunk(), status, rows, o.gzipBytes(),
                (System.nanoTime() - t0) / 1_000_000, message);
    }
}
