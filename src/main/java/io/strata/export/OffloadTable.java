package io.strata.export;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.config.OffloadConfig;
import io.strata.db.Column;
import io.strata.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Checks an offload job's {@code offload:} section against its table at start-up, and gives the SQL every
 * part of an offload job shares: which rows still hold values to offload.
 */
public final class OffloadTable {

    private static final Set<String> INTEGERS = Set.of("bigint", "integer", "smallint");

    private OffloadTable() {}

    /**
     * Refuses (exit 2) an offload section the table cannot carry out: a column that does not exist, a key without
     * a unique index (restore finds each row by it, so it must name one row), a flag column that is not boolean,
     * a ref column that is not an integer type.
     *
     * Also refuses a table with UPDATE rules (they rewrite the statement, so the rows changed would not be the rows
     * exported), and returns a warning for each UPDATE trigger, which runs for every offloaded row.
     *
     * @param at the file and the job's key in it, {@code app.yaml: strata.jobs[0]}
     */
    static List<String> check(Connection c, JobConfig job, TableInfo table, String at) throws SQLException {
        OffloadConfig o = job.offload();
        for (String name : o.columns()) {
            Column col = column(table, name, at + ".offload.columns", job);
            if (col.generated()) {
                throw error(at + ".offload.columns", name, "is a generated column: PostgreSQL computes it and cannot set it to NULL");
            }
            if (col.notNull()) {
                throw error(at + ".offload.columns", name, "is NOT NULL in " + job.qualifiedTable()
                        + ": offloading sets it to NULL (ALTER TABLE … ALTER COLUMN " + Sql.ident(name) + " DROP NOT NULL first)");
            }
        }
        column(table, o.key(), at + ".offload.key", job);
        if (!unique(c, table, o.key())) {
            throw error(at + ".offload.key", o.key(), "has no unique index (nor primary key) on " + job.qualifiedTable()
                    + " on this column alone: restore finds each row by its key, so a key must name one row; use the"
                    + " primary key, or CREATE UNIQUE INDEX CONCURRENTLY on the column");
        }
        if (o.flagColumn() != null) {
            Column flag = column(table, o.flagColumn(), at + ".offload.flagColumn", job);
            if (!flag.type().equals("boolean")) {
                throw error(at + ".offload.flagColumn", o.flagColumn(), "is " + flag.type() + "; it must be boolean");
            }
        }
        if (o.refColumn() != null) {
            Column ref = column(table, o.refColumn(), at + ".offload.refColumn", job);
            if (!INTEGERS.contains(ref.type())) {
                throw error(at + ".offload.refColumn", o.refColumn(), "is " + ref.type()
                        + "; it must be an integer type (bigint, as the manifest's id)");
            }
        }
        List<String> rules = names(c, "SELECT rulename FROM pg_rewrite WHERE ev_class = to_regclass(?) AND ev_type = '2'"
                + " ORDER BY 1", table);
        if (!rules.isEmpty()) {
            throw error(at + ".offload", String.join(", ", o.columns()), "cannot run on " + job.qualifiedTable()
                    + ": its UPDATE rule(s) " + String.join(", ", rules) + " rewrite the UPDATE that NULLs the columns,"
                    + " so the rows changed would not be the rows exported");
        }
        return names(c, "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(?) AND NOT tgisinternal"
                + " AND tgtype & 16 <> 0 ORDER BY 1", table).stream()
                .map(t -> "UPDATE trigger " + t + " on " + job.qualifiedTable() + " runs for every offloaded row (a BEFORE"
                        + " trigger that changes other columns changes them too; one that skips a row leaves its value in"
                        + " the table and in the object, offloaded again by the next run)").toList();
    }

    private static List<String> names(Connection c, String sql, TableInfo table) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table.qualifiedName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The row (alias {@code row}, or none) still holds a value in one of the offloaded columns. */
    public static String pending(JobConfig job, String row) {
        String prefix = row == null ? "" : row + ".";
        return "NOT (" + String.join(" AND ", job.offload().columns().stream()
                .map(col -> prefix + Sql.ident(col) + " IS NULL").toList()) + ")";
    }

    private static Column column(TableInfo table, String name, String key, JobConfig job) {
        return table.columns().stream().filter(col -> col.name().equals(name)).findFirst().orElseThrow(() ->
                error(key, name, "is not a column of " + job.qualifiedTable() + " (columns: "
                        + String.join(", ", table.columns().stream().map(Column::name).toList()) + ")"));
    }

    private static boolean unique(Connection c, TableInfo table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a"
                + " ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE i.indrelid = to_regclass(?)"
                + " AND i.indisunique AND i.indisvalid AND i.indnkeyatts = 1 AND i.indpred IS NULL AND a.attname = ?)")) {
            ps.setString(1, table.qualifiedName());
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static StrataException error(String key, String value, String why) {
        return new StrataException(ErrorCode.CONFIG_INVALID, key + " \"" + value + "\" " + why);
    }

}
