package io.strata.restore;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.strata.db.Column;
import io.strata.db.Sql;
import io.strata.format.Malformed;
import io.strata.format.Records;
import io.strata.manifest.ManifestEntry;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Loads an object of JSON lines, inside the caller's transaction: the lines are checked as they stream
 * past (each one object whose keys are the object's columns) and copied into a temp table, then inserted
 * through {@code json_populate_record}, which reads each value with the column's own input function. In
 * version 2 a json or jsonb column that a line leaves out is SQL NULL, {@code null} is the JSON value
 * null, and a value listed under the key {@code ""} is read from its text (docs/archive.md, "JSONL").
 */
final class JsonLoader {

    private static final int BUFFER = 1 << 16;

    private JsonLoader() {}

    /**
     * Loads the lines of {@code in}; returns the rows inserted.
     *
     * @param all      the columns the lines hold (their keys)
     * @param archived those of them that are loaded (generated ones are not)
     * @param columns  the same columns of {@code target}, in the same order
     */
    static long load(Connection c, Target target, List<Column> all, int formatVersion, List<Column> archived,
            List<Column> columns, boolean identity, InputStream in) throws SQLException, IOException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE strata_restore_lines (line json) ON COMMIT DROP");
        }
        copyLines(c, all, formatVersion, in);
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            names.add(Sql.ident(columns.get(i).name()));
            values.add(value(formatVersion, archived.get(i), columns.get(i)));
        }
        String sql = "INSERT INTO " + target.sql() + " (" + String.join(", ", names) + ")"
                + (identity ? " OVERRIDING SYSTEM VALUE" : "") + " SELECT " + String.join(", ", values)
                + " FROM strata_restore_lines l CROSS JOIN LATERAL json_populate_record(NULL::" + target.sql()
                + ", l.line) r";
        try (Statement st = c.createStatement()) {
            long rows = st.executeLargeUpdate(sql);
            // One transaction may load several tables' lines (a tenant bundle): each starts afresh.
            st.execute("DROP TABLE strata_restore_lines");
            return rows;
        }
    }

    /**
     * Copies the lines into the temp table, each checked on the way: a line that is not one object of the
     * object's columns ends the copy, and the transaction rolls back.
     */
    private static void copyLines(Connection c, List<Column> all, int formatVersion, InputStream in)
            throws SQLException, IOException {
        // to_json escapes every control character, and version 2 writes json with a line break as a string:
        // with these two as quote and delimiter each line is one field, read verbatim (the archive writes the
        // lines the same way). The column's type checks that each line is JSON: a line it refuses is the
        // object's fault, not the table's.
        PGCopyOutputStream copy = new PGCopyOutputStream(c.unwrap(PGConnection.class), "COPY strata_restore_lines"
                + " FROM STDIN (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')", BUFFER);
        try {
            Records lines = ManifestEntry.reader("jsonl", formatVersion, all, copy, null);
            in.transferTo(lines);
            lines.finish();
            copy.endCopy();
        } catch (SQLException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw e.getCause() instanceof SQLException se ? notJson(se) : e;
        } finally {
            // A COPY that did not reach its end must be cancelled: until then the connection can do
            // nothing else, not even roll back.
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static Malformed notJson(SQLException e) throws SQLException {
        if (e.getSQLState() == null || !e.getSQLState().startsWith("22")) {
            throw e;
        }
        return new Malformed("a line is not JSON: " + Restorer.oneLine(e.getMessage()));
    }

    /**
     * The value of one column, read from the line {@code l.line} and its populated record {@code r}. A json or
     * jsonb column of a version 2 object is read from the line itself where the record cannot tell: SQL NULL
     * (the key is missing) from JSON null, and a value written as text from a JSON string. No subquery: its
     * estimated cost would make PostgreSQL JIT-compile the insert, which takes longer than a small object's load.
     */
    private static String value(int formatVersion, Column archived, Column column) {
        String populated = "r." + Sql.ident(column.name());
        if (formatVersion < 2 || !archived.jsonDocument() || !column.jsonDocument()) {
            return populated;
        }
        String key = Sql.literal(archived.name());
        String listed = Sql.literal("[\"" + new String(JsonStringEncoder.getInstance().quoteAsString(archived.name())) + "\"]");
        String typeOf = "json".equals(column.json()) ? "json_typeof" : "jsonb_typeof";
        return "CASE WHEN " + typeOf + "(" + populated + ") <> 'string' THEN " + populated
                + " WHEN (l.line -> '')::jsonb @> " + listed + " THEN (l.line ->> " + key + ")::" + column.type()
                + " ELSE (l.line -> " + key + ")::" + column.type() + " END";
    }
}
