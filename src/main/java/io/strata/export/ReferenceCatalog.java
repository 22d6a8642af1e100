package io.strata.export;

import io.strata.db.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads from PostgreSQL's catalog what a DELETE of a job's rows reaches: the foreign keys that reference its
 * table, its partitions and inheritance children, and its DELETE triggers and rules.
 */
final class ReferenceCatalog {

    private ReferenceCatalog() {}

    /** The job's table and its partitions and inheritance children, at any depth: a DELETE reaches them all. */
    private static final String TREE = "WITH RECURSIVE tree(relid) AS (SELECT to_regclass(?)::oid"
            + " UNION SELECT i.inhrelid FROM pg_inherits i JOIN tree ON i.inhparent = tree.relid) ";

    static List<References.Reference> references(Connection c, String qualified) throws SQLException {
        // A key on a partitioned table has a clone on each partition (and one for each partition of a partitioned
        // referenced table); the clone's parent, when it references the same tree, stands for it.
        String sql = TREE + "SELECT n.nspname, r.relname, con.conname, r.relkind = 'p', con.confdeltype,"
                + " quote_ident(fn.nspname) || '.' || quote_ident(fr.relname), con.confrelid = to_regclass(?)::oid,"
                + " ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a"
                + "   ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),"
                + " ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a"
                + "   ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord),"
                + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = con.conrelid AND i.indisvalid AND i.indpred IS NULL"
                + "   AND i.indnkeyatts >= cardinality(con.conkey)"
                + "   AND ARRAY(SELECT x FROM unnest((i.indkey::int2[])[0:cardinality(con.conkey) - 1]) x ORDER BY x)"
                + "     = ARRAY(SELECT x FROM unnest(con.conkey) x ORDER BY x))"
                + " FROM pg_constraint con JOIN tree ON con.confrelid = tree.relid"
                + " JOIN pg_class r ON r.oid = con.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace"
                + " JOIN pg_class fr ON fr.oid = con.confrelid JOIN pg_namespace fn ON fn.oid = fr.relnamespace"
                + " WHERE con.contype = 'f' AND NOT EXISTS (SELECT 1 FROM pg_constraint parent JOIN tree t"
                + "   ON parent.confrelid = t.relid WHERE parent.oid = con.conparentid)"
                + " ORDER BY n.nspname, r.relname, con.conname";
        List<References.Reference> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, qualified);
            ps.setString(2, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String schema = rs.getString(1);
                    String table = rs.getString(2);
                    boolean partitioned = rs.getBoolean(4);
                    out.add(new References.Reference(schema + "." + table + "." + rs.getString(3), schema + "." + table,
                            (partitioned ? "" : "ONLY ") + Sql.ident(schema) + "." + Sql.ident(table),
                            strings(rs.getArray(8)), rs.getString(6), rs.getBoolean(7), strings(rs.getArray(9)),
                            References.Action.of(rs.getString(5)), rs.getBoolean(10)));
                }
            }
        }
        return List.copyOf(out);
    }

    static List<References.Trigger> triggers(Connection c, String qualified) throws SQLException {
        // tgtype bits: 1 row, 2 before, 8 delete, 64 instead of. A partition's clone of its parent's trigger is
        // the parent's; statement triggers fire only on the table the DELETE names.
        String sql = TREE + "SELECT t.tgname, n.nspname || '.' || r.relname, t.tgtype FROM pg_trigger t"
                + " JOIN tree ON t.tgrelid = tree.relid JOIN pg_class r ON r.oid = t.tgrelid"
                + " JOIN pg_namespace n ON n.oid = r.relnamespace"
                + " WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgtype & 8 <> 0"
                + " AND (t.tgrelid = to_regclass(?)::oid OR t.tgtype & 1 <> 0)"
                + " AND NOT EXISTS (SELECT 1 FROM pg_trigger parent JOIN tree p ON parent.tgrelid = p.relid"
                + "   WHERE parent.oid = t.tgparentid)"
                + " ORDER BY 2, 1";
        List<References.Trigger> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, qualified);
            ps.setString(2, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int type = rs.getInt(3);
                    String timing = (type & 64) != 0 ? "INSTEAD OF" : (type & 2) != 0 ? "BEFORE" : "AFTER";
                    out.add(new References.Trigger(rs.getString(1), rs.getString(2), timing, (type & 1) != 0));
                }
            }
        }
        return List.copyOf(out);
    }

    /** ON DELETE rules of the table itself: rules rewrite only statements on the table they are on. */
    static List<String> rules(Connection c, String qualified) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT rulename FROM pg_rewrite WHERE ev_class = to_regclass(?)"
                + " AND ev_type = '4' AND ev_enabled <> 'D' ORDER BY 1")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return List.copyOf(out);
    }

    /** The index an operator creates so that each archived row costs an index probe of the referencing table. */
    static String suggestedIndex(References.Reference r) {
        String table = r.table().substring(r.table().indexOf('.') + 1);
        String on = r.quotedTable().replaceFirst("^ONLY ", "") + " ("
                + String.join(", ", r.columns().stream().map(Sql::ident).toList()) + ");";
        String name = Sql.ident(table + "_" + String.join("_", r.columns()) + "_idx");
        // PostgreSQL builds an index on a partitioned table only without CONCURRENTLY.
        return r.quotedTable().startsWith("ONLY ") ? "CREATE INDEX CONCURRENTLY " + name + " ON " + on
                : "CREATE INDEX " + name + " ON " + on + "  -- partitioned: this locks writes to it while it builds";
    }

    private static List<String> strings(Array a) throws SQLException {
        return List.of((String[]) a.getArray());
    }
}
