package io.strata.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.strata.ErrorCode;
import io.strata.StrataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * Reads the operator's YAML into a {@link StrataConfig}. Defaults live here and only here; every
 * error names the file and the key (and the line, for YAML that does not parse).
 */
public final class ConfigLoader {

    public static final Path DEFAULT_PATH = Path.of("config/application.yaml");

    /** How many objects a restore may load at once at most: the largest job concurrency. */
    public static int restoreConcurrency(List<JobConfig> jobs) {
        return jobs.stream().mapToInt(JobConfig::concurrency).max().orElse(JobConfig.DEFAULT_CONCURRENCY);
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}}");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern JOB_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private final Function<String, String> env;

    public ConfigLoader() {
        this(System::getenv);
    }

    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    /** The file named by {@code --config}, else {@code STRATA_CONFIG}, else {@code config/application.yaml}. */
    public static Path resolvePath(String fromArgs, Function<String, String> env) {
        if (fromArgs != null) {
            return Path.of(fromArgs);
        }
        String fromEnv = env.apply("STRATA_CONFIG");
        return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : DEFAULT_PATH;
    }

    public StrataConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, file + ": no such file (use --config PATH or STRATA_CONFIG)");
        } catch (IOException e) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, file + ": cannot be read: " + e.getMessage());
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new StrataException(ErrorCode.CONFIG_INVALID,
                    file + where + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.has("strata")) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, file + ": expected a top-level 'strata:' section");
        }
        return new Reader(file).config(root.get("strata"));
    }

    /** Walks the tree, keeping the file for messages. */
    private final class Reader {
        private final Path file;

        Reader(Path file) {
            this.file = file;
        }

        StrataConfig config(JsonNode strata) {
            Section s = section(strata, "strata", "database", "s3", "schema", "zone", "tempDir", "gzipLevel",
                    "shutdownTimeout", "jobs", "report", "management", "routes");
            Section db = section(s.node("database"), "strata.database", "url", "user", "password", "poolSize");
            StrataConfig.DatabaseConfig database = new StrataConfig.DatabaseConfig(
                    db.require("url"), db.string("user", "postgres"), db.string("password", ""),
                    db.integer("poolSize", 0, 1, 200));
            if (!database.url().startsWith("jdbc:postgresql:")) {
                throw error("strata.database.url", database.shownUrl(), "must start with jdbc:postgresql:");
            }
            StrataConfig.S3Config s3 = s3(section(s.node("s3"), "strata.s3", "bucket", "endpoint", "region", "prefix",
                    "pathStyle", "accessKey", "secretKey", "createBucket", "embedded", "partSize",
                    "payloadSigning", "conditionalWrites"));
            String schema = s.identifier("schema", "strata");
            ZoneId zone = s.zone("zone", ZoneId.of("UTC"));
            Path tempDir = Path.of(s.string("tempDir", "./data/tmp"));
            Path routes = Path.of(s.string("routes", "./routes"));
            int gzipLevel = s.integer("gzipLevel", 1, 1, 9);
            Duration shutdownTimeout = s.duration("shutdownTimeout", Duration.ofMinutes(10));
            List<JobConfig> jobs = new ArrayList<>();
            JsonNode jobsNode = s.node("jobs");
            if (jobsNode != null && !jobsNode.isNull()) {
                if (!jobsNode.isArray()) {
                    throw error("strata.jobs", jobsNode.toString(), "must be a list of jobs");
                }
                Set<String> names = new HashSet<>();
                for (int i = 0; i < jobsNode.size(); i++) {
                    JobConfig job = job(jobsNode.get(i), "strata.jobs[" + i + "]", zone);
                    if (!names.add(job.name())) {
                        throw error("strata.jobs[" + i + "].name", job.name(), "is used by another job");
                    }
                    jobs.add(job);
                }
            }
            // Every job's batches at once, one restore at full concurrency beside them, and two for the rest.
            int poolSize = database.poolSize() > 0 ? database.poolSize()
                    : Math.max(4, jobs.stream().mapToInt(JobConfig::concurrency).sum() + restoreConcurrency(jobs) + 2);
            database = new StrataConfig.DatabaseConfig(database.url(), database.user(), database.password(), poolSize);
            return new StrataConfig(file, database, s3, schema, zone, tempDir, gzipLevel, shutdownTimeout, List.copyOf(jobs),
                    report(section(s.node("report"), "strata.report", "schedule", "out", "pricePerGbMonth")),
                    management(section(s.node("management"), "strata.management", "jolokiaPort", "jolokiaHost", "rmiPort",
                            "user", "password", "rmiPasswordFile", "rmiAccessFile", "rmiTls")),
                    routes, Settings.flatten(strata, this::resolve));
        }

        StrataConfig.ReportConfig report(Section r) {
            String schedule = r.string("schedule", "0 30 3 * * ?");
            if (!CronExpression.isValidExpression(schedule)) {
                throw error("strata.report.schedule", schedule, "is not a valid quartz cron expression; e.g. \"0 30 3 * * ?\"");
            }
            String price = r.string("pricePerGbMonth", "0.023");
            double perGb;
            try {
                perGb = Double.parseDouble(price);
            } catch (NumberFormatException e) {
                throw error("strata.report.pricePerGbMonth", price, "must be a number (0.023 for S3 Standard)");
            }
            if (!(perGb >= 0) || Double.isInfinite(perGb)) {
                throw error("strata.report.pricePerGbMonth", price, "must not be negative");
            }
            return new StrataConfig.ReportConfig(schedule, Path.of(r.string("out", "./reports")), perGb);
        }

        /** The console: closed by default (README: Operating Strata); errors never show the password. */
        StrataConfig.ManagementConfig management(Section m) {
            int jolokiaPort = m.integer("jolokiaPort", 8778, 0, 65535);
            String host = m.string("jolokiaHost", "127.0.0.1");
            int rmiPort = m.integer("rmiPort", 0, 0, 65535);
            String user = m.string("user", "");
            String password = m.string("password", "");
            if (user.isEmpty() != password.isEmpty()) {
                throw error(user.isEmpty() ? "strata.management.user" : "strata.management.password", null,
                        "is required when " + (user.isEmpty() ? "strata.management.password" : "strata.management.user")
                                + " is set");
            }
            if (!user.isEmpty() && !user.matches("[A-Za-z0-9._@-]+")) {
                throw error("strata.management.user", user, "must be letters, digits, '.', '_', '@' or '-'");
            }
            if (password.contains(",") || password.contains("\n") || password.contains("\r") || !password.equals(password.trim())) {
                // Vert.x's property-file authentication reads "user.NAME=PASSWORD,ROLES" a line at a time
                throw error("strata.management.password", null, "must not contain ',' or a line break, nor begin or end with a space");
            }
            if (jolokiaPort != 0 && user.isEmpty() && !loopback(host)) {
                throw error("strata.management.jolokiaHost", host, "is not a loopback address, and Jolokia there would"
                        + " answer anyone who reaches it: set strata.management.user and strata.management.password"
                        + " (from the environment, e.g. \"{{env:STRATA_CONSOLE_PASSWORD}}\"), or keep 127.0.0.1");
            }
            String passwordFile = m.string("rmiPasswordFile", "");
            String accessFile = m.string("rmiAccessFile", "");
            Path rmiPasswordFile = null;
            Path rmiAccessFile = null;
            if (rmiPort != 0) {
                rmiPasswordFile = jmxFile("strata.management.rmiPasswordFile", passwordFile, true);
                rmiAccessFile = jmxFile("strata.management.rmiAccessFile", accessFile, false);
            }
            return new StrataConfig.ManagementConfig(jolokiaPort, host, rmiPort, user.isEmpty() ? null : user,
                    password.isEmpty() ? null : password, rmiPasswordFile, rmiAccessFile, m.bool("rmiTls", false));
        }

        private boolean loopback(String host) {
            try {
                return java.net.InetAddress.getByName(host).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                throw error("strata.management.jolokiaHost", host, "is not a known host or address");
            }
        }

        /** A JMX password or access file, checked as the JDK checks its own agent's: a password file only its owner reads. */
        private Path jmxFile(String key, String value, boolean ownerOnly) {
            if (value.isBlank()) {
                throw error(key, null, "is required when strata.management.rmiPort is set: remote JMX asks for a user"
                        + " and password (README: JConsole and Hawtio)");
            }
            Path file = Path.of(value).toAbsolutePath();
            if (!Files.isRegularFile(file)) {
                throw error(key, value, "is not a file");
            }
            if (!Files.isReadable(file)) {
                throw error(key, value, "cannot be read");
            }
            if (ownerOnly) {
                try {
                    Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                    if (perms.stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
                        throw error(key, value, "must be readable by its owner only (chmod 600)");
                    }
                } catch (UnsupportedOperationException notPosix) {
                    // Windows: the JDK checks the ACL; the operator keeps the file private
                } catch (IOException e) {
                    throw error(key, value, "cannot be read: " + e.getMessage());
                }
            }
            return file;
        }

        StrataConfig.S3Config s3(Section s) {
            String endpoint = s.string("endpoint", "embedded");
            boolean embedded = "embedded".equals(endpoint);
            if (!embedded && !endpoint.isEmpty() && !endpoint.matches("https?://.+")) {
                throw error("strata.s3.endpoint", endpoint, "must be 'embedded', an http(s):// URL, or empty for AWS");
            }
            Section emb = section(s.node("embedded"), "strata.s3.embedded", "dir", "port");
            String bucket = s.string("bucket", "archive");
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw error("strata.s3.bucket", bucket, "is not a valid S3 bucket name");
            }
            String prefix = s.string("prefix", "").replaceAll("^/+|/+$", "");
            long partSize = s.bytes("partSize", 16L << 20);
            if (partSize < (5L << 20)) {
                throw error("strata.s3.partSize", String.valueOf(partSize), "must be at least 5MB (the S3 minimum)");
            }
            String signingText = s.string("payloadSigning", "unsigned");
            StrataConfig.S3Config.PayloadSigning signing = switch (signingText) {
                case "unsigned" -> StrataConfig.S3Config.PayloadSigning.UNSIGNED;
                case "signed" -> StrataConfig.S3Config.PayloadSigning.SIGNED;
                case "chunked" -> StrataConfig.S3Config.PayloadSigning.CHUNKED;
                default -> throw error("strata.s3.payloadSigning", signingText, "must be unsigned, signed or chunked");
            };
            return new StrataConfig.S3Config(bucket, endpoint, s.string("region", "us-east-1"), prefix,
                    s.bool("pathStyle", true), s.string("accessKey", ""), s.string("secretKey", ""),
                    s.bool("createBucket", embedded), Path.of(emb.string("dir", "./data/s3")),
                    emb.integer("port", 0, 0, 65535), partSize, signing, s.bool("conditionalWrites", true));
        }

        JobConfig job(JsonNode node, String at, ZoneId defaultZone) {
            Section j = section(node, at, "name", "table", "timestampColumn", "keep", "batch", "format", "schedule",
                    "tenantColumn", "delete", "enabled", "concurrency", "zone", "acceptOnDelete");
            String name = j.require("name");
            if (!JOB_NAME.matcher(name).matches()) {
                throw error(at + ".name", name, "must be lower-case letters, digits, '-' or '_'");
            }
            String table = j.require("table");
            String[] parts = table.split("\\.", -1);
            if (parts.length > 2 || !IDENTIFIER.matcher(parts[parts.length - 1]).matches()
                    || (parts.length == 2 && !IDENTIFIER.matcher(parts[0]).matches())) {
                throw error(at + ".table", table, "must be 'table' or 'schema.table'");
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
                        throw error(at + ".keep", keepText, "is not an ISO-8601 duration (P2D, PT36H, P3M) or 'forever'");
                    }
                }
                if ((keepDuration != null && keepDuration.isNegative()) || (keepPeriod != null && keepPeriod.isNegative())) {
                    throw error(at + ".keep", keepText, "must not be negative");
                }
            }
            Duration batch = j.duration("batch", Duration.ofHours(1));
            if (batch.compareTo(Duration.ofMinutes(1)) < 0 || batch.compareTo(Duration.ofDays(1)) > 0
                    || Duration.ofDays(1).toSeconds() % batch.toSeconds() != 0) {
                throw error(at + ".batch", j.string("batch", ""), "must divide one day evenly (PT15M, PT1H, PT6H, P1D)");
            }
            String formatText = j.string("format", "csv");
            JobConfig.Format format = switch (formatText) {
                case "csv" -> JobConfig.Format.CSV;
                case "jsonl" -> JobConfig.Format.JSONL;
                default -> throw error(at + ".format", formatText, "must be csv or jsonl");
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
                throw error(at + ".schedule", schedule, why + "; e.g. \"0 0 3 * * ?\" for 03:00 daily");
            }
            String tenant = j.string("tenantColumn", null);
            String ts = j.require("timestampColumn");
            for (String[] col : new String[][] {{"timestampColumn", ts}, {"tenantColumn", tenant}}) {
                if (col[1] != null && !IDENTIFIER.matcher(col[1]).matches()) {
                    throw error(at + "." + col[0], col[1], "is not a column name");
                }
            }
            boolean delete = j.bool("delete", true);
            return new JobConfig(name, parts.length == 2 ? parts[0] : "public", parts[parts.length - 1], ts,
                    keepText, keepDuration, keepPeriod, batch, format, schedule, tenant,
                    delete, j.bool("enabled", true), j.integer("concurrency", JobConfig.DEFAULT_CONCURRENCY, 1, 32),
                    j.zone("zone", defaultZone), acceptOnDelete(j, at, delete));
        }

        /** {@code acceptOnDelete}: a list of {@code schema.table.constraint}; whether each exists is checked against the database. */
        List<String> acceptOnDelete(Section j, String at, boolean delete) {
            JsonNode list = j.node("acceptOnDelete");
            if (list == null || list.isNull()) {
                return List.of();
            }
            String key = at + ".acceptOnDelete";
            if (!list.isArray()) {
                throw error(key, list.toString(), "must be a list of foreign keys, each schema.table.constraint");
            }
            if (!delete && !list.isEmpty()) {
                throw error(key, list.toString(), "is for jobs that delete; this job has delete: false and changes no row");
            }
            List<String> names = new ArrayList<>();
            for (JsonNode item : list) {
                String name = item.isValueNode() ? resolve(key, item.asText()) : item.toString();
                if (!item.isValueNode() || !name.matches("[^.]+\\.[^.]+\\..+")) {
                    throw error(key, name, "is not a foreign key named schema.table.constraint (the referencing table's"
                            + " schema and name, then the constraint's name)");
                }
                names.add(name);
            }
            return List.copyOf(names);
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

        StrataException error(String key, String value, String why) {
            String shown = value == null ? "" : " \"" + value + "\"";
            return new StrataException(ErrorCode.CONFIG_INVALID, file + ": " + key + shown + " " + why);
        }

        /** Typed access to one mapping, with placeholders resolved and errors naming the key. */
        private final class Section {
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
    }

}
