package io.strata.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A second database on the test server (named after the test database, {@code TestEnv.DB + suffix}), for the tests
 * of bundles that span databases: made when missing, dropped after a test class, and the statements a test runs in it.
 */
public record SecondDatabase(String name) {

    public static SecondDatabase of(String suffix) {
        return new SecondDatabase(TestEnv.DB + suffix);
    }

    public String url() {
        return TestEnv.SERVER + name;
    }

    /** {@code strata.databases} naming it {@code shard}, as config lines under {@code strata:}. */
    public String databasesYaml() {
        return "  databases:\n    shard: { url: \"" + url() + "\", user: " + TestEnv.USER + " }\n";
    }

    /** Creates the database unless it is there. */
    public void create() {
        server(st -> {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            st.execute("CREATE DATABASE " + name);
        });
    }

    /** Drops the database (after a test class: every Strata connection to it is closed by then). */
    public void drop() {
        server(st -> st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), TestEnv.USER, "");
    }

    public void sql(String... statements) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The first column of {@code sql}'s rows, as text. */
    public List<String> column(String sql) {
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

    public long count(String sql) {
        return Long.parseLong(column(sql).get(0));
    }

    private interface Work {
        void run(Statement st) throws SQLException;
    }

    private static void server(Work work) {
        try (Connection c = DriverManager.getConnection(TestEnv.SERVER + "postgres", TestEnv.USER, "");
                Statement st = c.createStatement()) {
            work.run(st);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
