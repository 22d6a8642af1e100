package io.strata.restore;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.OffloadConfig;
import io.strata.db.Column;
import io.strata.db.Sql;
import io.strata.manifest.ManifestEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Puts an offload object's values back into the rows they came from, inside the caller's transaction. The
 * object (its key and columns) is loaded into a temp table shaped like those columns of the table, through the
 * same checked loaders as rows ({@link TableLoader}), then one {@code UPDATE … FROM} writes each value into its
 * row — only where the row's offloaded columns are all still NULL and, when the job has a ref column, the row
 * still names this object: a value written since, or offloaded again into a later object, is never overwritten.
 * The flag column turns false and the ref column NULL. Rows whose key is gone (deleted since) are counted as
 * missing and stay gone.
 */
final class OffloadLoader {

    private static final Target VALUES = new Target("pg_temp", "strata_offload_values");

    private OffloadLoader() {}

    /** What one object's restore did. */
    record Outcome(long restored, long missing, long kept) {}

    /**
     * @param offload the job's offload section as configured now (its flag and ref columns are cleared), or null
     *                when the job no longer offloads: then only the values are put back
     */
    static Outcome load(Connection c, ManifestEntry o, Target target, Path file, OffloadConfig offload)
            throws SQLException, IOException {
        List<String> names = o.columns().stream().map(Column::name).toList();
        Set<String> has = Column.of(c, target.sql()).stream().map(Column::name).collect(Collectors.toSet());
        List<String> missing = names.stream().filter(n -> !has.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new StrataException(ErrorCode.RESTORE_FAILED, o.key() + ": " + target + " has no column "
                    + String.join(", ", missing) + " (dropped since the object was archived?); restore --into a new"
                    + " table to see the values");
        }
        String key = Sql.ident(names.get(0));
        List<String> cols = names.subList(1, names.size()).stream().map(Sql::ident).toList();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE " + VALUES.sql() + " ON COMMIT DROP AS SELECT " + key + ", "
                    + String.join(", ", cols) + " FROM " + target.sql() + " WITH NO DATA");
        }
        long loaded = TableLoader.load(c, o, VALUES, file);
        if (loaded != o.rows()) {
            throw new StrataException(ErrorCode.OBJECT_CORRUPT, o.key() + ": holds " + loaded + " rows, but the manifest lists "
                    + o.rows());
        }
        StringBuilder set = new StringBuilder(String.join(", ", cols.stream().map(col -> col + " = v." + col).toList()));
        String where = "t." + key + " = v." + key + " AND " + String.join(" AND ",
                cols.stream().map(col -> "t." + col + " IS NULL").toList());
        if (offload != null && offload.flagColumn() != null && has.contains(offload.flagColumn())) {
            set.append(", ").append(Sql.ident(offload.flagColumn())).append(" = false");
        }
        if (offload != null && offload.refColumn() != null && has.contains(offload.refColumn())) {
            set.append(", ").append(Sql.ident(offload.refColumn())).append(" = NULL");
            where += " AND t." + Sql.ident(offload.refColumn()) + " = ?";
        }
        long restored;
        long gone;
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + target.sql() + " AS t SET " + set + " FROM "
                + VALUES.sql() + " AS v WHERE " + where)) {
            if (where.endsWith("?")) {
                ps.setLong(1, o.id());
            }
            restored = ps.executeLargeUpdate();
        }
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + VALUES.sql() + " v WHERE NOT EXISTS (SELECT 1 FROM "
                    + target.sql() + " t WHERE t." + key + " = v." + key + ")")) {
                rs.next();
                gone = rs.getLong(1);
            }
        }
        return new Outcome(restored, gone, loaded - restored - gone);
    }
}
