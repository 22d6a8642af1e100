package io.strata.restore;

import io.strata.db.Sql;
import io.strata.manifest.ManifestEntry;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/**
 * What has been restored where: the manifest row's state for an object's own table, and the
 * {@code restore} table for every load. Restoring is idempotent through these two: an object goes into
 * its own table while its manifest row says 'archived', and into any other table once.
 */
final class RestoreLog {

    private static final String INSTANCE = ManagementFactory.getRuntimeMXBean().getName();

    private final String schema;

    RestoreLog(String schema) {
        this.schema = Sql.ident(schema);
    }

    /** The table's oid: its identity, which a table dropped and created again does not keep; null when missing. */
    static Long oid(Connection c, Target t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?)::oid")) {
            ps.setString(1, t.sql());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long oid = rs.getLong(1);
                return rs.wasNull() ? null : oid;
            }
        }
    }

    /**
     * Why the object must not be loaded into {@code target} now, or null. With {@code lock}, first locks the
     * object's manifest row until the transaction ends, so that two restores of one object take turns and
     * the second one finds it done.
     */
    String skipReason(Connection c, ManifestEntry o, Target target, boolean live, boolean lock) throws SQLException {
        if (live && !o.deleted()) {
            return "export-only: its rows never left " + o.table() + " (restore --into another table to load them)";
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT state, restored_at FROM " + schema
                + ".manifest WHERE id = ?" + (lock ? " FOR UPDATE" : ""))) {
            ps.setLong(1, o.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "no longer in the manifest";
                }
                if (live && "restored".equals(rs.getString(1))) {
                    return "already restored into " + target + " at " + rs.getObject(2, OffsetDateTime.class);
                }
            }
        }
        Long oid = live ? null : oid(c, target);
        if (oid == null) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT restored_at FROM " + schema
                + ".restore WHERE manifest_id = ? AND target_oid = ?::oid")) {
            ps.setLong(1, o.id());
            ps.setLong(2, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? "already restored into " + target + " at "
                        + rs.getObject(1, OffsetDateTime.class) : null;
            }
        }
    }

    /** Records the load, in the transaction that did it; for the object's own table, marks its manifest row. */
    void record(Connection c, ManifestEntry o, Target target, long oid, long rows, long millis, boolean live)
            throws SQLException {
        record(c, o, target, oid, rows, millis);
        if (live) {
            restored(c, o);
        }
    }

    /** Records that {@code o} was loaded into {@code target} (table {@code oid}), in the transaction that did it. */
    void record(Connection c, ManifestEntry o, Target target, long oid, long rows, long millis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".restore (manifest_id, target,"
                + " target_oid, rows, millis, instance) VALUES (?, ?, ?::oid, ?, ?, ?) ON CONFLICT (manifest_id, target_oid)"
                + " DO UPDATE SET rows = excluded.rows, millis = excluded.millis, instance = excluded.instance,"
                + " restored_at = now()")) {
            ps.setLong(1, o.id());
            ps.setString(2, target.name());
            ps.setLong(3, oid);
            ps.setLong(4, rows);
            ps.setLong(5, millis);
            ps.setString(6, INSTANCE);
            ps.executeUpdate();
        }
    }

    /** Marks the manifest row of {@code o} restored: its rows are back in the table they were archived from. */
    void restored(Connection c, ManifestEntry o) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema
                + ".manifest SET state = 'restored', restored_at = now() WHERE id = ?")) {
            ps.setLong(1, o.id());
            ps.executeUpdate();
        }
    }
}
