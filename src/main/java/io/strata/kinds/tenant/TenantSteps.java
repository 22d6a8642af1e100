package io.strata.kinds.tenant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.Version;
import io.strata.config.JobConfig;
import io.strata.config.TenantJobConfig;
import io.strata.db.Column;
import io.strata.manifest.Manifests;
import io.strata.db.Database;
import io.strata.db.Sql;
import io.strata.export.ObjectKeys;
import io.strata.export.Partition;
import io.strata.storage.ReadBack;
import io.strata.storage.S3Storage;
import io.strata.storage.TempFiles;
import io.strata.text.Json;
import io.strata.unit.Batch;
import io.strata.unit.BatchSteps;
import io.strata.unit.KeyClaim;
import io.strata.unit.UnitTransaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The steps of the tenant route (routes/tenant.camel.yaml), one bundle each — a tenant's, or a window's of a time job
 * with {@code tables:} ({@link TenantRequest#window}): export (lock the bundle's rows in one transaction per database,
 * write the zip), then the upload (a Camel step), verify (what S3 holds, durable), test restore, and commit (delete
 * children first, manifest row, the other databases after the main one). The safety rests on the order, as for row
 * batches: nothing is deleted before the bundle is verified in S3 and its test restore gave back what was exported;
 * across databases docs/tenants.md says how. The steps stay in one class, some 400 lines, as BatchSteps' do, so that
 * the order the safety rests on reads in one place; the rows are {@link BundleRows}', the zip {@link BundleWriter}'s.
 */
public final class TenantSteps {

    private static final Logger LOG = LoggerFactory.getLogger(TenantSteps.class);
    private static final ObjectMapper JSON = Json.mapper();

    private final Map<String, Database> databases;
    private final S3Storage storage;
    private final Map<String, TenantPlan> plans;
    private final String schema;
    private final String prefix;
    private final Path tempDir;
    private final int level;
    private final String installation;
    private final BooleanSupplier stopping;
    private final KeyClaim keys;
    private final BundleWriter writer = new BundleWriter();
    private final PendingDeletes pending;

    public TenantSteps(Map<String, Database> databases, S3Storage storage, Map<String, TenantPlan> plans, String schema,
            String prefix, Path tempDir, int level, String installation, BooleanSupplier stopping) {
        this.databases = databases;
        this.storage = storage;
        this.plans = plans;
        this.schema = Sql.ident(schema);
        this.prefix = prefix;
        this.tempDir = tempDir;
        this.level = level;
        this.installation = installation;
        this.stopping = stopping;
        this.keys = new KeyClaim(databases.get(TenantJobConfig.MAIN), schema, storage.bucket(), prefix);
        this.pending = new PendingDeletes(databases, schema);
    }

    public PendingDeletes pending() {
        return pending;
    }

    /**
     * Locks the bundle's rows in every database (a tenant's, or a window's and their dependents), marks the shared
     * ones, claims the key and writes the zip. Never throws.
     */
    public TenantBatch export(TenantRequest r) {
        TenantPlan plan = plans.get(r.job());
        TenantBatch b = new TenantBatch(r, plan);
        b.installation = installation;
        if (stopping.getAsBoolean() || (r.run() != null && r.run().paused())) {
            b.result = TenantResult.ended(r, TenantResult.Status.NOT_STARTED, 0, stopping.getAsBoolean() ? "stopping"
                    : "job paused");
            return b;
        }
        try {
            UnitTransaction main = UnitTransaction.open(databases.get(TenantJobConfig.MAIN));
            b.txs.put(TenantJobConfig.MAIN, main);
            if (!main.tryLock(r.window() != null ? BatchSteps.lockName(r.window()) : "strata tenant|" + r.job() + "|" + r.tenant())) {
                return end(b, TenantResult.Status.LOCKED, r.window() != null ? "another instance holds this partition"
                        : "another instance is archiving this tenant");
            }
            if (r.window() == null && !rootExists(main.connection(), plan, r.tenant())) {
                return end(b, TenantResult.Status.EMPTY, "nothing left to archive (no row " + plan.job().key() + " = "
                        + r.tenant() + " in " + plan.job().qualifiedTable() + ")");
            }
            for (BundleTable t : plan.order()) {
                if (!b.txs.containsKey(t.database())) {
                    b.txs.put(t.database(), UnitTransaction.open(databases.get(t.database())));
                }
            }
            BundleRows rows = new BundleRows(plan, b.txs, r);
            rows.collect();
            rows.markKept();
            if (r.window() != null) {
                long[] counts = rows.counts();
                if (counts[0] == 0) {
                    return end(b, TenantResult.Status.EMPTY, "no rows left in the window");
                }
                if (counts[1] == 0) {
                    return end(b, TenantResult.Status.EMPTY, "no row to archive: the window's " + counts[0]
                            + " row(s), and their dependents, are referenced by other rows and stay");
                }
            }
            if (r.pretend()) {
                b.key = pretendKey(plan, r.tenant());
            } else {
                Batch.Claim claim = r.window() != null ? keys.claim(main, r.window(), r.run().runId())
                        : keys.claim(main, r.job(), nextChunk(main.connection(), r), chunk -> key(plan, r.tenant(), chunk), 0);
                b.key = claim.key();
                b.chunk = claim.chunk();
                b.claimedBefore = claim.claimedBefore();
            }
            b.file = TempFiles.create(tempDir);
            b.createdAt = Instant.now().toString();
            writer.write(b, rows, level);
            b.exportedNanos = System.nanoTime();
            b.extractMs = (b.exportedNanos - b.startedNanos) / 1_000_000;
            return b;
        } catch (Exception e) {
            StrataException se = e instanceof StrataException s ? s
                    : new StrataException(ErrorCode.EXPORT_FAILED, r.job() + " " + r.describe() + ": " + e.getMessage(), e);
            LOG.warn("{} of {} failed, rolled back: {}", r.describe(), r.job(), se.getMessage());
            return end(b, TenantResult.Status.FAILED, se.getMessage());
        }
    }

    /** The upload was refused: over this installation's own orphan (claimed before) it goes again, unconditionally. */
    public void keyOccupied(TenantBatch b, Exception e) throws Exception {
        S3Exception refused = StrataException.causeOf(e, S3Exception.class);
        if (refused != null && refused.statusCode() == 412 && b.claimedBefore) {
            LOG.info("{}: writing over the bundle a run that did not commit left at this key", b.key);
            return;
        }
        if (refused != null && refused.statusCode() == 501) {
            storage.conditionalWritesUnsupported();
            return;
        }
        if (refused != null && refused.statusCode() == 412) {
            throw new StrataException(ErrorCode.KEY_TAKEN, b.key + ": the bucket holds an object at this key that no"
                    + " manifest lists and that this installation never claimed; it is left as it is");
        }
        throw e;
    }

    /** S3 must hold the zip byte for byte; its SHA-256 is the bundle's. Then durable in its store. */
    public TenantBatch verify(TenantBatch b) throws IOException {
        long t0 = System.nanoTime();
        b.uploadMs = (t0 - b.exportedNanos) / 1_000_000;
        ReadBack stored = storage.readBack(b.key, b.file);
        if (stored == null) {
            throw new StrataException(ErrorCode.S3_UPLOAD, b.key + ": not found in S3 right after its upload");
        }
        if (!stored.identical() || stored.size() != b.bytes) {
            throw new StrataException(ErrorCode.CHECKSUM_MISMATCH, b.key + ": S3 holds " + stored.size() + " bytes (SHA-256 "
                    + stored.sha256() + "), which differ from the " + b.bytes + " bytes uploaded from byte "
                    + stored.firstDifference() + " on");
        }
        storage.durable(b.key);
        b.sha256 = stored.sha256();
        b.verifyMs = (System.nanoTime() - t0) / 1_000_000;
        return b;
    }

    /** Loads the bundle S3 verified into scratch tables that roll back, and compares (when the job says so). */
    public TenantBatch testRestore(TenantBatch b) throws Exception {
        if (b.plan.job().testRestore()) {
            long t0 = System.nanoTime();
            new TestRestore(databases).check(b);
            b.testRestoreMs = (System.nanoTime() - t0) / 1_000_000;
        }
        return b;
    }

    /**
     * Pretend: removes the pretend object and rolls back. Otherwise: the sidecar, the deletes of the main database
     * (children first), the manifest row and the pending deletes of the other databases, commit; then each other
     * database's deletes and commit; then the pending rows go.
     */
    public TenantResult commit(TenantBatch b) throws Exception {
        if (b.request.pretend()) {
            storage.delete(b.key);
            return end(b, TenantResult.Status.PRETEND, null).result;
        }
        String sidecar = ObjectKeys.sidecarKey(b.key);
        storage.putJson(sidecar, writer.sidecar(b));
        storage.durable(sidecar);
        UnitTransaction main = b.txs.get(TenantJobConfig.MAIN);
        deleteRows(b, TenantJobConfig.MAIN);
        long manifestId = insertManifest(b, main.connection());
        boolean others = false;
        for (String db : b.txs.keySet()) {
            if (!db.equals(TenantJobConfig.MAIN)) {
                others |= pending.record(main.connection(), manifestId, db, b);
            }
        }
        keys.end(main, b.key);
        main.commit();
        LOG.debug("{} of {}: main database committed", b.request.describe(), b.request.job());
        for (Map.Entry<String, UnitTransaction> tx : b.txs.entrySet()) {
            if (!tx.getKey().equals(TenantJobConfig.MAIN)) {
                deleteRows(b, tx.getKey());
                tx.getValue().commit();
            }
        }
        if (others) {
            pending.clear(manifestId);
        }
        return end(b, TenantResult.Status.ARCHIVED, null).result;
    }

    /** Rolls the bundle back (the route's error handler): every row is in its table again. */
    public TenantResult fail(TenantBatch b, Exception e) {
        if (b == null) {
            LOG.warn("tenant failed before it began: {}", e.getMessage());
            return null;
        }
        if (!b.uploadable()) {
            return b.result;
        }
        String message = e instanceof StrataException se ? se.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        LOG.warn("{} of {} failed, rolled back: {}", b.request.describe(), b.request.job(), message);
        if (b.request.pretend() && b.key != null) {
            try {
                storage.delete(b.key);
            } catch (RuntimeException ignored) {
                // a pretend object left behind is marked as one (metadata strata-pretend)
            }
        }
        return end(b, TenantResult.Status.FAILED, message).result;
    }

    private void deleteRows(TenantBatch b, String database) throws SQLException {
        Connection c = b.txs.get(database).connection();
        for (int i = b.entries.size() - 1; i >= 0; i--) {
            TenantBatch.Entry e = b.entries.get(i);
            if (!e.table.database().equals(database) || e.rows == e.kept) {
                continue;
            }
            try (Statement st = c.createStatement()) {
                int deleted = st.executeUpdate("DELETE FROM " + e.table.quoted() + " WHERE ctid IN (SELECT strata_ctid FROM "
                        + e.table.temp() + " WHERE NOT strata_keep)");
                if (deleted != e.rows - e.kept) {
                    throw new StrataException(ErrorCode.BATCH_FAILED, e.table.id() + ": deleted " + deleted
                            + " rows where " + (e.rows - e.kept) + " were exported to be deleted; rolled back");
                }
            }
        }
    }

    private long insertManifest(TenantBatch b, Connection c) throws SQLException, IOException {
        BundleTable root = b.plan.root();
        String sql = "INSERT INTO " + schema + ".manifest (job, table_name, tenant, window_start, window_end, chunk, bucket,"
                + " object_key, format, columns, row_count, raw_bytes, gzip_bytes, sha256, deleted, export_ms, upload_ms,"
                + " verify_ms, format_version, kind, tables, extract_ms, test_restore_ms, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?::jsonb, ?, ?, ?, ?, true, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?) RETURNING id";
        JobConfig.Format format = b.plan.job().format();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, b.request.job());
            ps.setString(2, root.qualified());
            ps.setString(3, b.request.tenant());
            Partition w = b.request.window();
            if (w == null) {
                ps.setObject(4, OffsetDateTime.parse(b.createdAt));
                ps.setObject(5, OffsetDateTime.parse(b.createdAt));
            } else {
                ps.setObject(4, w.window().startAt(w.job().zone()));
                ps.setObject(5, w.window().endAt(w.job().zone()));
            }
            ps.setInt(6, b.chunk);
            ps.setString(7, storage.bucket());
            ps.setString(8, b.key);
            ps.setString(9, format.extension());
            ps.setString(10, Manifests.columnsJson(root.columns()).toString());
            ps.setLong(11, b.rows());
            ps.setLong(12, b.rawBytes);
            ps.setLong(13, b.bytes);
            ps.setString(14, b.sha256);
            ps.setLong(15, b.extractMs);
            ps.setLong(16, b.uploadMs);
            ps.setLong(17, b.verifyMs);
            ps.setInt(18, format.version());
            ps.setString(19, b.kind());
            ps.setString(20, BundleWriter.tables(b, false).toString());
            ps.setLong(21, b.extractMs);
            ps.setObject(22, b.testRestoreMs, java.sql.Types.BIGINT);
            ps.setObject(23, w == null ? null : b.request.run().runId(), java.sql.Types.BIGINT);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private TenantBatch end(TenantBatch b, TenantResult.Status status, String error) {
        for (UnitTransaction tx : b.txs.values()) {
            tx.close();
        }
        if (b.file != null) {
            try {
                Files.deleteIfExists(b.file);
            } catch (IOException e) {
                LOG.warn("cannot delete temp file {}: {}", b.file, e.getMessage());
            }
        }
        boolean done = status == TenantResult.Status.ARCHIVED || status == TenantResult.Status.PRETEND;
        b.result = new TenantResult(b.request.job(), b.request.tenant(), status, b.chunk, done ? b.key : null,
                done ? b.rows() : 0, done ? b.kept() : 0, b.bytes, b.extractMs, b.testRestoreMs, b.elapsedMs(), error,
                done ? b.entries.stream().map(e -> new TenantResult.Table(e.table.id(), e.rows, e.rows - e.kept, e.kept)).toList()
                        : java.util.List.of(), b.rawBytes);
        return b;
    }

    private static boolean rootExists(Connection c, TenantPlan plan, String tenant) throws SQLException {
        BundleTable root = plan.root();
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + root.quoted() + " WHERE "
                + Sql.ident(plan.job().key()) + " = CAST(CAST(? AS text) AS " + plan.rootKeyType() + "))")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private int nextChunk(Connection c, TenantRequest r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(chunk), 0) + 1 FROM " + schema
                + ".manifest WHERE job = ? AND tenant = ? AND kind = 'tenant'")) {
            ps.setString(1, r.job());
            ps.setString(2, r.tenant());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** {@code {prefix}/{job}/{tenant}/{rootTable}-{tenant}-c{chunk}.zip} (BUNDLE.md). */
    String key(TenantPlan plan, String tenant, int chunk) {
        String segment = ObjectKeys.tenantSegment(tenant);
        return (prefix.isEmpty() ? "" : prefix + "/") + plan.job().name() + "/" + segment + "/" + plan.job().table() + "-"
                + segment + "-c" + chunk + ".zip";
    }

    /** A pretend bundle's key: under {@code pretend/}, never a key a real bundle takes; removed after the test. */
    String pretendKey(TenantPlan plan, String tenant) {
        String segment = ObjectKeys.tenantSegment(tenant);
        return (prefix.isEmpty() ? "" : prefix + "/") + plan.job().name() + "/" + segment + "/pretend/" + plan.job().table()
                + "-" + segment + "-" + UUID.randomUUID() + ".zip";
    }

    static ArrayNode array() {
        return JSON.createArrayNode();
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static String version() {
        return Version.VERSION;
    }

    static Column column(BundleTable t, String name) {
        return t.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
