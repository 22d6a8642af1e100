package io.strata.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@code strata.jobs[]} entries of a config file, each into a validated {@link JobConfig}. */
final class JobReader {

    private static final Pattern IDENTIFIER = ConfigFile.IDENTIFIER;

    private final ConfigFile f;

    JobReader(ConfigFile f) {
        this.f = f;
    }

    JobConfig job(JsonNode node, String at, ZoneId defaultZone, Set<String> databases) {
        ConfigFile.Section j = f.section(node, at, "name", "table", "timestampColumn", "keep", "batch", "format", "schedule",
                "tenantColumn", "delete", "enabled", "concurrency", "zone", "acceptOnDelete", "timestampUnit", "offload",
                "key", "tables", "testRestore");
        String name = f.jobName(j, at);
        String[] parts = f.table(j.require("table"), at + ".table");
        WindowSize batch = batch(j, at);
        String keepText = j.require("keep");
        Duration keepDuration = null;
        Period keepPeriod = null;
        if (!keepText.equals("forever")) {
            if (batch.isCalendar()) {
                // Calendar windows: keep counts whole days, weeks, months or years on the zone's calendar.
                try {
                    keepPeriod = Period.parse(keepText);
                } catch (RuntimeException notPeriod) {
                    throw f.error(at + ".keep", keepText, "must be whole months, weeks or days (P2M, P8W, P60D) or"
                            + " 'forever' with batch " + batch + ", whose windows are calendar "
                            + (batch.calendar() == WindowSize.Calendar.MONTH ? "months" : "weeks"));
                }
            } else {
                try {
                    keepDuration = Duration.parse(keepText);
                } catch (RuntimeException notDuration) {
                    try {
                        keepPeriod = Period.parse(keepText);
                    } catch (RuntimeException notPeriod) {
                        throw f.error(at + ".keep", keepText, "is not an ISO-8601 duration (P2D, PT36H, P3M) or 'forever'");
                    }
                }
            }
            if ((keepDuration != null && keepDuration.isNegative()) || (keepPeriod != null && keepPeriod.isNegative())) {
                throw f.error(at + ".keep", keepText, "must not be negative");
            }
            if (batch.isCalendar() && keepPeriod.isZero()) {
                throw f.error(at + ".keep", keepText, "is zero: with batch " + batch + " a window would be due the"
                        + " instant it ends, while rows may still arrive in it; keep at least one day (P1D), or P1M");
            }
        }
        JobConfig.Format format = f.format(j, at);
        String schedule = f.schedule(j, at);
        String tenant = j.string("tenantColumn", null);
        String ts = j.require("timestampColumn");
        String key = j.string("key", null);
        for (String[] col : new String[][] {{"timestampColumn", ts}, {"tenantColumn", tenant}, {"key", key}}) {
            if (col[1] != null && !IDENTIFIER.matcher(col[1]).matches()) {
                throw f.error(at + "." + col[0], col[1], "is not a column name");
            }
        }
        OffloadConfig offload = offload(j, at, ts);
        if (offload != null && key != null && !key.equals(offload.key())) {
            throw f.error(at + ".key", key, "differs from offload.key " + offload.key() + ": an offload job's rows are"
                    + " identified by offload.key; remove key");
        }
        if (offload != null && j.node("delete") != null) {
            throw f.error(at + ".delete", j.string("delete", ""), "does not go with offload: an offload job never deletes"
                    + " rows, it sets the offloaded columns to NULL; remove delete");
        }
        boolean delete = offload != null || j.bool("delete", true);
        String unitText = j.string("timestampUnit", null);
        TimestampUnit unit = null;
        if (unitText != null) {
            unit = switch (unitText) {
                case "seconds" -> TimestampUnit.SECONDS;
                case "milliseconds" -> TimestampUnit.MILLISECONDS;
                default -> throw f.error(at + ".timestampUnit", unitText, "must be seconds or milliseconds (what the"
                        + " integer values of timestampColumn count since 1970-01-01T00:00Z)");
            };
        }
        List<TenantJobConfig.Extra> tables = bundleTables(j, at, databases, offload != null, delete, key);
        if (tables == null && j.node("testRestore") != null) {
            throw f.error(at + ".testRestore", j.string("testRestore", ""), "is for jobs whose windows are bundles (with"
                    + " tables:) and for tenant jobs; this job's objects are rows of one table");
        }
        return new JobConfig(name, parts[0], parts[1], ts,
                keepText, keepDuration, keepPeriod, batch, format, schedule, tenant,
                delete, j.bool("enabled", true), j.integer("concurrency", JobConfig.DEFAULT_CONCURRENCY, 1, 32),
                j.zone("zone", defaultZone), acceptOnDelete(j, at, delete, offload != null), unit, offload, key,
                tables, j.bool("testRestore", true), at);
    }

    /**
     * {@code tables:} on a time job: each window's object becomes a bundle of its rows and their dependents (README,
     * "Windows with their dependents"); null when the key is absent. A bundle's tables are deleted children first
     * and a row another row still references stays, so neither offload, export-only, acceptOnDelete nor key (get
     * reads row objects) goes with it.
     */
    private List<TenantJobConfig.Extra> bundleTables(ConfigFile.Section j, String at, Set<String> databases,
            boolean offload, boolean delete, String key) {
        JsonNode list = j.node("tables");
        if (list == null || list.isNull()) {
            return null;
        }
        String why = offload ? "offload: an offload job keeps its rows, while a bundle holds whole rows and their"
                + " dependents; remove one of them"
                : !delete ? "delete: false: bundles are archived and deleted together, children first; remove one of them"
                : j.node("acceptOnDelete") != null ? "acceptOnDelete: the tables that reference the job's table are in"
                        + " its bundles and are deleted first, so no ON DELETE action ever fires; remove acceptOnDelete"
                : key != null ? "key: get reads rows from row objects, not from bundles; remove key" : null;
        if (why != null) {
            throw f.error(at + ".tables", list.toString(), "does not go with " + why);
        }
        return List.copyOf(new TenantJobReader(f).tables(list, at + ".tables", databases));
    }

    /**
     * {@code offload: {columns: [..], key: id, flagColumn: .., refColumn: ..}}; null when absent. The names are
     * checked here; that they exist, with fitting types, is checked against the table at start-up.
     */
    OffloadConfig offload(ConfigFile.Section j, String at, String ts) {
        JsonNode node = j.node("offload");
        if (node == null || node.isNull()) {
            return null;
        }
        String o = at + ".offload";
        ConfigFile.Section s = f.section(node, o, "columns", "key", "flagColumn", "refColumn");
        JsonNode list = s.node("columns");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw f.error(o + ".columns", list == null ? null : list.toString(), list == null ? "is required"
                    : "must be a list of one or more column names, e.g. [raw_data]");
        }
        String key = s.require("key");
        String flag = s.string("flagColumn", null);
        String ref = s.string("refColumn", null);
        List<String> columns = new ArrayList<>();
        for (JsonNode item : list) {
            String name = item.isValueNode() ? f.resolve(o + ".columns", item.asText()) : item.toString();
            if (!item.isValueNode() || !IDENTIFIER.matcher(name).matches()) {
                throw f.error(o + ".columns", name, "is not a column name");
            }
            if (name.equals(key) || name.equals(ts)) {
                throw f.error(o + ".columns", name, "is the job's " + (name.equals(key) ? "offload.key" : "timestampColumn")
                        + ": it identifies the row and stays; offload other columns");
            }
            if (name.equals(flag) || name.equals(ref)) {
                throw f.error(o + ".columns", name, "is also named as " + (name.equals(flag) ? "flagColumn" : "refColumn"));
            }
            if (columns.contains(name)) {
                throw f.error(o + ".columns", name, "is listed twice");
            }
            columns.add(name);
        }
        for (String[] col : new String[][] {{"key", key}, {"flagColumn", flag}, {"refColumn", ref}}) {
            if (col[1] != null && !IDENTIFIER.matcher(col[1]).matches()) {
                throw f.error(o + "." + col[0], col[1], "is not a column name");
            }
        }
        if (flag != null && (flag.equals(key) || flag.equals(ts) || flag.equals(ref))) {
            throw f.error(o + ".flagColumn", flag, "must be a column of its own (not the key, timestamp or ref column)");
        }
        if (ref != null && (ref.equals(key) || ref.equals(ts))) {
            throw f.error(o + ".refColumn", ref, "must be a column of its own (not the key or timestamp column)");
        }
        return new OffloadConfig(List.copyOf(columns), key, flag, ref);
    }

    /** {@code batch}: a length that divides a day evenly, or a calendar week ({@code P1W}) or month ({@code P1M}). */
    private WindowSize batch(ConfigFile.Section j, String at) {
        String text = j.string("batch", null);
        if ("P1M".equals(text)) {
            return WindowSize.MONTH;
        }
        if ("P1W".equals(text)) {
            return WindowSize.WEEK;
        }
        String accepted = "must divide one day evenly (PT1M to PT12H, e.g. PT15M, PT1H, PT6H; or P1D), or be a"
                + " calendar week P1W (Monday to Monday) or month P1M, in the job's zone";
        Duration batch;
        try {
            batch = text == null ? Duration.ofHours(1) : Duration.parse(text);
        } catch (RuntimeException e) {
            throw f.error(at + ".batch", text, accepted);
        }
        if (batch.compareTo(Duration.ofMinutes(1)) < 0 || batch.compareTo(Duration.ofDays(1)) > 0
                || Duration.ofDays(1).toSeconds() % batch.toSeconds() != 0) {
            throw f.error(at + ".batch", text, accepted);
        }
        return WindowSize.of(batch);
    }

    /** {@code acceptOnDelete}: a list of {@code schema.table.constraint}; whether each exists is checked against the database. */
    List<String> acceptOnDelete(ConfigFile.Section j, String at, boolean delete, boolean offload) {
        JsonNode list = j.node("acceptOnDelete");
        if (list == null || list.isNull()) {
            return List.of();
        }
        String key = at + ".acceptOnDelete";
        if (!list.isArray()) {
            throw f.error(key, list.toString(), "must be a list of foreign keys, each schema.table.constraint");
        }
        if (offload && !list.isEmpty()) {
            throw f.error(key, list.toString(), "is for jobs that delete rows; an offload job keeps its rows");
        }
        if (!delete && !list.isEmpty()) {
            throw f.error(key, list.toString(), "is for jobs that delete; this job has delete: false and changes no row");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode item : list) {
            String name = item.isValueNode() ? f.resolve(key, item.asText()) : item.toString();
            if (!item.isValueNode() || !name.matches("[^.]+\\.[^.]+\\..+")) {
                throw f.error(key, name, "is not a foreign key named schema.table.constraint (the referencing table's"
                        + " schema and name, then the constraint's name)");
            }
            names.add(name);
        }
        return List.copyOf(names);
    }
}
