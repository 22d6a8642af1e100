package io.strata.kinds.tenant;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.config.TenantJobConfig;
import io.strata.db.Column;
import io.strata.db.Database;
import io.strata.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a bundle holds and in which order — a tenant job's, or a time job's with {@code tables:} ({@link BundleJob}) —
 * checked against the databases at start: the root, the {@code tables:} the operator lists, and every table that
 * references one of them by foreign key, in turn (same database); the load order puts parents first (foreign keys,
 * and a {@code where} after the tables whose columns it reads; a table that references itself is ordered by its
 * other references). Every problem is CONFIG_INVALID naming the file, the key and the value. Over 300 lines because
 * each check reads the catalog of its own database, and keeping them in one planner gives one message style.
 */
public final class TenantPlan {

    private final BundleJob job;
    private final List<BundleTable> order;
    private final String rootKeyType;
    /** Per table id with a {@code where}: the condition with its parameters as placeholders. */
    private final Map<String, WhereParameters.Parsed> wheres;
    /** The catalog type of every column of the bundle, by {@code schema.table.column}. */
    private final Map<String, String> types;

    private TenantPlan(BundleJob job, List<BundleTable> order, String rootKeyType, Map<String, WhereParameters.Parsed> wheres,
            Map<String, String> types) {
        this.job = job;
        this.order = order;
        this.rootKeyType = rootKeyType;
        this.wheres = wheres;
        this.types = types;
    }

    public BundleJob job() {
        return job;
    }

    List<BundleTable> order() {
        return order;
    }

    BundleTable root() {
        return order.get(0);
    }

    String rootKeyType() {
        return rootKeyType;
    }

    /** The {@code where} of {@code t} with its parameters as placeholders; null for a table reached by foreign key. */
    WhereParameters.Parsed where(BundleTable t) {
        return wheres.get(t.id());
    }

    /** The catalog type of a column of the bundle, named {@code schema.table.column}. */
    String type(String column) {
        return types.get(column);
    }

    /**
     * A parameter of a {@code where} whose value arrives as {@code value}: {@code ?} in the start-up check, {@code $k}
     * of a dynamic statement at run time. Both carry it as text ({@code :tenant}) or an array of text (a column's
     * values) cast to the column's type, so that the condition the check prepared is, types included, the one that
     * runs.
     */
    String parameter(String name, String value) {
        return parameter(name, value, rootKeyType, types);
    }

    private static String parameter(String name, String value, String rootKeyType, Map<String, String> types) {
        return name.equals("tenant") ? "CAST(CAST(" + value + " AS text) AS " + rootKeyType + ")"
                : "CAST(CAST(" + value + " AS text[]) AS " + types.get(name) + "[])";
    }

    /** The ids of the tables in load order ({@code main:public.schools}). */
    public List<String> loadOrder() {
        return order.stream().map(BundleTable::id).toList();
    }

    /** Plans a tenant job against its databases ({@code main} and those its tables name). */
    public static TenantPlan of(String source, TenantJobConfig job, Map<String, Database> databases) {
        return of(source, BundleJob.of(job), databases);
    }

    /** Plans a time job with {@code tables:}: each window's rows are its bundles' roots. */
    public static TenantPlan of(String source, JobConfig job, Map<String, Database> databases) {
        return of(source, BundleJob.of(job), databases);
    }

    private static TenantPlan of(String source, BundleJob job, Map<String, Database> databases) {
        try {
            return new Planner(source, job, databases).plan();
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, source + ": " + job.at() + ": cannot read the catalog: "
                    + e.getMessage(), e);
        }
    }

    private static final class Planner {
        private final String source;
        private final BundleJob job;
        private final Map<String, Database> databases;
        /** Per database: every foreign key, by the table it references. */
        private final Map<String, List<BundleTable.ForeignKey>> fks = new LinkedHashMap<>();

        Planner(String source, BundleJob job, Map<String, Database> databases) {
            this.source = source;
            this.job = job;
            this.databases = databases;
        }

        StrataException error(String key, String value, String why) {
            return new StrataException(ErrorCode.CONFIG_INVALID, source + ": " + key
                    + (value == null ? "" : " \"" + value + "\"") + " " + why);
        }

        /** A table the bundle will hold, before its place is known. */
        private record Node(String database, String schema, String table, String where, String at) {
            String id() {
                return database + ":" + schema + "." + table;
            }
        }

        TenantPlan plan() throws SQLException {
            Map<String, Node> nodes = new LinkedHashMap<>();
            Node root = new Node(TenantJobConfig.MAIN, job.schema(), job.table(), null, job.rootAt());
            nodes.put(root.id(), root);
            for (TenantJobConfig.Extra e : job.tables()) {
                Node n = new Node(e.database(), e.schema(), e.table(), e.where(), e.at());
                if (nodes.containsKey(n.id())) {
                    throw error(e.at() + ".table", e.qualified(), "is in the bundle already (the root or an earlier entry)");
                }
                nodes.put(n.id(), n);
            }
            Map<String, List<Column>> columns = new LinkedHashMap<>();
            for (Node n : nodes.values()) {
                List<Column> cols = columns(n);
                if (cols.isEmpty()) {
                    throw error(n.at() + (n.at().endsWith(".table") ? "" : ".table"), n.schema() + "." + n.table(),
                            "no such table in database " + n.database());
                }
                columns.put(n.id(), cols);
            }
            String rootType = job.key() == null ? null : columns.get(root.id()).stream()
                    .filter(c -> c.name().equals(job.key())).map(Column::type).findFirst()
                    .orElseThrow(() -> error(job.windows() ? job.at() + ".tenantColumn" : job.at() + ".tenant.key", job.key(),
                            "is not a column of " + job.qualifiedTable()));
            // Follow the foreign keys down from every table the operator named, in its own database.
            Deque<Node> todo = new ArrayDeque<>(nodes.values());
            while (!todo.isEmpty()) {
                Node n = todo.poll();
                for (BundleTable.ForeignKey fk : references(n.database(), n.schema() + "." + n.table())) {
                    String[] child = fk.child().split("\\.", 2);
                    Node c = new Node(n.database(), child[0], child[1], null, "foreign key " + fk.name() + " of " + fk.child());
                    if (!nodes.containsKey(c.id())) {
                        nodes.put(c.id(), c);
                        columns.put(c.id(), columns(c));
                        todo.add(c);
                    }
                }
            }
            // The edges of the load order: foreign keys among bundle tables, and a where after the tables it reads.
            // A table's references to itself are no edge: each entry loads in one statement, which checks them at its
            // end, and BundleRows follows them from row to row.
            Map<String, Set<String>> after = new LinkedHashMap<>();
            Map<String, List<BundleTable.ForeignKey>> parents = new LinkedHashMap<>();
            for (Node n : nodes.values()) {
                after.put(n.id(), new LinkedHashSet<>());
                parents.put(n.id(), new ArrayList<>());
            }
            for (Node n : nodes.values()) {
                for (BundleTable.ForeignKey fk : all(n.database())) {
                    String childId = n.database() + ":" + fk.child();
                    if (fk.parent().equals(n.schema() + "." + n.table()) && nodes.containsKey(childId)
                            && !fk.child().equals(fk.parent())) {
                        after.get(childId).add(n.id());
                        parents.get(childId).add(fk);
                    }
                }
            }
            Map<String, WhereParameters.Parsed> wheres = new LinkedHashMap<>();
            for (Node n : nodes.values()) {
                if (n.where() == null) {
                    if (!n.id().equals(root.id()) && parents.get(n.id()).isEmpty()) {
                        throw error(n.at() + ".table", n.schema() + "." + n.table(), "no foreign key connects it to the"
                                + " root or another table of the bundle; give it a where");
                    }
                    continue;
                }
                WhereParameters.Parsed p;
                try {
                    p = WhereParameters.parse(n.where());
                } catch (IllegalArgumentException e) {
                    throw error(n.at() + ".where", n.where(), e.getMessage());
                }
                for (String name : p.names()) {
                    if (name.equals("tenant") && rootType == null) {
                        throw error(n.at() + ".where", n.where(), "uses :tenant, but the job has no tenantColumn: its"
                                + " bundles are windows of all tenants; give the job a tenantColumn, or select by"
                                + " :schema.table.column");
                    }
                    if (name.equals("tenant")) {
                        continue;
                    }
                    String[] parts = name.split("\\.");
                    String table = parts.length == 3 ? parts[0] + "." + parts[1] : null;
                    String from = table == null ? null : nodes.values().stream()
                            .filter(o -> (o.schema() + "." + o.table()).equals(table)).map(Node::id).findFirst().orElse(null);
                    if (from == null || from.equals(n.id()) || columns.get(from).stream().noneMatch(c -> c.name().equals(parts[2]))) {
                        throw error(n.at() + ".where", n.where(), "parameter :" + name + " is neither :tenant nor"
                                + " :schema.table.column of another table of the bundle");
                    }
                    after.get(n.id()).add(from);
                }
                wheres.put(n.id(), p);
            }
            List<String> sorted = topological(after, nodes);
            List<BundleTable> order = new ArrayList<>();
            Map<String, String> types = new LinkedHashMap<>();
            for (String id : sorted) {
                Node n = nodes.get(id);
                for (Column c : columns.get(id)) {
                    types.put(n.schema() + "." + n.table() + "." + c.name(), c.type());
                }
            }
            for (String id : sorted) {
                Node n = nodes.get(id);
                WhereParameters.Parsed p = wheres.get(id);
                String where = null;
                if (p != null) {
                    where = p.render(name -> parameter(name, "?", rootType, types));
                    check(n, where);
                }
                List<String> key = primaryKey(n);
                if (!n.database().equals(TenantJobConfig.MAIN) && key.isEmpty()) {
                    throw error(n.at() + ".table", n.schema() + "." + n.table(), "has no primary key: a table of another"
                            + " database needs one (its delete is recorded by key until it commits: docs/tenants.md)");
                }
                order.add(new BundleTable(order.size(), n.database(), n.schema(), n.table(), columns.get(id), key, where,
                        p == null ? List.of() : p.names(), List.copyOf(parents.get(id)),
                        references(n.database(), n.schema() + "." + n.table()), n.at()));
            }
            return new TenantPlan(job, List.copyOf(order), rootType, Map.copyOf(wheres), Map.copyOf(types));
        }

        /** Kahn's order, parents first, ties in the order the tables were found; a cycle names its tables. */
        private List<String> topological(Map<String, Set<String>> after, Map<String, Node> nodes) {
            List<String> sorted = new ArrayList<>();
            Set<String> done = new LinkedHashSet<>();
            boolean progress = true;
            while (progress && sorted.size() < nodes.size()) {
                progress = false;
                for (String id : nodes.keySet()) {
                    if (!done.contains(id) && done.containsAll(after.get(id))) {
                        done.add(id);
                        sorted.add(id);
                        progress = true;
                        break;
                    }
                }
            }
            if (sorted.size() < nodes.size()) {
                List<String> left = nodes.keySet().stream().filter(id -> !done.contains(id)).toList();
                throw error(job.tablesAt(), String.join(", ", left), "these tables depend on each other in a"
                        + " cycle (foreign keys or where parameters) that cannot be ordered parents first");
            }
            return sorted;
        }

        /** Prepares (never executes) the condition in a read-only transaction: its syntax, names and parameter types. */
        private void check(Node n, String where) throws SQLException {
            String sql = "SELECT 1 FROM " + Sql.ident(n.schema()) + "." + Sql.ident(n.table()) + " AS strata_t WHERE (" + where + ")";
            try (Connection c = databases.get(n.database()).connection()) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET TRANSACTION READ ONLY");
                }
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.getParameterMetaData();
                } catch (SQLException e) {
                    throw error(n.at() + ".where", n.where(), "does not prepare: " + e.getMessage());
                } finally {
                    c.rollback();
                }
            }
        }

        private List<Column> columns(Node n) throws SQLException {
            try (Connection c = databases.get(n.database()).connection()) {
                try {
                    return Column.of(c, Sql.ident(n.schema()) + "." + Sql.ident(n.table()));
                } finally {
                    c.rollback();
                }
            }
        }

        private List<String> primaryKey(Node n) throws SQLException {
            List<String> key = new ArrayList<>();
            try (Connection c = databases.get(n.database()).connection();
                    PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                            + " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(?)"
                            + " AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
                ps.setString(1, Sql.ident(n.schema()) + "." + Sql.ident(n.table()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        key.add(rs.getString(1));
                    }
                }
                c.rollback();
            }
            return key;
        }

        private List<BundleTable.ForeignKey> references(String database, String table) throws SQLException {
            return all(database).stream().filter(fk -> fk.parent().equals(table)).toList();
        }

        /** Every foreign key of the database, read once. */
        private List<BundleTable.ForeignKey> all(String database) throws SQLException {
            List<BundleTable.ForeignKey> list = fks.get(database);
            if (list != null) {
                return list;
            }
            list = new ArrayList<>();
            String sql = "SELECT c.conname, cn.nspname || '.' || cc.relname, pn.nspname || '.' || pc.relname,"
                    + " (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)"
                    + "  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n),"
                    + " (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)"
                    + "  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n)"
                    + " FROM pg_constraint c JOIN pg_class cc ON cc.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace"
                    + " JOIN pg_class pc ON pc.oid = c.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace"
                    + " WHERE c.contype = 'f' ORDER BY c.conrelid, c.conname";
            try (Connection c = databases.get(database).connection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    list.add(new BundleTable.ForeignKey(rs.getString(1), rs.getString(2),
                            Arrays.asList((String[]) rs.getArray(4).getArray()), rs.getString(3),
                            Arrays.asList((String[]) rs.getArray(5).getArray())));
                }
                c.rollback();
            }
            fks.put(database, list);
            return list;
        }
    }
}
