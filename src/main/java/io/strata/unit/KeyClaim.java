package io.strata.unit;

import io.strata.db.Database;
import io.strata.db.Sql;
import io.strata.export.ObjectKeys;
import io.strata.export.Partition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The key a unit's object goes to, chosen under the unit's lock before anything is uploaded (invariant 9):
 * the first chunk from the window's next one whose key this transaction takes the key's own advisory lock on
 * and that no manifest row lists, in any job. A key a manifest lists is never written again, whatever led a
 * new batch to it (a tenant spelled like an older key's segment, a changed prefix, zone or batch). The claim
 * is recorded, committed on its own, before the upload: should the batch not commit, the claim says that
 * whatever is at the key is this installation's orphan.
 */
public final class KeyClaim {

    private static final int MAX_TAKEN_KEYS = 1000;

    private final Database database;
    private final String schema;
    private final String bucket;
    private final String prefix;

    public KeyClaim(Database database, String schema, String bucket, String prefix) {
        this.database = database;
        this.schema = Sql.ident(schema);
        this.bucket = bucket;
        this.prefix = prefix;
    }

    public Batch.Claim claim(UnitTransaction tx, Partition p, long runId) throws SQLException {
        return claim(tx, p.job().name(), p.describe(), nextChunk(tx.connection(), p),
                chunk -> ObjectKeys.objectKey(prefix, p, chunk), runId);
    }

    /**
     * The claim of a unit whose keys another kind lays out (a tenant bundle): the first chunk from {@code first}
     * whose key ({@code keyOfChunk}) this transaction locks and no manifest lists, recorded as claimed.
     */
    public Batch.Claim claim(UnitTransaction tx, String job, int first, java.util.function.IntFunction<String> keyOfChunk,
            long runId) throws SQLException {
        return claim(tx, job, job, first, keyOfChunk, runId);
    }

    private Batch.Claim claim(UnitTransaction tx, String job, String unit, int first,
            java.util.function.IntFunction<String> keyOfChunk, long runId) throws SQLException {
        for (int chunk = first; chunk < first + MAX_TAKEN_KEYS; chunk++) {
            String key = keyOfChunk.apply(chunk);
            if (tx.tryLock("strata key|" + bucket + "|" + key) && !listed(tx.connection(), key)) {
                return new Batch.Claim(key, chunk, !record(key, job, runId));
            }
        }
        throw new IllegalStateException(unit + ": the keys of chunks " + first + " to " + (first + MAX_TAKEN_KEYS - 1)
                + " are all taken");
    }

    /** The chunk after the last one the manifest lists for the partition's window (and tenant). */
    private int nextChunk(Connection c, Partition p) throws SQLException {
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

    /**
     * Records the claim in a transaction of its own; false when the key was claimed already (by a batch
     * that did not commit). Asynchronous commit: should PostgreSQL itself crash and lose it, the next batch
     * of the key fails with KEY_TAKEN rather than write over an object it cannot vouch for.
     */
    private boolean record(String key, String job, long runId) throws SQLException {
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema
                + ".claim (bucket, object_key, job, run_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL synchronous_commit = off");
            }
            ps.setString(1, bucket);
            ps.setString(2, key);
            ps.setString(3, job);
            ps.setLong(4, runId);
            boolean inserted = ps.executeUpdate() == 1;
            c.commit();
            return inserted;
        }
    }

    /** Ends the claim, in the transaction that records the object in the manifest. */
    public void end(UnitTransaction tx, String key) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM " + schema
                + ".claim WHERE bucket = ? AND object_key = ?")) {
            ps.setString(1, bucket);
            ps.setString(2, key);
            ps.executeUpdate();
        }
    }
}
