package io.strata.restore;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.db.Column;
import io.strata.db.Sql;
import io.strata.format.Malformed;
import io.strata.format.Records;
import io.strata.manifest.ManifestEntry;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Loads one uncompressed stream of rows (CSV with its header, or JSON lines, exactly as a row object holds
 * them before gzip) into a table, inside the caller's transaction. CSV goes through {@code COPY FROM STDIN};
 * JSON lines through {@link JsonLoader}. Either is checked against {@code columns} as it streams past. Columns
 * the table generates are left out and recomputed; identity columns keep their archived values. Row objects
 * (through {@link TableLoader}) and the entries of tenant bundles load through here.
 */
public final class EntryLoader {

    private static final int BUFFER = 1 << 16;

    private EntryLoader() {}

    /**
     * Loads {@code entry} into {@code target}; returns the rows inserted. Nothing is committed or rolled back
     * here: on any exception the caller rolls its transaction back.
     *
     * @param columns       the columns the content holds, in order (the CSV header / the JSON keys)
     * @param format        {@code csv} or {@code jsonl}
     * @param formatVersion the version of {@code format} the content was written in
     * @param entry         the content, uncompressed; read to its end, not closed
     * @param label         names the content in error messages (an object key, a bundle entry)
     * @throws Malformed       when the content does not match {@code columns} or does not parse (the
     *                         message says which line); the caller calls it corrupt
     * @throws StrataException RESTORE_FAILED when {@code target} lacks one of {@code columns}
     * @throws SQLException    when PostgreSQL refuses a row (a constraint, a type)
     */
    public static long load(Connection c, Target target, List<Column> columns, String format, int formatVersion,
            InputStream entry, String label) throws SQLException, IOException {
        if (!"csv".equals(format) && !"jsonl".equals(format)) {
            throw new Malformed("format " + format + " is neither csv nor jsonl");
        }
        Map<String, Column> table = Column.of(c, target.sql()).stream()
                .collect(Collectors.toMap(Column::name, Function.identity()));
        List<String> missing = columns.stream().map(Column::name).filter(n -> !table.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new StrataException(ErrorCode.RESTORE_FAILED, label + ": " + target + " has no column "
                    + String.join(", ", missing) + " (dropped since the rows were archived?); restore into a new"
                    + " table to see them");
        }
        boolean[] keep = new boolean[columns.size()];
        List<Column> archived = new ArrayList<>();
        List<Column> loaded = new ArrayList<>();
        boolean identity = false;
        for (int i = 0; i < keep.length; i++) {
            Column col = table.get(columns.get(i).name());
            keep[i] = !col.generated();
            if (keep[i]) {
                archived.add(columns.get(i));
                loaded.add(col);
                identity |= col.identity();
            }
        }
        boolean all = loaded.size() == keep.length;
        return "csv".equals(format) ? copyCsv(c, target, columns, formatVersion, loaded, all ? null : keep, entry)
                : JsonLoader.load(c, target, columns, formatVersion, archived, loaded, identity, entry);
    }

    /** CSV goes to COPY as it is, checked on the way (the header must name the columns, in order). */
    private static long copyCsv(Connection c, Target target, List<Column> columns, int formatVersion,
            List<Column> loaded, boolean[] keep, InputStream in) throws SQLException, IOException {
        String sql = "COPY " + target.sql() + " (" + loaded.stream().map(col -> Sql.ident(col.name()))
                .collect(Collectors.joining(", ")) + ") FROM STDIN (FORMAT csv, HEADER)";
        PGCopyOutputStream copy = new PGCopyOutputStream(c.unwrap(PGConnection.class), sql, BUFFER);
        try {
            Records records = ManifestEntry.reader("csv", formatVersion, columns, copy, keep);
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
}
