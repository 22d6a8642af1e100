package io.strata.manifest;

import io.strata.db.Column;
import io.strata.text.Json;
import io.strata.db.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads the manifest: the objects of a job whose windows overlap a time range. */
public final class Manifests {

    private static final ObjectMapper JSON = Json.mapper();

    private final String schema;

    public Manifests(String schema) {
        this.schema = Sql.ident(schema);
    }

    /** True once Strata's tables exist (the first archive, restore or verify creates them). */
    public boolean installed(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, schema + ".manifest");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * The objects of {@code job} (every job when null) whose windows overlap {@code [from, to)} (either end
     * may be null: open), of the tenants {@code tenant} selects; by window, tenant and chunk.
     */
    public List<ManifestEntry> find(Connection c, String job, OffsetDateTime from, OffsetDateTime to, TenantFilter tenant)
            throws SQLException {
        String sql = "SELECT id, job, table_name, tenant, window_start, window_end, chunk, bucket, object_key, format,"
                + " columns::text, row_count, gzip_bytes, sha256, deleted, state, restored_at, format_version, kind FROM " + schema
                + ".manifest WHERE (?::text IS NULL OR job = ?) AND (?::timestamptz IS NULL OR window_end > ?)"
                + " AND (?::timestamptz IS NULL OR window_start < ?) AND (? OR tenant IS NOT DISTINCT FROM ?)"
                + " ORDER BY job, window_start, tenant NULLS FIRST, chunk";
        List<ManifestEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Object[] args = {job, from, to, tenant.all()};
            for (int i = 0; i < args.length; i++) {
                ps.setObject(2 * i + 1, args[i]);
                ps.setObject(2 * i + 2, args[i]);
            }
            ps.setString(8, tenant.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ManifestEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getObject(5, OffsetDateTime.class), rs.getObject(6, OffsetDateTime.class), rs.getInt(7),
                            rs.getString(8), rs.getString(9), rs.getString(10), columns(rs.getString(11)),
                            rs.getLong(12), rs.getLong(13), rs.getString(14), rs.getBoolean(15), rs.getString(16),
                            rs.getObject(17, OffsetDateTime.class), rs.getInt(18), rs.getString(19)));
                }
            }
        }
        return out;
    }

    /** Every object key the manifest lists for {@code job}, whatever its window. */
    public Set<String> keys(Connection c, String job) throws SQLException {
        Set<String> keys = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT object_key FROM " + schema + ".manifest WHERE job = ?")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }

    /** The kinds of unit ({@code rows}, {@code offload}, {@code tenant}) of {@code job}'s objects. */
    public Set<String> kinds(Connection c, String job) throws SQLException {
        Set<String> kinds = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT kind FROM " + schema + ".manifest WHERE job = ?")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    kinds.add(rs.getString(1));
                }
            }
        }
        return kinds;
    }

    /** The jobs that have objects in the manifest. */
    public List<String> jobs(Connection c) throws SQLException {
        List<String> jobs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT job FROM " + schema + ".manifest ORDER BY 1");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                jobs.add(rs.getString(1));
            }
        }
        return jobs;
    }

    /** Columns as the manifest, the sidecars and bundle.json write them: name and type, and what restore must know. */
    public static ArrayNode columnsJson(List<Column> columns) {
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

    /** The manifest's {@code columns} (JSON) as columns. */
    public static List<Column> columns(String json) {
        List<Column> out = new ArrayList<>();
        try {
            for (JsonNode col : JSON.readTree(json)) {
                out.add(new Column(col.get("name").asText(), col.get("type").asText(),
                        col.path("generated").asBoolean(false), col.path("identity").asBoolean(false),
                        col.hasNonNull("json") ? col.get("json").asText() : null, false));
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("manifest columns are not JSON: " + json, e);
        }
        return List.copyOf(out);
    }
}
