package io.strata.export;

import io.strata.db.Sql;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.db.Database;
import io.strata.storage.ReadBack;
import io.strata.storage.S3Storage;
import io.strata.storage.TempFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.postgresql.PGConnection;
import software.amazon.awssdk.services.s3.model.S3Exception;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives one partition in one PostgreSQL transaction: the rows are deleted and streamed out by the
 * same statement ({@code COPY (DELETE … RETURNING *) TO STDOUT}), gzipped into a temp file, uploaded
 * (by the route), read back from S3 (hashed, and compared byte for byte with the file), manifested,
 * and only then committed. Until the commit the deleted rows are still in the table for everyone else;
 * any failure rolls back.
 */
public final class BatchArchiver {

    private static final Logger LOG = LoggerFactory.getLogger(BatchArchiver.class);
    /** The transaction-local setting that carries the partition's tenant value into its COPY statement. */
    static final String TENANT_SETTING = "strata.tenant";

    private final Database database;
    private final S3Storage storage;
    private final String schema;
    private final String prefix;
    private final Path tempDir;
    private final int gzipLevel;
    private final BooleanSupplier stopping;
    private final String installation;
    private final PartitionFinder finder;
    private final ObjectRecords records;

    /** @param installation this installation's id (Strata's schema holds it), written into each object's metadata */
    public BatchArchiver(Database database, S3Storage storage, String schema, String prefix, Path tempDir,
            int gzipLevel, BooleanSupplier stopping, String installation) {
        this.database = database;
        this.storage = storage;
        this.schema = schema;
        this.prefix = prefix;
        this.tempDir = tempDir;
        this.gzipLevel = gzipLevel;
        this.stopping = stopping;
        this.installation = installation;
        this.finder = new PartitionFinder(schema);
        this.records = new ObjectRecords(database, schema, storage.bucket());
    }

    /**
     * Opens the batch's transaction and exports its rows to a gzipped temp file. Never throws: a batch
     * that cannot export ends here with its result set (and the transaction rolled back).
     */
    public BatchWork export(Partition p, RunContext run) {
        BatchWork w = new BatchWork(p, run.runId(), installation);
        w.table = run.table();
        if (run.paused() || stopping.getAsBoolean()) {
            w.result = result(w, BatchResult.Status.NOT_STARTED, run.paused() ? "job paused" : "stopping");
            return w;
        }
        long t0 = System.nanoTime();
        try {
            w.connection = database.connection();
            try (java.sql.Statement st = w.connection.createStatement()) {
                // A batch is long on purpose: its transaction stays open through upload and verify.
                // It gives up, rather than wait, on rows an application transaction keeps locked.
                st.execute("SET LOCAL statement_timeout = 0; SET LOCAL idle_in_transaction_session_timeout = 0;"
                        + " SET LOCAL lock_timeout = '30s'");
            }
            if (!ObjectRecords.tryLock(w.connection, lockName(p))) {
                return end(w, BatchResult.Status.LOCKED, "another instance holds this partition");
            }
            JobConfig job = p.job();
            if (!job.delete() && finder.exported(w.connection, job, p.window(), p.tenantSplit(), p.tenant())) {
                return end(w, BatchResult.Status.EMPTY, "already exported");
            }
            records.claimKey(w, prefix);
            w.file = TempFiles.create(tempDir);
            copyOut(w);
            w.kept = keptRows(w);
            w.exportMs = (System.nanoTime() - t0) / 1_000_000;
            if (w.rows == 0) {
                return end(w, BatchResult.Status.EMPTY, w.kept == 0 ? "no rows left in the window"
                        : "no row to archive: the window's " + w.kept + " row(s) are referenced by other rows and stay");
            }
            w.uploadStartNanos = System.nanoTime();
            return w;
        } catch (Exception e) {
            StrataException se = e instanceof StrataException s ? s
                    : new StrataException(ErrorCode.EXPORT_FAILED, p.describe() + ": " + e.getMessage(), e);
            return fail(w, se);
        }
    }

    private void copyOut(BatchWork w) throws SQLException, IOException {
        CountingOutputStream gz;
        CountingOutputStream raw;
        try (OutputStream file = Files.newOutputStream(w.file)) {
            gz = new CountingOutputStream(new BufferedOutputStream(file, 1 << 16));
            GZIPOutputStream gzip = new GZIPOutputStream(gz, 1 << 16) {
                {
                    def.setLevel(gzipLevel);
                }
            };
            raw = new CountingOutputStream(gzip);
            bindTenant(w.connection, w.partition);
            String sql = copySql(w.partition, w.table);
            w.rows = w.connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, raw);
            raw.close();
        }
        w.rawBytes = raw.count();
        w.gzipBytes = gz.count();
    }

    /**
     * The rows of the partition that the batch left in the table because other rows reference them. Counted in the
     * batch's transaction after its DELETE, which it no longer sees: one index range scan over the window,
     * and a lookup of the references for the rows that stayed only.
     */
    private static long keptRows(BatchWork w) throws SQLException {
        String referenced = w.partition.job().delete() ? w.table.references().referenced() : null;
        if (referenced == null) {
            return 0;
        }
        try (PreparedStatement ps = w.connection.prepareStatement("SELECT count(*) FROM " + w.table.qualifiedName()
                + " WHERE " + partitionRows(w.partition, w.table) + " AND " + referenced);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * COPY takes no bind parameters, so the tenant's value goes to the statement as a setting of the batch's
     * transaction, set through a bound parameter: whatever it holds (quotes, backslashes, under any
     * {@code standard_conforming_strings}), it stays a value.
     */
    static void bindTenant(Connection c, Partition p) throws SQLException {
        if (p.tenantSplit() && p.tenant() != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('" + TENANT_SETTING + "', ?, true)")) {
                ps.setString(1, p.tenant());
                ps.execute();
            }
        }
    }

    /** The partition's rows: its window, and its tenant when the job splits by tenant. */
    static StringBuilder partitionRows(Partition p, TableInfo table) {
        JobConfig job = p.job();
        String ts = Sql.ident(job.timestampColumn());
        StringBuilder where = new StringBuilder()
                .append(ts).append(" >= ").append(Sql.timestamp(p.window().start(), job.zone(), table.timestampHasZone()))
                .append(" AND ").append(ts).append(" < ").append(Sql.timestamp(p.window().end(), job.zone(), table.timestampHasZone()));
        if (p.tenantSplit()) {
            // The tenant's value is data: it reaches the statement as a setting bound by bindTenant, never as text.
            String tenant = Sql.ident(job.tenantColumn());
            where.append(" AND ").append(p.tenant() == null ? tenant + " IS NULL"
                    : tenant + "::text = current_setting('" + TENANT_SETTING + "')");
        }
        return where;
    }

    /** The one statement that selects the partition's rows and, unless the job only exports, deletes them. */
    static String copySql(Partition p, TableInfo table) {
        JobConfig job = p.job();
        StringBuilder where = partitionRows(p, table);
        String keepOut = job.delete() ? table.references().keepOut() : null;
        if (keepOut != null) {
            // Rows that other rows reference (NO ACTION, RESTRICT) stay: deleting one would fail the whole batch.
            where.append(" AND ").append(keepOut);
        }
        String rows = job.delete()
                ? "DELETE FROM " + table.qualifiedName() + " WHERE " + where + " RETURNING *"
                : "SELECT * FROM " + table.qualifiedName() + " WHERE " + where;
        if (job.format() == JobConfig.Format.CSV) {
            return "COPY (" + rows + ") TO STDOUT (FORMAT csv, HEADER)";
        }
        // to_json escapes every control character, so with these two bytes as quote and delimiter
        // COPY's CSV writer never quotes: each line is the JSON object exactly as PostgreSQL wrote it.
        // The rows are turned into JSON in the DELETE's own RETURNING: a CTE around the DELETE would
        // first materialize the whole window (spilling to disk beyond work_mem) and cost ~15% more.
        // "alias.*" is the whole row even when the table has a column of the alias's name.
        String json = job.delete()
                ? "DELETE FROM " + table.qualifiedName() + " AS strata_row WHERE " + where + " RETURNING to_json(strata_row.*)"
                : "SELECT to_json(strata_row.*) FROM " + table.qualifiedName() + " AS strata_row WHERE " + where;
        return "COPY (" + json + ") TO STDOUT (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')";
    }

    /**
     * Reads back what S3 now holds: it must be the uploaded file, byte for byte, and its SHA-256 is the
     * object's. Then writes the sidecar and the manifest row, and commits: the rows leave the table in
     * the same instant the manifest appears.
     */
    public BatchWork verifyAndCommit(BatchWork w) {
        if (w.result != null) {
            return w;
        }
        try {
            long t0 = System.nanoTime();
            w.uploadMs = (t0 - w.uploadStartNanos) / 1_000_000;
            ReadBack stored = storage.readBack(w.key, w.file);
            if (stored == null) {
                throw new StrataException(ErrorCode.S3_UPLOAD, w.key + ": not found in S3 right after its upload");
            }
            if (!stored.identical() || stored.size() != w.gzipBytes) {
                throw new StrataException(ErrorCode.CHECKSUM_MISMATCH, w.key + ": S3 holds " + stored.size()
                        + " bytes (SHA-256 " + stored.sha256() + "), which differ from the " + w.gzipBytes
                        + " bytes uploaded from byte " + stored.firstDifference() + " on" + storage.mismatchHint(w.key));
            }
            // The object's SHA-256, in the manifest and the sidecar, is that of what S3 holds.
            w.sha256 = stored.sha256();
            storage.durable(w.key);
            w.verifyMs = (System.nanoTime() - t0) / 1_000_000;
            String sidecar = ObjectKeys.sidecarKey(w.key);
            storage.putJson(sidecar, records.sidecar(w));
            storage.durable(sidecar);
            records.insertManifest(w);
            w.connection.commit();
            return end(w, BatchResult.Status.ARCHIVED, null);
        } catch (Exception e) {
            StrataException se = e instanceof StrataException s ? s
                    : new StrataException(ErrorCode.BATCH_FAILED, w.partition.describe() + ": " + e.getMessage(), e);
            return fail(w, se);
        }
    }

    /**
     * The upload was refused. When the store refused it because an object is at the key already
     * (conditional write, {@code If-None-Match: *}), that object is one no manifest lists — the key was
     * claimed under its lock — and it may be written over only if it is this installation's orphan: the key
     * had been claimed by an earlier batch, which did not commit. Then this returns and the route uploads again without the
     * condition. Any other object there is not Strata's to replace: KEY_TAKEN. A store that does not
     * implement conditional writes gets the plain upload (the claim is still what keeps keys apart).
     */
    public void keyOccupied(BatchWork w, Exception e) throws Exception {
        S3Exception refused = StrataException.causeOf(e, S3Exception.class);
        if (refused == null) {
            throw e;
        }
        if (refused.statusCode() == 412) {
            if (w.claimedBefore) {
                LOG.info("{}: writing over the object a batch that did not commit left at this key", w.key);
                return;
            }
            throw new StrataException(ErrorCode.KEY_TAKEN, w.key + ": the bucket holds an object at this key that no"
                    + " manifest lists and that this installation never claimed (its metadata names "
                    + storage.owner(w.key).describe() + "); it is left as it is. Another Strata writes under the same"
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

    /** Rolls the batch back: every row it exported is in the table again. */
    public BatchWork fail(BatchWork w, Exception e) {
        StrataException se = e instanceof StrataException s ? s
                : new StrataException(ErrorCode.S3_UPLOAD, (w.key != null ? w.key : w.partition.describe()) + ": "
                        + rootMessage(e), e);
        LOG.warn("batch {} failed, rolled back: {}", w.partition.describe(), se.getMessage());
        return end(w, BatchResult.Status.FAILED, se.getMessage());
    }

    /** Adds the batch's result to its run (which logs the progress line). */
    public BatchResult record(BatchWork w, RunContext run) {
        if (w.result == null) {
            fail(w, new StrataException(ErrorCode.BATCH_FAILED, "batch ended without a result"));
        }
        run.add(w.result);
        return w.result;
    }

    private BatchWork end(BatchWork w, BatchResult.Status status, String error) {
        if (w.connection != null) {
            try {
                if (status != BatchResult.Status.ARCHIVED) {
                    w.connection.rollback();
                }
            } catch (SQLException ignored) {
                // the connection is gone, and with it the transaction
            }
            try {
                w.connection.close();
            } catch (SQLException ignored) {
                // nothing left to release
            }
            w.connection = null;
        }
        if (w.file != null) {
            try {
                Files.deleteIfExists(w.file);
            } catch (IOException e) {
                LOG.warn("cannot delete temp file {}: {}", w.file, e.getMessage());
            }
        }
        w.result = result(w, status, error);
        return w;
    }

    private static BatchResult result(BatchWork w, BatchResult.Status status, String error) {
        Partition p = w.partition;
        return new BatchResult(p.job().name(), p.window().label(), p.tenant(), status, w.chunk, w.key,
                status == BatchResult.Status.ARCHIVED ? w.rows : 0, w.rawBytes, w.gzipBytes, w.elapsedMs(), error,
                status == BatchResult.Status.ARCHIVED || status == BatchResult.Status.EMPTY ? w.kept : 0);
    }

    /** The name of a partition's advisory lock, the same in every instance. */
    static String lockName(Partition p) {
        return "strata|" + p.job().name() + "|" + p.tenantSplit() + "|" + p.tenant() + "|" + p.window().start();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = StrataException.rootCause(t);
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root.getMessage() + ")";
    }
}
