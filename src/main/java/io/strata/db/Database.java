package io.strata.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.StrataConfig;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The connection pool, opened once per process. Connections come with autoCommit off. */
public final class Database implements AutoCloseable {

    private final HikariDataSource pool;
    private final String url;

    private Database(HikariDataSource pool, String url) {
        this.pool = pool;
        this.url = url;
    }

    /** Opens the pool and checks one connection, so a wrong URL or password fails here, clearly. */
    public static Database open(StrataConfig.DatabaseConfig db) {
        // One plain connection first: a refused connection or a wrong password fails at once here,
        // where the pool would keep retrying until its timeout.
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", db.user());
        props.setProperty("password", db.password());
        props.setProperty("connectTimeout", "10");
        try (Connection probe = java.sql.DriverManager.getConnection(db.url(), props)) {
            probe.isValid(5);
        } catch (SQLException e) {
            throw connectionError(db.shownUrl(), db.user(), e);
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(db.url());
        hc.setUsername(db.user());
        hc.setPassword(db.password());
        hc.setMaximumPoolSize(db.poolSize());
        hc.setMinimumIdle(1);
        hc.setAutoCommit(false);
        hc.setPoolName("strata");
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(-1);
        hc.addDataSourceProperty("ApplicationName", "strata");
        hc.addDataSourceProperty("connectTimeout", "10");
        // COPY output depends on these session settings; fixing them makes archives the same everywhere.
        hc.setConnectionInitSql("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';"
                + " SET extra_float_digits = 3; SET bytea_output = 'hex'");
        HikariDataSource pool = new HikariDataSource(hc);
        Database database = new Database(pool, db.shownUrl());
        try (Connection c = pool.getConnection()) {
            c.rollback();
        } catch (SQLException e) {
            pool.close();
            throw connectionError(db.shownUrl(), db.user(), e);
        }
        return database;
    }

    public static StrataException connectionError(String url, String user, SQLException e) {
        Throwable root = StrataException.rootCause(e);
        String state = sqlState(e);
        if ("28P01".equals(state) || "28000".equals(state)) {
            return new StrataException(ErrorCode.DB_AUTH,
                    "PostgreSQL at " + url + " refused user '" + user + "': " + root.getMessage(), e);
        }
        if ("3D000".equals(state)) {
            return new StrataException(ErrorCode.DB_CONNECTION, "PostgreSQL at " + url + ": " + root.getMessage(), e);
        }
        return new StrataException(ErrorCode.DB_CONNECTION,
                "cannot connect to PostgreSQL at " + url + ": " + root.getMessage(), e);
    }

    private static String sqlState(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    public DataSource dataSource() {
        return pool;
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        pool.close();
    }
}
