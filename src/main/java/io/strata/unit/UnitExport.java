package io.strata.unit;

import io.strata.db.Column;
import io.strata.export.Partition;
import io.strata.export.TableInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.List;

/**
 * What a kind of archive does inside a unit's transaction: write the unit's data and make its change to the
 * source (delete the rows, NULL the columns) — in one statement where it can, so that what changes is
 * exactly what was written. The unit transaction core does the rest: lock, key, upload, verify, durability,
 * manifest and commit.
 */
public interface UnitExport {

    /** Streams the unit's data into {@code out} (gzip is the caller's); returns the rows written. */
    long export(UnitTransaction tx, Partition p, TableInfo table, OutputStream out) throws SQLException, IOException;

    /** The rows of the unit that stay as they are though due (other rows reference them); 0 when none can. */
    long kept(UnitTransaction tx, Partition p, TableInfo table) throws SQLException;

    /** True when the unit was exported before and is not to be exported again (export-only jobs). */
    boolean alreadyExported(UnitTransaction tx, Partition p) throws SQLException;

    /** The manifest's {@code kind} of the objects: {@code rows}, {@code offload}, {@code tenant}. */
    default String kind() {
        return "rows";
    }

    /** The columns the object holds, in its order (the manifest and the sidecar record them). */
    default List<Column> columns(Partition p, TableInfo table) {
        return table.columns();
    }

    /**
     * What the unit's change frees in the source table, in bytes as PostgreSQL stores them (TOAST included),
     * read in the unit's transaction after {@link #export}; null when the kind does not measure it.
     */
    default Long sourceBytes(UnitTransaction tx) throws SQLException {
        return null;
    }
}
