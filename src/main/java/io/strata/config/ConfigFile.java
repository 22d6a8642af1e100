package io.strata.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.ErrorCode;
import io.strata.StrataException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * One config file being read: where errors point (the file and the key), how {@code {{env:NAME:default}}}
 * placeholders resolve, and the mappings of keys, each checked for keys it does not know.
 */
final class ConfigFile {

    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    /** A job's name: it becomes a route id, a thread name and a segment of every object key. */
    static final Pattern JOB_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}}");

    final Path file;
    private final Function<String, String> env;

    ConfigFile(Path file, Function<String, String> env) {
        this.file = file;
        this.env = env;
    }

    Section section(JsonNode node, String at, String... keys) {
        if (node != null && !node.isNull() && !node.isObject()) {
            throw error(at, node.toString(), "must be a mapping of keys");
        }
        ObjectNode obj = node == null || node.isNull() ? new ObjectMapper().createObjectNode() : (ObjectNode) node;
        Set<String> known = Set.of(keys);
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!known.contains(key)) {
                throw error(at + "." + key, null, "is not a known key; known keys are " + String.join(", ", keys));
            }
        }
        return new Section(obj, at);
    }

    /** A job's {@code name} (row, offload, bundle or tenant job alike). */
    String jobName(Section j, String at) {
        String name = j.require("name");
        if (!JOB_NAME.matcher(name).matches()) {
            throw error(at + ".name", name, "must be lower-case letters, digits, '-' or '_'");
        }
        return name;
    }

    /** {@code table} or {@code schema.table} as {schema, table}, {@code public} when no schema is given. */
    String[] table(String table, String key) {
        String[] parts = table.split("\\.", -1);
        if (parts.length > 2 || !IDENTIFIER.matcher(parts[parts.length - 1]).matches()
                || (parts.length == 2 && !IDENTIFIER.matcher(parts[0]).matches())) {
            throw error(key, table, "must be 'table' or 'schema.table'");
        }
        return parts.length == 2 ? parts : new String[] {"public", parts[0]};
    }

    /** A job's {@code format}: csv (the default) or jsonl. */
    JobConfig.Format format(Section j, String at) {
        String text = j.string("format", "csv");
        return switch (text) {
            case "csv" -> JobConfig.Format.CSV;
            case "jsonl" -> JobConfig.Format.JSONL;
            default -> throw error(at + ".format", text, "must be csv or jsonl");
        };
    }

    /** A job's {@code schedule}, a quartz cron expression (03:00 daily by default); a bad one says why. */
    String schedule(Section j, String at) {
        String schedule = j.string("schedule", "0 0 3 * * ?");
        if (!CronExpression.isValidExpression(schedule)) {
            String why;
            try {
                CronExpression.validateExpression(schedule);
                why = "is not a valid quartz cron expression";
            } catch (java.text.ParseException e) {
                why = "is not a valid quartz cron expression (" + e.getMessage() + ")";
            }
            throw error(at + ".schedule", schedule, why + "; e.g. \"0 0 3 * * ?\" for 03:00 daily");
        }
        return schedule;
    }

    StrataException error(String key, String value, String why) {
        String shown = value == null ? "" : " \"" + value + "\"";
        return new StrataException(ErrorCode.CONFIG_INVALID, file + ": " + key + shown + " " + why);
    }

    String resolve(String key, String value) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null) {
                v = m.group(2);
            }
            if (v == null) {
                throw error(key, value, "needs the environment variable " + m.group(1) + ", which is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Typed access to one mapping, with placeholders resolved and errors naming the key. */
    final class Section {
        private final ObjectNode node;
        private final String at;

        Section(ObjectNode node, String at) {
            this.node = node;
            this.at = at;
        }

        JsonNode node(String key) {
            return node.get(key);
        }

        String string(String key, String dflt) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isValueNode()) {
                throw error(at + "." + key, v.toString(), "must be a single value");
            }
            return resolve(at + "." + key, v.asText());
        }

        String require(String key) {
            JsonNode raw = node.get(key);
            if (raw != null && raw.isBoolean()) {
                // YAML 1.1 reads on/off/yes/no as booleans
                throw error(at + "." + key, raw.asText(), "was read by YAML as a boolean; put the value in quotes");
            }
            String v = string(key, null);
            if (v == null || v.isBlank()) {
                throw error(at + "." + key, null, "is required");
            }
            return v;
        }

        String identifier(String key, String dflt) {
            String v = string(key, dflt);
            if (!IDENTIFIER.matcher(v).matches()) {
                throw error(at + "." + key, v, "is not a valid identifier");
            }
            return v;
        }

        boolean bool(String key, boolean dflt) {
            String v = string(key, null);
            if (v == null) {
                return dflt;
            }
            return switch (v) {
                case "true" -> true;
                case "false" -> false;
                default -> throw error(at + "." + key, v, "must be true or false");
            };
        }

        int integer(String key, int dflt, int min, int max) {
            String v = string(key, null);
            if (v == null) {
                return dflt;
            }
            try {
                int i = Integer.parseInt(v);
                if (i < min || i > max) {
                    throw error(at + "." + key, v, "must be between " + min + " and " + max);
                }
                return i;
            } catch (NumberFormatException e) {
                throw error(at + "." + key, v, "must be a whole number");
            }
        }

        Duration duration(String key, Duration dflt) {
            String v = string(key, null);
            if (v == null) {
                return dflt;
            }
            try {
                return Duration.parse(v);
            } catch (RuntimeException e) {
                throw error(at + "." + key, v, "is not an ISO-8601 duration (PT1H, PT15M, P1D)");
            }
        }

        ZoneId zone(String key, ZoneId dflt) {
            String v = string(key, null);
            if (v == null) {
                return dflt;
            }
            try {
                return ZoneId.of(v);
            } catch (RuntimeException e) {
                throw error(at + "." + key, v, "is not a time zone (UTC, Europe/Berlin, +02:00)");
            }
        }

        long bytes(String key, long dflt) {
            String v = string(key, null);
            if (v == null) {
                return dflt;
            }
            Matcher m = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE).matcher(v.trim());
            if (!m.matches()) {
                throw error(at + "." + key, v, "is not a size (16MB, 64MB)");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase();
            return switch (unit) {
                case "KB" -> n << 10;
                case "MB" -> n << 20;
                case "GB" -> n << 30;
                default -> n;
            };
        }
    }
}
