package io.strata.config;

import java.util.List;

/**
 * A tenant job ({@code strata.jobs[]} with {@code tenant:}): one bundle per root row, holding the row and every
 * row that depends on it — by foreign key, found in the catalog, and through the {@code tables:} the operator
 * adds (README: Whole tenants).
 *
 * @param at          where the job is in the file ({@code strata.jobs[3]}), for messages
 * @param schema      the root table's schema
 * @param table       the root table
 * @param key         the root's key column: {@code :tenant} is its value
 * @param due         a query of root keys the schedule (and {@code archive --job J} without --tenant) archives; null = none
 * @param tables      what foreign keys cannot say: tables of other databases, join tables, each with its {@code where}
 * @param testRestore load every bundle into scratch tables and compare before anything is deleted
 */
public record TenantJobConfig(
        String name,
        String at,
        String schema,
        String table,
        String key,
        String due,
        List<Extra> tables,
        JobConfig.Format format,
        String schedule,
        boolean enabled,
        int concurrency,
        boolean testRestore) {

    /** The main database's name in {@code strata.databases} and in bundles. */
    public static final String MAIN = "main";

    /**
     * One entry of {@code tenant.tables}.
     *
     * @param where    a condition on the table's rows ({@code :tenant}, {@code :schema.table.column} bound); null
     *                 when the table is reached by foreign key
     * @param database a name of {@code strata.databases}, {@code main} when not given
     * @param at       its key in the file ({@code strata.jobs[0].tenant.tables[1]})
     */
    public record Extra(String schema, String table, String where, String database, String at) {

        public String qualified() {
            return schema + "." + table;
        }
    }

    public String qualifiedTable() {
        return schema + "." + table;
    }
}
