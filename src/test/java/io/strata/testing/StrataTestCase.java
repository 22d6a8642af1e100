package io.strata.testing;

import io.strata.storage.EmbeddedS3;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test against the real things: its own PostgreSQL schema (dropped before each test, so a test
 * class creates its tables in its own {@code @BeforeEach}) and an S3 server over HTTP whose objects
 * live under {@code dir/s3/test/}.
 */
public abstract class StrataTestCase {

    @TempDir
    protected Path dir;
    protected EmbeddedS3 s3;

    /** The schema of this test class's tables and of Strata's own. */
    protected abstract String schema();

    @BeforeEach
    void startS3AndDropSchema() {
        TestEnv.resetSchema(schema());
        s3 = TestEnv.s3(dir.resolve("s3"));
    }

    @AfterEach
    void stopS3() throws Exception {
        s3.close();
    }

    /** A config against this S3 and schema, to add jobs to and write: {@code config().job("ev", table).write(dir)}. */
    protected Configs config() {
        return Configs.config(s3.endpoint(), schema());
    }

    /** A config file for these jobs ({@code jobsYaml}: list items indented two spaces) against this S3. */
    protected Path config(String jobsYaml) {
        return TestEnv.config(dir, s3.endpoint(), schema(), jobsYaml);
    }

    /** One job on {@code table} by its column {@code at}, rows due after two days, plus {@code extraKeys}. */
    protected static String job(String name, String table, String... extraKeys) {
        StringBuilder yaml = new StringBuilder("  - name: " + name + "\n    table: " + table
                + "\n    timestampColumn: at\n    keep: P2D\n");
        for (String k : extraKeys) {
            yaml.append("    ").append(k).append('\n');
        }
        return yaml.toString();
    }

    /**
     * Creates {@code <schema>.events (id bigint PRIMARY KEY, at timestamptz, v text)}, indexed on
     * {@code at}, with rows {@code g = 1..rows}: {@code at} and {@code v} are SQL expressions over {@code g}.
     */
    protected String events(int rows, String at, String v) {
        String table = schema() + ".events";
        TestEnv.sql("CREATE SCHEMA " + schema(),
                "CREATE TABLE " + table + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, v text)",
                "INSERT INTO " + table + " SELECT g, " + at + ", " + v + " FROM generate_series(1, " + rows + ") g",
                "CREATE INDEX ON " + table + " (at)");
        return table;
    }

    /**
     * Creates {@code <schema>.events (id bigint PRIMARY KEY, at timestamptz, tenant text, note text)},
     * indexed on {@code at}, with the rows of {@code select} (a query of those four columns).
     */
    protected String tenantEvents(String select) {
        String table = schema() + ".events";
        TestEnv.sql("CREATE SCHEMA " + schema(),
                "CREATE TABLE " + table + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, tenant text NOT NULL, note text)",
                "CREATE INDEX ON " + table + " (at)",
                "INSERT INTO " + table + " " + select);
        return table;
    }

    /** Where the S3 server keeps the object with this key. */
    protected Path object(String key) {
        return dir.resolve("s3/test").resolve(key);
    }
}
