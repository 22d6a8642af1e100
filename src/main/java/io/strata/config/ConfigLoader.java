package io.strata.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.strata.ErrorCode;
import io.strata.StrataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
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
        private final ConfigFile f;

        Reader(Path file) {
            this.f = new ConfigFile(file, env);
        }

        StrataConfig config(JsonNode strata) {
            ConfigFile.Section s = f.section(strata, "strata", "database", "s3", "schema", "zone", "tempDir", "gzipLevel",
                    "shutdownTimeout", "jobs", "report", "management", "routes", "databases");
            ConfigFile.Section db = f.section(s.node("database"), "strata.database", "url", "user", "password", "poolSize");
            StrataConfig.DatabaseConfig database = new StrataConfig.DatabaseConfig(
                    db.require("url"), db.string("user", "postgres"), db.string("password", ""),
                    db.integer("poolSize", 0, 1, 200));
            if (!database.url().startsWith("jdbc:postgresql:")) {
                throw f.error("strata.database.url", database.shownUrl(), "must start with jdbc:postgresql:");
            }
            java.util.Map<String, StrataConfig.DatabaseConfig> databases = databases(s.node("databases"), database);
            StrataConfig.S3Config s3 = s3(f.section(s.node("s3"), "strata.s3", "bucket", "endpoint", "region", "prefix",
                    "pathStyle", "accessKey", "secretKey", "createBucket", "embedded", "partSize",
                    "payloadSigning", "conditionalWrites"));
            String schema = s.identifier("schema", "strata");
            ZoneId zone = s.zone("zone", ZoneId.of("UTC"));
            Path tempDir = Path.of(s.string("tempDir", "./data/tmp"));
            Path routes = Path.of(s.string("routes", "./routes"));
            int gzipLevel = s.integer("gzipLevel", 1, 1, 9);
            Duration shutdownTimeout = s.duration("shutdownTimeout", Duration.ofMinutes(10));
            List<JobConfig> jobs = new ArrayList<>();
            List<TenantJobConfig> tenantJobs = new ArrayList<>();
            JsonNode jobsNode = s.node("jobs");
            if (jobsNode != null && !jobsNode.isNull()) {
                if (!jobsNode.isArray()) {
                    throw f.error("strata.jobs", jobsNode.toString(), "must be a list of jobs");
                }
                Set<String> names = new HashSet<>();
                for (int i = 0; i < jobsNode.size(); i++) {
                    if (TenantJobReader.isTenantJob(jobsNode.get(i))) {
                        TenantJobConfig tj = new TenantJobReader(f).job(jobsNode.get(i), "strata.jobs[" + i + "]",
                                databases.keySet());
                        if (!names.add(tj.name())) {
                            throw f.error("strata.jobs[" + i + "].name", tj.name(), "is used by another job");
                        }
                        tenantJobs.add(tj);
                        continue;
                    }
                    JobConfig job = new JobReader(f).job(jobsNode.get(i), "strata.jobs[" + i + "]", zone, databases.keySet());
                    if (!names.add(job.name())) {
                        throw f.error("strata.jobs[" + i + "].name", job.name(), "is used by another job");
                    }
                    jobs.add(job);
                }
            }
            // Every job's batches at once, one restore at full concurrency beside them, and two for the rest.
            int poolSize = database.poolSize() > 0 ? database.poolSize()
                    : Math.max(4, jobs.stream().mapToInt(JobConfig::concurrency).sum()
                    + tenantJobs.stream().mapToInt(TenantJobConfig::concurrency).sum() + restoreConcurrency(jobs) + 2);
            database = new StrataConfig.DatabaseConfig(database.url(), database.user(), database.password(), poolSize);
            databases.put(TenantJobConfig.MAIN, database);
            return new StrataConfig(f.file, database, s3, schema, zone, tempDir, gzipLevel, shutdownTimeout, List.copyOf(jobs),
                    List.copyOf(tenantJobs), java.util.Collections.unmodifiableMap(databases),
                    report(f.section(s.node("report"), "strata.report", "schedule", "out", "pricePerGbMonth")),
                    new ManagementReader(f).management(f.section(s.node("management"), "strata.management", "jolokiaPort", "jolokiaHost", "rmiPort",
                            "user", "password", "rmiPasswordFile", "rmiAccessFile", "rmiTls", "rowCache")),
                    routes, Settings.flatten(strata, f::resolve));
        }

        /** {@code strata.databases}: more databases by name, for tenant jobs; {@code main} is {@code strata.database}. */
        java.util.Map<String, StrataConfig.DatabaseConfig> databases(JsonNode node, StrataConfig.DatabaseConfig main) {
            java.util.Map<String, StrataConfig.DatabaseConfig> all = new java.util.LinkedHashMap<>();
            all.put(TenantJobConfig.MAIN, main);
            if (node == null || node.isNull()) {
                return all;
            }
            if (!node.isObject()) {
                throw f.error("strata.databases", node.toString(), "must be a mapping of names to {url, user, password}");
            }
            var names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                String at = "strata.databases." + name;
                if (name.equals(TenantJobConfig.MAIN)) {
                    throw f.error(at, null, "'main' is strata.database; give the other databases other names");
                }
                if (!ConfigFile.IDENTIFIER.matcher(name).matches()) {
                    throw f.error(at, name, "is not a valid name (letters, digits, '_')");
                }
                ConfigFile.Section d = f.section(node.get(name), at, "url", "user", "password", "poolSize");
                StrataConfig.DatabaseConfig db = new StrataConfig.DatabaseConfig(d.require("url"), d.string("user", "postgres"),
                        d.string("password", ""), d.integer("poolSize", main.poolSize() > 0 ? main.poolSize() : 8, 1, 200));
                if (!db.url().startsWith("jdbc:postgresql:")) {
                    throw f.error(at + ".url", db.shownUrl(), "must start with jdbc:postgresql:");
                }
                all.put(name, db);
            }
            return all;
        }

        StrataConfig.ReportConfig report(ConfigFile.Section r) {
            String schedule = r.string("schedule", "0 30 3 * * ?");
            if (!CronExpression.isValidExpression(schedule)) {
                throw f.error("strata.report.schedule", schedule, "is not a valid quartz cron expression; e.g. \"0 30 3 * * ?\"");
            }
            String price = r.string("pricePerGbMonth", "0.023");
            double perGb;
            try {
                perGb = Double.parseDouble(price);
            } catch (NumberFormatException e) {
                throw f.error("strata.report.pricePerGbMonth", price, "must be a number (0.023 for S3 Standard)");
            }
            if (!(perGb >= 0) || Double.isInfinite(perGb)) {
                throw f.error("strata.report.pricePerGbMonth", price, "must not be negative");
            }
            return new StrataConfig.ReportConfig(schedule, Path.of(r.string("out", "./reports")), perGb);
        }

        /** The console: closed by default (README: Operating Strata); errors never show the password. */
        StrataConfig.S3Config s3(ConfigFile.Section s) {
            String endpoint = s.string("endpoint", "embedded");
            boolean embedded = "embedded".equals(endpoint);
            if (!embedded && !endpoint.isEmpty() && !endpoint.matches("https?://.+")) {
                throw f.error("strata.s3.endpoint", endpoint, "must be 'embedded', an http(s):// URL, or empty for AWS");
            }
            ConfigFile.Section emb = f.section(s.node("embedded"), "strata.s3.embedded", "dir", "port");
            String bucket = s.string("bucket", "archive");
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw f.error("strata.s3.bucket", bucket, "is not a valid S3 bucket name");
            }
            String prefix = s.string("prefix", "").replaceAll("^/+|/+$", "");
            long partSize = s.bytes("partSize", 16L << 20);
            if (partSize < (5L << 20)) {
                throw f.error("strata.s3.partSize", String.valueOf(partSize), "must be at least 5MB (the S3 minimum)");
            }
            String signingText = s.string("payloadSigning", "unsigned");
            StrataConfig.S3Config.PayloadSigning signing = switch (signingText) {
                case "unsigned" -> StrataConfig.S3Config.PayloadSigning.UNSIGNED;
                case "signed" -> StrataConfig.S3Config.PayloadSigning.SIGNED;
                case "chunked" -> StrataConfig.S3Config.PayloadSigning.CHUNKED;
                default -> throw f.error("strata.s3.payloadSigning", signingText, "must be unsigned, signed or chunked");
            };
            return new StrataConfig.S3Config(bucket, endpoint, s.string("region", "us-east-1"), prefix,
                    s.bool("pathStyle", true), s.string("accessKey", ""), s.string("secretKey", ""),
                    s.bool("createBucket", embedded), Path.of(emb.string("dir", "./data/s3")),
                    emb.integer("port", 0, 0, 65535), partSize, signing, s.bool("conditionalWrites", true));
        }

    }

}
