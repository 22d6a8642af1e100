package io.strata.export;

import io.strata.db.Sql;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What Strata needs to know of a job's table, read from the catalog at start-up.
 *
 * @param references what else deleting its rows does (other tables' foreign keys, triggers, rules), once checked;
 *                   {@link References#NONE} until then, and for jobs that do not delete
 */
public record TableInfo(String qualifiedName, List<Column> columns, boolean timestampHasZone, boolean timestampIndexed,
        References references) {

    /**
     * @param generated a stored generated column: archived, but recomputed rather than inserted on restore
     * @param json      what the column holds, seen through domains, when it is JSON: {@code json} or {@code jsonb}
     *                  (a JSON document), {@code json[]} or {@code jsonb[]} (an array of them); null otherwise
     * @param notNull   the column is declared NOT NULL (read from the catalog; not recorded in the manifest)
     */
    public record Column(String name, String type, boolean generated, boolean identity, String json, boolean notNull) {

        public Column(String name, String type, boolean generated, boolean identity) {
            this(name, type, generated, identity, null, false);
        }

        /** A json or jsonb value (or a domain over one), which can be the JSON value null. */
        public boolean jsonDocument() {
            return "json".equals(json) || "jsonb".equals(json);
        }

        public boolean jsonArray() {
            return json != null && json.endsWith("[]");
        }
    }

    public static TableInfo inspect(Connection c, JobConfig job) throws SQLException {
        String qualified = Sql.ident(job.schema()) + "." + Sql.ident(job.table());
        List<Column> columns = columns(c, qualified);
        if (columns.isEmpty()) {
            throw new StrataException(ErrorCode.UNKNOWN_TABLE, "job '" + job.name() + "': table " + job.qualifiedTable()
                    + " does not exist (or has no columns) in this database");
        }
        Column ts = find(job, columns, job.timestampColumn(), "timestampColumn");
        boolean hasZone;
        if (ts.type().startsWith("timestamp with time zone")) {
            hasZone = true;
        } else if (ts.type().startsWith("timestamp without time zone")) {
            hasZone = false;
        } else {
            throw new StrataException(ErrorCode.UNKNOWN_COLUMN, "job '" + job.name() + "': timestampColumn "
                    + job.timestampColumn() + " of " + job.qualifiedTable() + " is " + ts.type()
                    + "; it must be timestamp or timestamptz");
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
        return new TableInfo(qualified, List.copyOf(columns), hasZone, indexed, References.NONE);
    }

    public TableInfo withReferences(References checked) {
        return new TableInfo(qualifiedName, columns, timestampHasZone, timestampIndexed, checked);
    }

    /**
     * A table's columns; the last one says whether a column is JSON, following its type through domains
     * (to their base type) and arrays (to their element type) as {@code to_json} does.
     */
    private static final String COLUMNS = "WITH RECURSIVE col AS ("
            + " SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attgenerated <> '' AS generated,"
            + " a.attidentity <> '' AS identity, a.atttypid, a.attnotnull FROM pg_attribute a"
            + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped),"
            + " walk (attnum, typ, arr) AS (SELECT attnum, atttypid, false FROM col"
            + " UNION ALL SELECT w.attnum, CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.typelem END, w.arr OR t.typtype <> 'd'"
            + " FROM walk w JOIN pg_type t ON t.oid = w.typ"
            + " WHERE t.typtype = 'd' OR (NOT w.arr AND t.typcategory = 'A' AND t.typelem <> 0))"
            + " SELECT c.attname, c.type, c.generated, c.identity, (SELECT format_type(w.typ, NULL) || CASE WHEN w.arr THEN '[]' ELSE '' END"
            + " FROM walk w WHERE w.attnum = c.attnum AND w.typ IN ('json'::regtype, 'jsonb'::regtype) LIMIT 1), c.attnotnull"
            + " FROM col c ORDER BY c.attnum";

    /** The columns of {@code qualified} (a quoted {@code schema.table}) in table order; empty when there is no such table. */
    public static List<Column> columns(Connection c, String qualified) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4),
                            rs.getString(5), rs.getBoolean(6)));
                }
            }
        }
        return columns;
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
