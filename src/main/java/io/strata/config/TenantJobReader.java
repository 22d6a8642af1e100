package io.strata.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code strata.jobs[]} entry with {@code tenant:} into a {@link TenantJobConfig}. What needs the databases (the
 * tables exist, the foreign keys reach them, each {@code where} parses) is checked at start by the tenant kind.
 */
final class TenantJobReader {

    private static final Pattern IDENTIFIER = ConfigFile.IDENTIFIER;

    private final ConfigFile f;

    TenantJobReader(ConfigFile f) {
        this.f = f;
    }

    static boolean isTenantJob(JsonNode node) {
        return node != null && node.isObject() && node.has("tenant");
    }

    TenantJobConfig job(JsonNode node, String at, Set<String> databases) {
        ConfigFile.Section j = f.section(node, at, "name", "tenant", "format", "schedule", "enabled", "concurrency",
                "testRestore");
        String name = f.jobName(j, at);
        String tat = at + ".tenant";
        ConfigFile.Section t = f.section(j.node("tenant"), tat, "table", "key", "due", "tables");
        String[] root = f.table(t.require("table"), tat + ".table");
        String key = t.require("key");
        if (!IDENTIFIER.matcher(key).matches()) {
            throw f.error(tat + ".key", key, "is not a column name");
        }
        String due = t.string("due", null);
        List<TenantJobConfig.Extra> extras = tables(t.node("tables"), tat + ".tables", databases);
        JobConfig.Format format = f.format(j, at);
        String schedule = f.schedule(j, at);
        return new TenantJobConfig(name, at, root[0], root[1], key, due, List.copyOf(extras), format, schedule,
                j.bool("enabled", true), j.integer("concurrency", JobConfig.DEFAULT_CONCURRENCY, 1, 32),
                j.bool("testRestore", true));
    }

    /**
     * A {@code tables:} list ({@code {table, where, database}} each), of a tenant job's {@code tenant:} or of a time
     * job; empty when absent.
     */
    List<TenantJobConfig.Extra> tables(JsonNode list, String at, Set<String> databases) {
        List<TenantJobConfig.Extra> extras = new ArrayList<>();
        if (list == null || list.isNull()) {
            return extras;
        }
        if (!list.isArray()) {
            throw f.error(at, list.toString(), "must be a list of {table, where, database}");
        }
        for (int i = 0; i < list.size(); i++) {
            String eat = at + "[" + i + "]";
            ConfigFile.Section e = f.section(list.get(i), eat, "table", "where", "database");
            String[] parts = f.table(e.require("table"), eat + ".table");
            String database = e.string("database", TenantJobConfig.MAIN);
            if (!databases.contains(database)) {
                throw f.error(eat + ".database", database, "is not a database of strata.databases (known: "
                        + String.join(", ", databases) + ")");
            }
            String where = e.string("where", null);
            if (where != null && where.isBlank()) {
                throw f.error(eat + ".where", where, "is empty; leave the key out for a table foreign keys reach");
            }
            if (!database.equals(TenantJobConfig.MAIN) && where == null) {
                throw f.error(eat + ".where", null, "is required for a table of another database (" + database
                        + "): no foreign key crosses databases");
            }
            extras.add(new TenantJobConfig.Extra(parts[0], parts[1], where, database, eat));
        }
        return extras;
    }
}
