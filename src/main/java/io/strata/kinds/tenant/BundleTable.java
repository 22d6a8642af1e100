package io.strata.kinds.tenant;

import io.strata.db.Column;
import io.strata.db.Sql;
import java.util.List;

/**
 * One table of a tenant job's bundle, as the plan found it.
 *
 * @param index       its place in the load order (parents first); its rows sit in temp table strata_b{index}
 * @param key         its primary key columns (empty when it has none)
 * @param where       the operator's condition with each parameter turned into a bound {@code ?}; null for a table
 *                    reached by foreign key
 * @param params      the parameters of {@code where}, in order: {@code tenant} or {@code schema.table.column}
 * @param parents     foreign keys of this table to other tables of the bundle (same database): how its rows join
 * @param referencedBy every foreign key of the database that references this table (in the bundle or not): what
 *                    keeps a row that a row outside the bundle still references
 * @param at          where the table comes from in the config, for messages
 */
record BundleTable(int index, String database, String schema, String table, List<Column> columns, List<String> key,
        String where, List<String> params, List<ForeignKey> parents, List<ForeignKey> referencedBy, String at) {

    String id() {
        return database + ":" + schema + "." + table;
    }

    String qualified() {
        return schema + "." + table;
    }

    String quoted() {
        return Sql.ident(schema) + "." + Sql.ident(table);
    }

    String temp() {
        return "pg_temp.strata_b" + index;
    }

    /** Its foreign keys to itself (a reply's {@code parent_id}): among {@link #referencedBy}, never {@link #parents}. */
    List<ForeignKey> selfReferences() {
        return referencedBy.stream().filter(fk -> fk.child().equals(qualified())).toList();
    }

    /** The table's columns, quoted, with an alias before each (or none). */
    String columnList(String alias) {
        StringBuilder s = new StringBuilder();
        for (Column c : columns) {
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(alias == null ? "" : alias + ".").append(Sql.ident(c.name()));
        }
        return s.toString();
    }

    /**
     * A foreign key: {@code columns} of {@code child} reference {@code parentColumns} of {@code parent}
     * (both {@code schema.table}).
     */
    record ForeignKey(String name, String child, List<String> columns, String parent, List<String> parentColumns) {}
}
