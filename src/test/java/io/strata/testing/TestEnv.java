package io.strata.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.cli.Cli;
import io.strata.storage.EmbeddedS3;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The real things tests talk to: PostgreSQL over JDBC (database {@code strata_test}, created when
 * missing; {@code STRATA_TEST_PG} overrides the server URL, {@code STRATA_TEST_DB} the database) and an S3 server over HTTP (s3proxy on a
 * loopback port, its objects in a temp directory so tests can corrupt them).
 */
public final class TestEnv {

    public static final String SERVER = env("STRATA_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/");
    /** The test database; {@code STRATA_TEST_DB} names another, so that two checkouts can test at once. */
    public static final String DB = env("STRATA_TEST_DB", "strata_test");
    public static final String URL = SERVER + DB;
    public static final String USER = env("STRATA_TEST_PGUSER", "postgres");

    /** The credentials of the tests' S3 servers, which child processes reach too. */
    public static final String ACCESS_KEY = "strata-test";
    public static final String SECRET_KEY = "strata-test-secret";

    private static boolean created;

    private TestEnv() {}

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    public static synchronized Connection connect() throws SQLException {
        if (!created) {
            try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, "");
                    Statement st = c.createStatement()) {
                ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DB + "'");
                if (!rs.next()) {
                    st.execute("CREATE DATABASE " + DB);
                }
            }
            created = true;
        }
        Connection c = DriverManager.getConnection(URL, USER, "");
        c.setAutoCommit(true);
        return c;
    }

    public static void sql(String... statements) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Runs {@code archive} with this config, which must succeed, empty {@code table} and leave
     * {@code objects} rows in {@code schema}'s manifest.
     */
    public static void archiveAll(Object config, String schema, String table, long objects) {
        Run run = cli("--config", config.toString(), "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(0, count("SELECT count(*) FROM " + table), "every row of " + table + " archived");
        assertEquals(objects, count("SELECT count(*) FROM " + schema + ".manifest"));
    }

    public static long count(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public static List<String> column(String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }

    /** Drops Strata's tables in {@code schema} and any table a test made, so each test starts clean. */
    public static void resetSchema(String schema) {
        sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    /** An S3 server over HTTP whose objects live under {@code dir}. */
    public static EmbeddedS3 s3(Path dir) {
        try {
            return EmbeddedS3.start(dir, 0, ACCESS_KEY, SECRET_KEY);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a config file: the test database, the given S3 endpoint with bucket {@code test} (created),
     * Strata's tables in {@code schema}, and {@code jobsYaml} (list items, indented two spaces). {@link Configs}
     * builds the same file from code.
     */
    public static Path config(Path dir, String endpoint, String schema, String jobsYaml) {
        return config(dir, endpoint, schema, "", jobsYaml);
    }

    public static Path config(Path dir, String endpoint, String schema, String extraYaml, String jobsYaml) {
        return Configs.config(endpoint, schema).extraYaml(extraYaml).jobsYaml(jobsYaml).write(dir);
    }

    /** The result of a command run in this JVM. */
    public record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Runs the command line in this JVM, as {@code java -jar strata.jar ARGS} would. */
    public static Run cli(String... args) {
        return cli(Map.of(), args);
    }

    public static Run cli(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                name -> env.containsKey(name) ? env.get(name) : System.getenv(name)).run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Starts {@code java -cp <test classpath> io.strata.cli.StrataApplication ARGS} as a child process. */
    public static ProcessBuilder child(List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        // Surefire runs tests from a manifest-only jar; the real class path is in this property. An
        // empty entry would put the working directory (the repository, with its routes/) on it.
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        cmd.add(String.join(java.io.File.pathSeparator, java.util.Arrays.stream(cp.split(java.io.File.pathSeparator))
                .filter(s -> !s.isBlank()).toList()));
        cmd.add("io.strata.cli.StrataApplication");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }
}
