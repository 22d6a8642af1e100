package io.strata.manifest;

import io.strata.db.Sql;
import io.strata.db.Database;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The {@code run} table: one row per run of a job, opened when it starts and closed when it ends. */
public final class RunLog {

    private static final String INSTANCE = ManagementFactory.getRuntimeMXBean().getName();

    private final Database database;
    private final String schema;

    public RunLog(Database database, String schema) {
        this.database = database;
        this.schema = Sql.ident(schema);
    }

    public long open(String job, String trigger, int partitions) {
        String sql = "INSERT INTO " + schema + ".run (job, instance, trigger, partitions) VALUES (?, ?, ?, ?) RETURNING id";
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            ps.setString(2, INSTANCE);
            ps.setString(3, trigger);
            ps.setInt(4, partitions);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                c.commit();
                return id;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write to " + schema + ".run: " + e.getMessage(), e);
        }
    }

    public void close(long runId, String status, int done, int failed, int skipped, long rows, long rawBytes,
            long gzipBytes, String error) {
        String sql = "UPDATE " + schema + ".run SET ended_at = now(), status = ?, partitions_done = ?,"
                + " partitions_failed = ?, partitions_skipped = ?, rows_archived = ?, raw_bytes = ?, gzip_bytes = ?,"
                + " error = ? WHERE id = ?";
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, status);
            ps.setInt(2, done);
            ps.setInt(3, failed);
            ps.setInt(4, skipped);
            ps.setLong(5, rows);
            ps.setLong(6, rawBytes);
            ps.setLong(7, gzipBytes);
            ps.setString(8, error);
            ps.setLong(9, runId);
            ps.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write to " + schema + ".run: " + e.getMessage(), e);
        }
    }
}
