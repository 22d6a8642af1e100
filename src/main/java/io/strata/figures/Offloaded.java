package io.strata.figures;

import io.strata.config.JobConfig;
import io.strata.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * What an offload job took out of its table (README: Offloading a column). The bytes are PostgreSQL's own measure of
 * each value as stored ({@code pg_column_size}: after TOAST compression, in the table or its TOAST table), summed
 * by each batch over exactly the values it NULLed, and recorded with its object ({@code manifest.source_bytes}).
 *
 * @param columns      the offloaded columns
 * @param values       rows whose values are offloaded now (objects not restored)
 * @param bytes        what those values took in the table, TOAST included
 * @param restoredBytes what the restored objects' values took (back in the table)
 * @param tableBytes   the table now, TOAST and indexes included ({@code pg_total_relation_size})
 * @param toastBytes   its TOAST table now, with the TOAST index
 * @param space        when the space comes back, in words
 */
public record Offloaded(List<String> columns, long values, long bytes, long restoredBytes, Long tableBytes,
        Long toastBytes, String space) {

    static final String SPACE = "the offloaded values' space in the table and its TOAST table is reusable by new rows"
            + " once VACUUM has run over them (autovacuum does, or run VACUUM); the files shrink only with VACUUM FULL"
            + " or pg_repack";

    /** The figure of one offload job, from the manifest and the catalog. */
    static Offloaded read(Connection c, String schema, JobConfig job) throws SQLException {
        long values = 0;
        long bytes = 0;
        long restored = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(row_count) FILTER (WHERE state = 'archived'), 0),"
                + " coalesce(sum(source_bytes) FILTER (WHERE state = 'archived'), 0),"
                + " coalesce(sum(source_bytes) FILTER (WHERE state = 'restored'), 0) FROM " + Sql.ident(schema)
                + ".manifest WHERE job = ? AND kind = 'offload'")) {
            ps.setString(1, job.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    values = rs.getLong(1);
                    bytes = rs.getLong(2);
                    restored = rs.getLong(3);
                }
            }
        }
        Long table = null;
        Long toast = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_total_relation_size(r.oid),"
                + " CASE WHEN r.reltoastrelid <> 0 THEN pg_total_relation_size(r.reltoastrelid) END"
                + " FROM pg_class r WHERE r.oid = to_regclass(?)")) {
            ps.setString(1, Sql.ident(job.schema()) + "." + Sql.ident(job.table()));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    table = rs.getLong(1);
                    toast = rs.getObject(2) == null ? null : rs.getLong(2);
                }
            }
        }
        return new Offloaded(job.offload().columns(), values, bytes, restored, table, toast, SPACE);
    }
}
