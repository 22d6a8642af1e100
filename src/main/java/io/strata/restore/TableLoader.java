package io.strata.restore;

import io.strata.db.Sql;
import io.strata.ErrorCode;
import io.strata.StrataException;

import io.strata.export.TableInfo;
import io.strata.format.CsvRecords;
import io.strata.format.Malformed;
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
 * {@code COPY FROM STDIN}; JSON lines are copied into a temp table and inserted through
 * {@code json_populate_record}, which reads each value with the column's own input function. Columns
 * the table generates are left out and recomputed; identity columns keep their archived values.
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
        Set<String> sourceColumns = TableInfo.columns(c, source.sql()).stream().map(TableInfo.Column::name)
                .collect(Collectors.toSet());
        String ddl = sourceColumns.containsAll(o.columns().stream().map(TableInfo.Column::name).toList())
                ? "LIKE " + source.sql() + " INCLUDING ALL"
                : o.columns().stream().map(col -> Sql.ident(col.name()) + " " + col.type()).collect(Collectors.joining(", "));
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + into.sql() + " (" + ddl + ")");
        }
        return RestoreLog.oid(c, into);
    }

    /** Loads the object in {@code file} into {@code target}; returns the rows inserted. */
    static long load(Connection c, ManifestEntry o, Target target, Path file) throws SQLException, IOException {
        Map<String, TableInfo.Column> table = TableInfo.columns(c, target.sql()).stream()
                .collect(Collectors.toMap(TableInfo.Column::name, Function.identity()));
        List<String> missing = o.columns().stream().map(TableInfo.Column::name).filter(n -> !table.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new StrataException(ErrorCode.RESTORE_FAILED, o.key() + ": " + target + " has no column "
                    + String.join(", ", missing) + " (dropped since the object was archived?); restore --into a new"
                    + " table to see them");
        }
        boolean[] keep = new boolean[o.columns().size()];
        List<String> columns = new ArrayList<>();
        boolean identity = false;
        for (int i = 0; i < keep.length; i++) {
            TableInfo.Column col = table.get(o.columns().get(i).name());
            keep[i] = !col.generated();
            if (keep[i]) {
                columns.add(Sql.ident(col.name()));
                identity |= col.identity();
            }
        }
        boolean all = columns.size() == keep.length;
        return o.csv() ? copyCsv(c, target, columns, all ? null : keep, keep.length, file)
                : insertJson(c, target, columns, identity, file);
    }

    private static long copyCsv(Connection c, Target target, List<String> columns, boolean[] keep, int fields,
            Path file) throws SQLException, IOException {
        String sql = "COPY " + target.sql() + " (" + String.join(", ", columns) + ") FROM STDIN (FORMAT csv, HEADER)";
        PGCopyOutputStream copy = new PGCopyOutputStream(c.unwrap(PGConnection.class), sql, BUFFER);
        try (InputStream in = gunzip(file)) {
            CsvRecords records = new CsvRecords(copy, fields, keep);
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

    private static long insertJson(Connection c, Target target, List<String> columns, boolean identity, Path file)
            throws SQLException, IOException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE strata_restore_lines (line json) ON COMMIT DROP");
        }
        // to_json escapes every control character, so with these two as quote and delimiter each line is
        // one field, read verbatim (the archive writes the lines the same way). The column's type checks
        // that each line is JSON: a line it refuses is the object's fault, not the table's.
        try (InputStream in = gunzip(file)) {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY strata_restore_lines FROM STDIN"
                    + " (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')", in, BUFFER);
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("22")) {
                throw e;
            }
            throw new Malformed("a line is not JSON: " + Restorer.oneLine(e.getMessage()));
        }
        String sql = "INSERT INTO " + target.sql() + " (" + String.join(", ", columns) + ")"
                + (identity ? " OVERRIDING SYSTEM VALUE" : "") + " SELECT "
                + columns.stream().map(col -> "r." + col).collect(Collectors.joining(", "))
                + " FROM strata_restore_lines l CROSS JOIN LATERAL json_populate_record(NULL::" + target.sql()
                + ", l.line) r";
        try (Statement st = c.createStatement()) {
            return st.executeLargeUpdate(sql);
        }
    }

    private static InputStream gunzip(Path file) throws IOException {
        return new GZIPInputStream(Files.newInputStream(file), BUFFER);
    }
}
