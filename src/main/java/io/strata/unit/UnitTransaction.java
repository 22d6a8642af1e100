package io.strata.unit;

import io.strata.storage.Digests;
import io.strata.db.Database;
import io.strata.db.Sql;
import io.strata.storage.S3Storage;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one PostgreSQL transaction of a unit, from its lock to its commit: it owns the connection, holds the
 * unit's advisory locks, and is closed — rolled back unless committed — whatever happens between. Every
 * step of the batch route works inside it; only {@link #commit()} makes the unit's change visible.
 */
public final class UnitTransaction implements AutoCloseable {

    private final Connection connection;
    private Long manifestId;
    private boolean committed;
    private boolean closed;

    private UnitTransaction(Connection connection) {
        this.connection = connection;
    }

    /**
     * Opens a transaction for a unit. It is long on purpose (open through the upload and the read-back), and
     * gives up, rather than wait, on rows an application transaction keeps locked.
     */
    public static UnitTransaction open(Database database) throws SQLException {
        Connection c = database.connection();
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL statement_timeout = 0; SET LOCAL idle_in_transaction_session_timeout = 0;"
                    + " SET LOCAL lock_timeout = '30s'");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new UnitTransaction(c);
    }

    /** The connection, for the statements of the unit; never commit or close it directly. */
    public Connection connection() {
        return connection;
    }

    /** Takes the transaction-level advisory lock {@code name} (a 64-bit hash of it) if no one holds it. */
    public boolean tryLock(String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, lockId(name));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Reserves the id of the manifest row this unit will insert, from the manifest's own sequence, so that a
     * statement of the unit can write it into the source (an offload's ref column) before the row exists.
     * The same id on every call; the manifest row is inserted with it.
     */
    public long manifestId(String schema) throws SQLException {
        if (manifestId == null) {
            try (PreparedStatement ps = connection.prepareStatement("SELECT nextval(pg_get_serial_sequence(?, 'id'))")) {
                ps.setString(1, Sql.ident(schema) + ".manifest");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    manifestId = rs.getLong(1);
                }
            }
        }
        return manifestId;
    }

    /** The manifest id {@link #manifestId} reserved, or null when none was. */
    Long reservedManifestId() {
        return manifestId;
    }

    /** The first 64 bits of the name's SHA-256: the same lock in every instance. */
    static long lockId(String name) {
        byte[] h = Digests.sha256().digest(name.getBytes(StandardCharsets.UTF_8));
        long id = 0;
        for (int i = 0; i < 8; i++) {
            id = (id << 8) | (h[i] & 0xff);
        }
        return id;
    }

    public void commit() throws SQLException {
        connection.commit();
        committed = true;
    }

    public boolean committed() {
        return committed;
    }

    /** Rolls back what was not committed and gives the connection back; safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!committed) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is gone, and with it the transaction
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing left to release
        }
    }
}
