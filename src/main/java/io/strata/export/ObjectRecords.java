package io.strata.export;

import io.strata.db.Sql;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.Version;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * What Strata records of an archived object: its chunk number, its manifest row (written in the
 * batch's own transaction) and its sidecar (the same facts beside the object in the bucket).
 */
final class ObjectRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String schema;
    private final String bucket;

    ObjectRecords(String schema, String bucket) {
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

    void insertManifest(BatchWork w) throws SQLException {
        Partition p = w.partition;
        String sql = "INSERT INTO " + schema + ".manifest (job, table_name, tenant, window_start, window_end, chunk,"
                + " bucket, object_key, format, columns, row_count, raw_bytes, gzip_bytes, sha256, deleted, export_ms,"
                + " upload_ms, verify_ms, run_id, format_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?)";
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
            ps.setInt(20, p.job().format().version());
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
            if (c.json() != null) {
                col.put("json", c.json());
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
                .put("formatVersion", p.job().format().version())
                .put("compression", "gzip");
        s.set("columns", columnsJson(w));
        s.put("rows", w.rows).put("rawBytes", w.rawBytes).put("bytes", w.gzipBytes).put("sha256", w.sha256)
                .put("deletedFromSource", p.job().delete()).put("archivedAt", Instant.now().toString());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s);
    }
}
