package io.strata.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test's config file, built in code instead of copied YAML:
 *
 * <pre>
 * config(s3.endpoint(), SCHEMA).s3("partSize", "5MB")
 *         .job("ev", table).tenantColumn("tenant").format("jsonl")
 *         .write(dir);
 * </pre>
 *
 * The file has the tests' database, the given S3 endpoint with bucket {@code test} (created) and the tests'
 * credentials, Strata's tables in the schema, and its temp directory under the directory it is written to.
 * A job starts as the tests' usual one, {@code timestampColumn: at} and {@code keep: P2D}; the job setters
 * after {@link #job} apply to it.
 */
public final class Configs {

    private final String schema;
    private String databaseUrl = TestEnv.URL;
    private final Map<String, String> s3 = new LinkedHashMap<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<Map<String, String>> jobs = new ArrayList<>();
    private String extraYaml = "";
    private String jobsYaml;

    private Configs(String endpoint, String schema) {
        this.schema = schema;
        s3.put("bucket", "test");
        s3.put("endpoint", endpoint);
        s3.put("accessKey", TestEnv.ACCESS_KEY);
        s3.put("secretKey", TestEnv.SECRET_KEY);
        s3.put("createBucket", "true");
    }

    /** A config against the S3 server at {@code endpoint}, with Strata's tables in {@code schema}. */
    public static Configs config(String endpoint, String schema) {
        return new Configs(endpoint, schema);
    }

    /** The JDBC URL in place of the test database's own (to add options to it, say). */
    public Configs database(String url) {
        this.databaseUrl = url;
        return this;
    }

    /** Sets {@code strata.s3.<key>} ({@code partSize}, {@code secretKey}, …). */
    public Configs s3(String key, Object value) {
        s3.put(key, String.valueOf(value));
        return this;
    }

    /** Sets {@code strata.<key>} to {@code yaml}, as it is: {@code set("management", "{ jolokiaPort: 0 }")}. */
    public Configs set(String key, String yaml) {
        settings.put(key, yaml);
        return this;
    }

    /** Lines under {@code strata:} as they are (indented two spaces), for settings a test spells out. */
    public Configs extraYaml(String lines) {
        this.extraYaml = lines;
        return this;
    }

    /** Adds a job on {@code table} by its column {@code at}, rows due after two days. */
    public Configs job(String name, String table) {
        Map<String, String> job = new LinkedHashMap<>();
        job.put("name", name);
        job.put("table", table);
        job.put("timestampColumn", "at");
        job.put("keep", "P2D");
        jobs.add(job);
        return this;
    }

    /** Sets {@code key} of the last job added. */
    public Configs jobKey(String key, Object value) {
        if (jobs.isEmpty()) {
            throw new IllegalStateException(key + " before any job(name, table)");
        }
        jobs.get(jobs.size() - 1).put(key, String.valueOf(value));
        return this;
    }

    public Configs timestampColumn(String column) {
        return jobKey("timestampColumn", column);
    }

    public Configs keep(String keep) {
        return jobKey("keep", keep);
    }

    public Configs tenantColumn(String column) {
        return jobKey("tenantColumn", column);
    }

    public Configs format(String format) {
        return jobKey("format", format);
    }

    public Configs schedule(String cron) {
        return jobKey("schedule", cron);
    }

    public Configs concurrency(int concurrency) {
        return jobKey("concurrency", concurrency);
    }

    public Configs zone(String zone) {
        return jobKey("zone", zone);
    }

    public Configs enabled(boolean enabled) {
        return jobKey("enabled", enabled);
    }

    /** Jobs as YAML list items (indented two spaces), in place of {@link #job}: for configs a test spells out. */
    public Configs jobsYaml(String yaml) {
        this.jobsYaml = yaml;
        return this;
    }

    /** The file's text, with {@code tempDir} under {@code dir}. */
    public String yaml(Path dir) {
        StringBuilder y = new StringBuilder("strata:\n");
        y.append("  database: { url: ").append(scalar(databaseUrl)).append(", user: ").append(scalar(TestEnv.USER)).append(" }\n");
        y.append("  s3:\n");
        s3.forEach((k, v) -> y.append("    ").append(k).append(": ").append(scalar(v)).append('\n'));
        y.append("  schema: ").append(scalar(schema)).append('\n');
        y.append("  tempDir: ").append(scalar(dir.resolve("tmp").toString())).append('\n');
        settings.forEach((k, v) -> y.append("  ").append(k).append(": ").append(v).append('\n'));
        y.append(extraYaml);
        y.append("  jobs:\n");
        if (jobsYaml != null) {
            y.append(jobsYaml);
        } else if (jobs.isEmpty()) {
            y.append("    []\n");
        }
        for (Map<String, String> job : jobs) {
            String lead = "  - ";
            for (Map.Entry<String, String> e : job.entrySet()) {
                y.append(lead).append(e.getKey()).append(": ").append(scalar(e.getValue())).append('\n');
                lead = "    ";
            }
        }
        return y.toString();
    }

    /** Writes the file as {@code dir/strata-<schema>.yaml} and returns its path. */
    public Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve("strata-" + schema + ".yaml"), yaml(dir));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A YAML scalar: plain when it is a simple word, else double-quoted. */
    private static String scalar(String v) {
        if (v.matches("[A-Za-z0-9_][A-Za-z0-9_./-]*")) {
            return v;
        }
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
