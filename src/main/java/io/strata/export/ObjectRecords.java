package io.strata.export;

import io.strata.text.Json;
import io.strata.db.Sql;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.Version;
import io.strata.storage.S3Storage;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import io.strata.db.Database;
import java.time.Instant;

/**
 * What Strata records of an archived object: its chunk and key (claimed before the upload), its manifest
 * row (written in the batch's own transaction, which ends the claim) and its sidecar (the same facts
 * beside the object in the bucket).
 */
final class ObjectRecords {

    private static final ObjectMapper JSON = Json.mapper();

    private final Database database;
    private final String schema;
    private final String bucket;

    ObjectRecords(Database database, String schema, String bucket) {
        this.database = database;
        this.schema = Sql.ident(schema);
        this.bucket = bucket;
    }

    int nextChunk(Connection c, Partition p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(chunk), 0) + 1 FROM " + schema
                + ".manifest WHERE job = ? AND window_start = ? AND tenant IS NOT DISTINCT FROM ?")) {
            ps.setString(1, p.job().name());
            ps.setObject(2, p.window().startAt(p.job().zone()));
            ps.setString(3, p.tenant());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Chooses the batch's chunk and key, under the partition's lock and before anything is uploaded: the
     * first chunk from {@link #nextChunk} on whose key this transaction takes the key's own advisory lock
     * and that no manifest row lists, in any job. A key a manifest lists is never written again, whatever
     * led a new batch to it (a NULL tenant and a tenant spelled like its segment in keys written before,
     * a changed prefix, zone or batch).
     */
    void claimKey(BatchWork w, String prefix) throws SQLException {
        Partition p = w.partition;
        int first = nextChunk(w.connection, p);
        for (int chunk = first; chunk < first + MAX_TAKEN_KEYS; chunk++) {
            String key = ObjectKeys.objectKey(prefix, p, chunk);
            if (tryLock(w.connection, "strata key|" + bucket + "|" + key) && !listed(w.connection, key)) {
                w.chunk = chunk;
                w.key = key;
                recordClaim(w);
                return;
            }
        }
        throw new IllegalStateException(p.describe() + ": the keys of chunks " + first + " to "
                + (first + MAX_TAKEN_KEYS - 1) + " are all taken");
    }

    private static final int MAX_TAKEN_KEYS = 1000;

    /**
     * Records the claim in a transaction of its own, committed before anything is uploaded: should the batch
     * not commit, the claim says that whatever is at the key is this installation's orphan. A claim that was
     * there already (a batch of the key that did not commit) is noted in {@code w.claimedBefore}. (Asynchronous
     * commit: should PostgreSQL itself crash and lose it, the next batch of the key fails with KEY_TAKEN
     * rather than write over an object it cannot vouch for.)
     */
    private void recordClaim(BatchWork w) throws SQLException {
        w.claimedBefore = false;
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema
                + ".claim (bucket, object_key, job, run_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL synchronous_commit = off");
            }
            ps.setString(1, bucket);
            ps.setString(2, w.key);
            ps.setString(3, w.partition.job().name());
            ps.setLong(4, w.runId);
            w.claimedBefore = ps.executeUpdate() == 0;
            c.commit();
        }
    }

    private boolean listed(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + schema
                + ".manifest WHERE bucket = ? AND object_key = ?)")) {
            ps.setString(1, bucket);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Takes the transaction-level advisory lock named {@code name} (a 64-bit hash of it) if no one holds it. */
    static boolean tryLock(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, lockId(name));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The first 64 bits of the name's SHA-256: the same lock in every instance. */
    static long lockId(String name) {
        byte[] h = S3Storage.sha256().digest(name.getBytes(StandardCharsets.UTF_8));
        long id = 0;
        for (int i = 0; i < 8; i++) {
            id = (id << 8) | (h[i] & 0xff);
        }
        return id;
    }

    void insertManifest(BatchWork w) throws SQLException {
        Partition p = w.partition;
        String sql = "INSERT INTO " + schema + ".manifest (job, table_name, tenant, window_start, window_end, chunk,"
                + " bucket, object_key, format, columns, row_count, raw_bytes, gzip_bytes, sha256, deleted, export_ms,"
                + " upload_ms, verify_ms, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = w.connection.prepareStatement(sql)) {
            ps.setString(1, p.job().name());
            ps.setString(2, p.job().qualifiedTable());
            ps.setString(3, p.tenant());
            ps.setObject(4, p.window().startAt(p.job().zone()));
            ps.setObject(5, p.window().endAt(p.job().zone()));
            ps.setInt(6, w.chunk);
            ps.setString(7, bucket);
            ps.setString(8, w.key);
            ps.setString(9, p.job().format().extension());
            ps.setString(10, columnsJson(w).toString());
            ps.setLong(11, w.rows);
            ps.setLong(12, w.rawBytes);
            ps.setLong(13, w.gzipBytes);
            ps.setString(14, w.sha256);
            ps.setBoolean(15, p.job().delete());
            ps.setLong(16, w.exportMs);
            ps.setLong(17, w.uploadMs);
            ps.setLong(18, w.verifyMs);
            ps.setLong(19, w.runId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = w.connection.prepareStatement("DELETE FROM " + schema
                + ".claim WHERE bucket = ? AND object_key = ?")) {
            ps.setString(1, bucket);
            ps.setString(2, w.key);
            ps.executeUpdate();
        }
    }

    private ArrayNode columnsJson(BatchWork w) {
        ArrayNode cols = JSON.createArrayNode();
        for (TableInfo.Column c : w.table.columns()) {
            ObjectNode col = cols.addObject().put("name", c.name()).put("type", c.type());
            if (c.generated()) {
                col.put("generated", true);
            }
            if (c.identity()) {
                col.put("identity", true);
            }
        }
        return cols;
    }

    /** The sidecar: enough to restore the object with nothing but the bucket. */
    byte[] sidecar(BatchWork w) throws IOException {
        Partition p = w.partition;
        ObjectNode s = JSON.createObjectNode();
        s.put("tool", "strata").put("version", Version.VERSION).put("job", p.job().name())
                .put("table", p.job().qualifiedTable());
        if (p.tenantSplit()) {
            s.put("tenantColumn", p.job().tenantColumn()).put("tenant", p.tenant());
        }
        s.put("timestampColumn", p.job().timestampColumn())
                .put("windowStart", p.window().startAt(p.job().zone()).toString())
                .put("windowEnd", p.window().endAt(p.job().zone()).toString())
                .put("chunk", w.chunk)
                .put("format", p.job().format().extension())
                .put("compression", "gzip");
        s.set("columns", columnsJson(w));
        s.put("rows", w.rows).put("rawBytes", w.rawBytes).put("bytes", w.gzipBytes).put("sha256", w.sha256)
                .put("deletedFromSource", p.job().delete()).put("archivedAt", Instant.now().toString());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s);
    }
}
