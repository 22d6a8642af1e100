package io.strata.unit;

import io.strata.db.Column;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.Version;
import io.strata.db.Sql;
import io.strata.export.Partition;
import io.strata.text.Json;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * What Strata records of an archived object: its manifest row (written in the unit's own transaction) and
 * its sidecar (the same facts beside the object in the bucket, so that the bucket describes itself).
 */
final class ObjectRecords {

    private static final ObjectMapper JSON = Json.mapper();

    private final String schema;
    private final String bucket;

    ObjectRecords(String schema, String bucket) {
        this.schema = Sql.ident(schema);
        this.bucket = bucket;
    }

    /**
     * Inserts the object's manifest row, with the id the unit reserved when it did ({@link UnitTransaction#manifestId}),
     * its kind, and what its change freed in the source ({@code source_bytes}) when the kind measures it.
     */
    void insertManifest(VerifiedBatch v, UnitExport kind) throws SQLException {
        Batch w = v.batch();
        Partition p = w.partition();
        Long id = w.tx().reservedManifestId();
        Long sourceBytes = kind.sourceBytes(w.tx());
        String sql = "INSERT INTO " + schema + ".manifest (job, table_name, tenant, window_start, window_end, chunk,"
                + " bucket, object_key, format, columns, row_count, raw_bytes, gzip_bytes, sha256, deleted, export_ms,"
                + " upload_ms, verify_ms, run_id, format_version, kind, source_bytes, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, nextval(pg_get_serial_sequence(?, 'id'))))";
        try (PreparedStatement ps = w.tx().connection().prepareStatement(sql)) {
            ps.setString(1, p.job().name());
            ps.setString(2, p.job().qualifiedTable());
            ps.setString(3, p.tenant());
            ps.setObject(4, p.window().startAt(p.job().zone()));
            ps.setObject(5, p.window().endAt(p.job().zone()));
            ps.setInt(6, w.claim().chunk());
            ps.setString(7, bucket);
            ps.setString(8, w.key());
            ps.setString(9, p.job().format().extension());
            ps.setString(10, columnsJson(kind.columns(p, w.table())).toString());
            ps.setLong(11, w.exported().rows());
            ps.setLong(12, w.exported().rawBytes());
            ps.setLong(13, w.exported().gzipBytes());
            ps.setString(14, v.sha256());
            ps.setBoolean(15, p.job().delete());
            ps.setLong(16, w.exported().exportMs());
            ps.setLong(17, v.uploadMs());
            ps.setLong(18, v.verifyMs());
            ps.setLong(19, w.runId());
            ps.setInt(20, p.job().format().version());
            ps.setString(21, kind.kind());
            ps.setObject(22, sourceBytes, java.sql.Types.BIGINT);
            ps.setObject(23, id, java.sql.Types.BIGINT);
            ps.setString(24, schema + ".manifest");
            ps.executeUpdate();
        }
    }

    private static ArrayNode columnsJson(java.util.List<Column> columns) {
        ArrayNode cols = JSON.createArrayNode();
        for (Column c : columns) {
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
    byte[] sidecar(VerifiedBatch v, UnitExport kind) throws IOException {
        Batch w = v.batch();
        Partition p = w.partition();
        ObjectNode s = JSON.createObjectNode();
        s.put("tool", "strata").put("version", Version.VERSION).put("job", p.job().name())
                .put("table", p.job().qualifiedTable());
        if (p.tenantSplit()) {
            s.put("tenantColumn", p.job().tenantColumn()).put("tenant", p.tenant());
        }
        s.put("timestampColumn", p.job().timestampColumn())
                .put("windowStart", p.window().startAt(p.job().zone()).toString())
                .put("windowEnd", p.window().endAt(p.job().zone()).toString())
                .put("chunk", w.claim().chunk())
                .put("format", p.job().format().extension())
                .put("formatVersion", p.job().format().version())
                .put("compression", "gzip")
                .put("kind", kind.kind());
        if (p.job().offloads()) {
            ObjectNode o = s.putObject("offload").put("key", p.job().offload().key());
            p.job().offload().columns().forEach(o.putArray("columns")::add);
            o.put("flagColumn", p.job().offload().flagColumn()).put("refColumn", p.job().offload().refColumn());
            if (w.tx().reservedManifestId() != null) {
                s.put("manifestId", w.tx().reservedManifestId());
            }
        }
        s.set("columns", columnsJson(kind.columns(p, w.table())));
        s.put("rows", w.exported().rows()).put("rawBytes", w.exported().rawBytes()).put("bytes", w.exported().gzipBytes()).put("sha256", v.sha256())
                .put("deletedFromSource", p.job().delete() && !p.job().offloads()).put("archivedAt", Instant.now().toString());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s);
    }
}
