package io.strata.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/** The {@code strata.jobs[]} entries of a config file, each into a validated {@link JobConfig}. */
final class JobReader {

    private static final Pattern IDENTIFIER = ConfigFile.IDENTIFIER;
    private static final Pattern JOB_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private final ConfigFile f;

    JobReader(ConfigFile f) {
        this.f = f;
    }

    JobConfig job(JsonNode node, String at, ZoneId defaultZone) {
        ConfigFile.Section j = f.section(node, at, "name", "table", "timestampColumn", "keep", "batch", "format", "schedule",
                "tenantColumn", "delete", "enabled", "concurrency", "zone", "acceptOnDelete", "key");
        String name = j.require("name");
        if (!JOB_NAME.matcher(name).matches()) {
            throw f.error(at + ".name", name, "must be lower-case letters, digits, '-' or '_'");
        }
        String table = j.require("table");
        String[] parts = table.split("\\.", -1);
        if (parts.length > 2 || !IDENTIFIER.matcher(parts[parts.length - 1]).matches()
                || (parts.length == 2 && !IDENTIFIER.matcher(parts[0]).matches())) {
            throw f.error(at + ".table", table, "must be 'table' or 'schema.table'");
        }
        String keepText = j.require("keep");
        Duration keepDuration = null;
        Period keepPeriod = null;
        if (!keepText.equals("forever")) {
            try {
                keepDuration = Duration.parse(keepText);
            } catch (RuntimeException notDuration) {
                try {
                    keepPeriod = Period.parse(keepText);
                } catch (RuntimeException notPeriod) {
                    throw f.error(at + ".keep", keepText, "is not an ISO-8601 duration (P2D, PT36H, P3M) or 'forever'");
                }
            }
            if ((keepDuration != null && keepDuration.isNegative()) || (keepPeriod != null && keepPeriod.isNegative())) {
                throw f.error(at + ".keep", keepText, "must not be negative");
            }
        }
        Duration batch = j.duration("batch", Duration.ofHours(1));
        if (batch.compareTo(Duration.ofMinutes(1)) < 0 || batch.compareTo(Duration.ofDays(1)) > 0
                || Duration.ofDays(1).toSeconds() % batch.toSeconds() != 0) {
            throw f.error(at + ".batch", j.string("batch", ""), "must divide one day evenly (PT15M, PT1H, PT6H, P1D)");
        }
        String formatText = j.string("format", "csv");
        JobConfig.Format format = switch (formatText) {
            case "csv" -> JobConfig.Format.CSV;
            case "jsonl" -> JobConfig.Format.JSONL;
            default -> throw f.error(at + ".format", formatText, "must be csv or jsonl");
        };
        String schedule = j.string("schedule", "0 0 3 * * ?");
        if (!CronExpression.isValidExpression(schedule)) {
            String why;
            try {
                CronExpression.validateExpression(schedule);
                why = "is not a valid quartz cron expression";
            } catch (java.text.ParseException e) {
                why = "is not a valid quartz cron expression (" + e.getMessage() + ")";
            }
            throw f.error(at + ".schedule", schedule, why + "; e.g. \"0 0 3 * * ?\" for 03:00 daily");
        }
        String tenant = j.string("tenantColumn", null);
        String ts = j.require("timestampColumn");
        String key = j.string("key", null);
        for (String[] col : new String[][] {{"timestampColumn", ts}, {"tenantColumn", tenant}, {"key", key}}) {
            if (col[1] != null && !IDENTIFIER.matcher(col[1]).matches()) {
                throw f.error(at + "." + col[0], col[1], "is not a column name");
            }
        }
        boolean delete = j.bool("delete", true);
        return new JobConfig(name, parts.length == 2 ? parts[0] : "public", parts[parts.length - 1], ts,
                keepText, keepDuration, keepPeriod, batch, format, schedule, tenant,
                delete, j.bool("enabled", true), j.integer("concurrency", JobConfig.DEFAULT_CONCURRENCY, 1, 32),
                j.zone("zone", defaultZone), acceptOnDelete(j, at, delete), key);
    }

    /** {@code acceptOnDelete}: a list of {@code schema.table.constraint}; whether each exists is checked against the database. */
    List<String> acceptOnDelete(ConfigFile.Section j, String at, boolean delete) {
        JsonNode list = j.node("acceptOnDelete");
        if (list == null || list.isNull()) {
            return List.of();
        }
        String key = at + ".acceptOnDelete";
        if (!list.isArray()) {
            throw f.error(key, list.toString(), "must be a list of foreign keys, each schema.table.constraint");
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
