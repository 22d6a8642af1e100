package io.strata.kinds.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.db.Database;
import io.strata.db.Sql;
import io.strata.text.Json;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The extraction records of a tenant job: one per bundle, from the manifest ({@code tenants --job J}). */
public final class TenantListing {

    /**
     * One bundle.
     *
     * @param tables the bundle's tables: database, table, rows, deleted, kept
     */
    public record Bundle(String tenant, int chunk, String objectKey, int tableCount, long rows, long bytes, long rawBytes,
            String sha256, Long extractMs, Long testRestoreMs, String archivedAt, String state, JsonNode tables) {}

    private TenantListing() {}

    public static List<Bundle> list(Database database, String schema, String job) {
        List<Bundle> out = new ArrayList<>();
        String sql = "SELECT tenant, chunk, object_key, coalesce(jsonb_array_length(tables), 0), row_count, gzip_bytes, raw_bytes,"
                + " sha256, extract_ms::bigint, test_restore_ms::bigint, to_char(archived_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                + " state, coalesce(tables, '[]')::text FROM " + Sql.ident(schema) + ".manifest WHERE job = ? AND kind = 'tenant'"
                + " ORDER BY archived_at, id";
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Bundle(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getInt(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getString(8), (Long) rs.getObject(9, Long.class),
                            (Long) rs.getObject(10, Long.class), rs.getString(11), rs.getString(12),
                            Json.mapper().readTree(rs.getString(13))));
                }
            }
            c.rollback();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("reading the manifest: " + e.getMessage(), e);
        }
        return out;
    }
}
