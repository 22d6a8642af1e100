package io.strata.manifest;

import io.strata.db.Sql;
import io.strata.db.Database;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code run} table: one row per run of a job. The archive route opens and closes it (routes/sql/);
 * this class closes the runs that could not close themselves.
 */
public final class RunLog {

    /** This machine's name, as the JVM knows it (the host part of the runtime's {@code pid@host}). */
    public static final String HOST = host();
    /** This process as the run table names it: {@code host:pid}. */
    public static final String INSTANCE = HOST + ":" + ProcessHandle.current().pid();
    /** The error of a run whose process ended without closing it. */
    public static final String ABANDONED = "the process ended without closing the run";

    private final Database database;
    private final String schema;

    public RunLog(Database database, String schema) {
        this.database = database;
        this.schema = Sql.ident(schema);
    }

    private static String host() {
        String name = ManagementFactory.getRuntimeMXBean().getName();
        return name.substring(name.indexOf('@') + 1);
    }

    /**
     * Closes the runs of {@code job} that a process of this host left {@code running} and that nothing
     * will close any more, because that process is gone (killed, crashed, its machine restarted). They
     * become {@code failed}, with what they archived counted from the manifest (each of their batches
     * either committed its manifest row or rolled back). Runs of other hosts are left alone: whether
     * their process lives cannot be seen from here. A pid the system has since given to another process
     * looks alive, and its run stays {@code running} until that process ends. Returns the runs closed.
     */
    public List<Long> closeAbandoned(String job) {
        String find = "SELECT id, instance FROM " + schema + ".run WHERE job = ? AND status = 'running'"
                + " AND starts_with(instance, ?)";
        String close = "UPDATE " + schema + ".run r SET ended_at = now(), status = 'failed', error = ?,"
                + " partitions_done = m.done, rows_archived = m.rows, raw_bytes = m.raw, gzip_bytes = m.gzip"
                + " FROM (SELECT count(*) AS done, coalesce(sum(row_count), 0) AS rows, coalesce(sum(raw_bytes), 0) AS raw,"
                + " coalesce(sum(gzip_bytes), 0) AS gzip FROM " + schema + ".manifest WHERE run_id = ?) m"
                + " WHERE r.id = ? AND r.status = 'running'";
        Map<Long, String> abandoned = new LinkedHashMap<>();
        try (Connection c = database.connection()) {
            try (PreparedStatement ps = c.prepareStatement(find)) {
                ps.setString(1, job);
                ps.setString(2, HOST + ":");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!alive(rs.getString(2))) {
                            abandoned.put(rs.getLong(1), rs.getString(2));
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(close)) {
                for (var run : abandoned.entrySet()) {
                    ps.setString(1, ABANDONED + " (process " + run.getValue() + "; closed by " + INSTANCE + ")");
                    ps.setLong(2, run.getKey());
                    ps.setLong(3, run.getKey());
                    ps.executeUpdate();
                }
            }
            c.commit();
            return List.copyOf(abandoned.keySet());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write to " + schema + ".run: " + e.getMessage(), e);
        }
    }

    /** Whether the process named {@code instance} ({@code host:pid}, this host) is alive; true when it cannot be told. */
    private static boolean alive(String instance) {
        try {
            long pid = Long.parseLong(instance.substring(HOST.length() + 1));
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /**
     * Closes a run that could not end normally (its close in the archive route failed, or the run failed
     * before it): status failed with its error, what it archived left as counted so far. The normal
     * close is the archive route's, routes/sql/run-close.sql.
     */
    public void failed(long runId, String error) {
        String sql = "UPDATE " + schema + ".run SET ended_at = now(), status = 'failed', error = ? WHERE id = ?"
                + " AND status = 'running'";
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, error);
            ps.setLong(2, runId);
            ps.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write to " + schema + ".run: " + e.getMessage(), e);
        }
    }
}
