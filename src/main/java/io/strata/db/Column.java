package io.strata.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One column of a table, as the catalog describes it and the manifest records it.
 *
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
    public static List<Column> of(Connection c, String qualified) throws SQLException {
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
}
