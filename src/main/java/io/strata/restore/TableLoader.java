package io.strata.restore;

import io.strata.db.Column;
import io.strata.db.Sql;
import io.strata.ErrorCode;
import io.strata.StrataException;

import io.strata.format.Records;
import io.strata.manifest.ManifestEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Loads one gzipped object into a table, inside the caller's transaction. CSV goes through
 * {@code COPY FROM STDIN}; JSON lines through {@link JsonLoader}. Either is checked against the object's
 * columns as it streams past. Columns the table generates are left out and recomputed; identity columns
 * keep their archived values.
 */
final class TableLoader {

    private static final int BUFFER = 1 << 16;

    private TableLoader() {}

    /**
     * Creates {@code into} when it does not exist: like the object's source table when that one still has
     * every archived column, else from the object's own column list. Returns the table's oid.
     */
    static long ensure(Connection c, Target into, ManifestEntry o) throws SQLException {
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
        Target source = Target.parse(o.table(), "manifest table_name");
        Set<String> sourceColumns = Column.of(c, source.sql()).stream().map(Column::name)
                .collect(Collectors.toSet());
        // An offload object holds a key and some columns: its own columns make the table.
        String ddl = !o.offload() && sourceColumns.containsAll(o.columns().stream().map(Column::name).toList())
                ? "LIKE " + source.sql() + " INCLUDING ALL"
                : o.columns().stream().map(col -> Sql.ident(col.name()) + " " + col.type()).collect(Collectors.joining(", "));
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + into.sql() + " (" + ddl + ")");
        }
        return RestoreLog.oid(c, into);
    }

    /** Loads the object in {@code file} into {@code target}; returns the rows inserted. */
    static long load(Connection c, ManifestEntry o, Target target, Path file) throws SQLException, IOException {
        Map<String, Column> table = Column.of(c, target.sql()).stream()
                .collect(Collectors.toMap(Column::name, Function.identity()));
        List<String> missing = o.columns().stream().map(Column::name).filter(n -> !table.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new StrataException(ErrorCode.RESTORE_FAILED, o.key() + ": " + target + " has no column "
                    + String.join(", ", missing) + " (dropped since the object was archived?); restore --into a new"
                    + " table to see them");
        }
        boolean[] keep = new boolean[o.columns().size()];
        List<Column> archived = new ArrayList<>();
        List<Column> columns = new ArrayList<>();
        boolean identity = false;
        for (int i = 0; i < keep.length; i++) {
            Column col = table.get(o.columns().get(i).name());
            keep[i] = !col.generated();
            if (keep[i]) {
                archived.add(o.columns().get(i));
                columns.add(col);
                identity |= col.identity();
            }
        }
        boolean all = columns.size() == keep.length;
        return o.csv() ? copyCsv(c, o, target, columns, all ? null : keep, file)
                : JsonLoader.load(c, o, target, archived, columns, identity, file);
    }

    /** CSV goes to COPY as it is, checked on the way (the header must name the object's columns, in order). */
    private static long copyCsv(Connection c, ManifestEntry o, Target target, List<Column> columns,
            boolean[] keep, Path file) throws SQLException, IOException {
        String sql = "COPY " + target.sql() + " (" + columns.stream().map(col -> Sql.ident(col.name()))
                .collect(Collectors.joining(", ")) + ") FROM STDIN (FORMAT csv, HEADER)";
        PGCopyOutputStream copy = new PGCopyOutputStream(c.unwrap(PGConnection.class), sql, BUFFER);
        try (InputStream in = gunzip(file)) {
            Records records = o.reader(copy, keep);
            in.transferTo(records);
            records.finish();
            return copy.endCopy();
        } finally {
            // A COPY that did not reach its end must be cancelled: until then the connection can do
            // nothing else, not even roll back.
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    static InputStream gunzip(Path file) throws IOException {
        return new GZIPInputStream(Files.newInputStream(file), BUFFER);
    }
}
