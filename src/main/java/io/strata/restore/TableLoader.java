package io.strata.restore;

import io.strata.db.Column;
import io.strata.db.Sql;
import io.strata.manifest.ManifestEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * Creates the table a row object is restored into, and loads the gzipped object there through
 * {@link EntryLoader}, inside the caller's transaction.
 */
final class TableLoader {

    private static final int BUFFER = 1 << 16;

    private TableLoader() {}

    /**
     * Creates {@code into} when it does not exist: like the object's source table when that one still has
     * every archived column, else from the object's own column list. Returns the table's oid.
     */
    static long ensure(Connection c, Target into, ManifestEntry o) throws SQLException {
        // An offload object holds a key and some columns: its own columns make the table.
        return ensure(c, into, Target.parse(o.table(), "manifest table_name"), o.columns(), !o.offload());
    }

    /**
     * Creates {@code into} when it does not exist: with {@code like}, like {@code source} when that one exists and
     * still has every one of {@code columns}; else from {@code columns} themselves. Returns the table's oid.
     */
    static long ensure(Connection c, Target into, Target source, List<Column> columns, boolean like) throws SQLException {
        Long oid = RestoreLog.oid(c, into);
        if (oid != null) {
            return oid;
        }
        // Objects of one restore load at once: the first to get here creates the table, and the others
        // wait for its transaction, then find the table. (Two CREATE TABLE IF NOT EXISTS at once can fail.)
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, "strata restore into " + into.sql());
            ps.execute();
        }
        oid = RestoreLog.oid(c, into);
        if (oid != null) {
            return oid;
        }
        Set<String> sourceColumns = Column.of(c, source.sql()).stream().map(Column::name)
                .collect(Collectors.toSet());
        String ddl = like && !sourceColumns.isEmpty() && sourceColumns.containsAll(columns.stream().map(Column::name).toList())
                ? "LIKE " + source.sql() + " INCLUDING ALL"
                : columns.stream().map(col -> Sql.ident(col.name()) + " " + col.type()).collect(Collectors.joining(", "));
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + into.sql() + " (" + ddl + ")");
        }
        return RestoreLog.oid(c, into);
    }

    /** Loads the object in {@code file} into {@code target}; returns the rows inserted. */
    static long load(Connection c, ManifestEntry o, Target target, Path file) throws SQLException, IOException {
        try (InputStream in = gunzip(file)) {
            return EntryLoader.load(c, target, o.columns(), o.format(), o.formatVersion(), in, o.key());
        }
    }

    static InputStream gunzip(Path file) throws IOException {
        return new GZIPInputStream(Files.newInputStream(file), BUFFER);
    }
}
