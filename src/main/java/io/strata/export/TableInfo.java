package io.strata.export;

import io.strata.db.Column;
import io.strata.db.Sql;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import io.strata.config.TimestampUnit;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * What Strata needs to know of a job's table, read from the catalog at start-up.
 *
 * @param timestampHasZone the timestamp column is timestamptz
 * @param epochUnit  for an integer timestamp column, what its values count ({@code timestampUnit}); else null
 * @param references what else deleting its rows does (other tables' foreign keys, triggers, rules), once checked;
 *                   {@link References#NONE} until then, and for jobs that do not delete
 */
public record TableInfo(String qualifiedName, List<Column> columns, boolean timestampHasZone, boolean timestampIndexed,
        References references, TimestampUnit epochUnit) {

    /** The integer types an epoch {@code timestampColumn} may have. */
    private static final List<String> INTEGER_TYPES = List.of("bigint", "integer");

    public static TableInfo inspect(Connection c, JobConfig job) throws SQLException {
        return inspect(c, job, "job '" + job.name() + "'");
    }

    /** @param where where the job is configured, for the messages of its keys: {@code file: strata.jobs[0]} */
    public static TableInfo inspect(Connection c, JobConfig job, String where) throws SQLException {
        String qualified = Sql.ident(job.schema()) + "." + Sql.ident(job.table());
        List<Column> columns = Column.of(c, qualified);
        if (columns.isEmpty()) {
            throw new StrataException(ErrorCode.UNKNOWN_TABLE, "job '" + job.name() + "': table " + job.qualifiedTable()
                    + " does not exist (or has no columns) in this database");
        }
        Column ts = find(job, columns, job.timestampColumn(), "timestampColumn");
        boolean hasZone = false;
        boolean integer = INTEGER_TYPES.contains(ts.type());
        if (ts.type().startsWith("timestamp with time zone")) {
            hasZone = true;
        } else if (!integer && !ts.type().startsWith("timestamp without time zone")) {
            throw new StrataException(ErrorCode.UNKNOWN_COLUMN, "job '" + job.name() + "': timestampColumn "
                    + job.timestampColumn() + " of " + job.qualifiedTable() + " is " + ts.type()
                    + "; it must be timestamp, timestamptz, or bigint or integer with timestampUnit");
        }
        if (integer && job.timestampUnit() == null) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, where + ".timestampUnit is missing: timestampColumn "
                    + job.timestampColumn() + " of " + job.qualifiedTable() + " is " + ts.type() + "; set timestampUnit"
                    + " to seconds or milliseconds, what its values count since 1970-01-01T00:00Z");
        }
        if (!integer && job.timestampUnit() != null) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, where + ".timestampUnit \"" + job.timestampUnit()
                    + "\" is for integer (epoch) columns, but timestampColumn " + job.timestampColumn() + " of "
                    + job.qualifiedTable() + " is " + ts.type() + "; remove timestampUnit");
        }
        if (job.tenantColumn() != null) {
            find(job, columns, job.tenantColumn(), "tenantColumn");
        }
        boolean indexed;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                        + " AND a.attnum = i.indkey[0] WHERE i.indrelid = to_regclass(?) AND a.attname = ? AND i.indisvalid)")) {
            ps.setString(1, qualified);
            ps.setString(2, job.timestampColumn());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                indexed = rs.getBoolean(1);
            }
        }
        c.rollback();
        return new TableInfo(qualified, List.copyOf(columns), hasZone, indexed, References.NONE,
                integer ? job.timestampUnit() : null);
    }

    public TableInfo withReferences(References checked) {
        return new TableInfo(qualifiedName, columns, timestampHasZone, timestampIndexed, checked, epochUnit);
    }

    /**
     * Binds local time {@code t} of {@code zone} as a value of the timestamp column's type: an offset date-time for
     * timestamptz, a local one for timestamp, the epoch count for an integer column (so the comparison uses its
     * index, the column is never converted).
     */
    public void bindTime(PreparedStatement ps, int i, LocalDateTime t, ZoneId zone) throws SQLException {
        if (epochUnit != null) {
            ps.setLong(i, epochUnit.toEpoch(t.atZone(zone).toInstant()));
        } else if (timestampHasZone) {
            ps.setObject(i, t.atZone(zone).toOffsetDateTime());
        } else {
            ps.setObject(i, t);
        }
    }

    /** The same as a literal, for the statements that take no bind parameters (COPY). */
    public String timeLiteral(LocalDateTime t, ZoneId zone) {
        if (epochUnit != null) {
            return epochUnit.toEpoch(t.atZone(zone).toInstant()) + "::bigint";
        }
        return Sql.timestamp(t, zone, timestampHasZone);
    }

    /** The timestamp column's value in column {@code i} of the current row as an instant; null for NULL. */
    public Instant readTime(ResultSet rs, int i, ZoneId zone) throws SQLException {
        if (epochUnit != null) {
            long v = rs.getLong(i);
            return rs.wasNull() ? null : epochUnit.toInstant(v);
        }
        if (timestampHasZone) {
            OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }
        LocalDateTime t = rs.getObject(i, LocalDateTime.class);
        return t == null ? null : t.atZone(zone).toInstant();
    }

    /** The same in the local time of {@code zone}, as windows are; null for NULL. */
    public LocalDateTime readLocal(ResultSet rs, int i, ZoneId zone) throws SQLException {
        if (epochUnit == null && !timestampHasZone) {
            return rs.getObject(i, LocalDateTime.class);
        }
        Instant t = readTime(rs, i, zone);
        return t == null ? null : LocalDateTime.ofInstant(t, zone);
    }

    private static Column find(JobConfig job, List<Column> columns, String name, String key) {
        return columns.stream().filter(col -> col.name().equals(name)).findFirst().orElseThrow(() ->
                new StrataException(ErrorCode.UNKNOWN_COLUMN, "job '" + job.name() + "': " + key + " " + name
                        + " is not a column of " + job.qualifiedTable() + " (columns: "
                        + String.join(", ", columns.stream().map(Column::name).toList()) + ")"));
    }

    /** The statement an operator runs to give the timestamp column the index that finding due rows needs. */
    public static String suggestedIndex(JobConfig job) {
        return "CREATE INDEX CONCURRENTLY " + Sql.ident(job.table() + "_" + job.timestampColumn() + "_idx") + " ON "
                + Sql.ident(job.schema()) + "." + Sql.ident(job.table()) + " (" + Sql.ident(job.timestampColumn()) + ");";
    }
}
