package io.strata.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits on a state (of PostgreSQL, of a child), each failing with a message that says what was awaited. */
public final class Await {

    private Await() {}

    /** Polls {@code condition} until it holds; past {@code timeout}, fails with {@code context} in the message. */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> context) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + "\n"
                        + context.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Waits until a backend of the test database waits for a lock that backend {@code blocker} holds
     * (pg_stat_activity, pg_blocking_pids), and returns that backend's query.
     */
    public static String blockedBy(int blocker, Duration timeout, Supplier<String> context) {
        String[] query = new String[1];
        until("a backend to wait for a lock held by backend " + blocker, timeout, () -> {
            query[0] = queryBlockedBy(blocker);
            return query[0] != null;
        }, context);
        return query[0];
    }

    private static String queryBlockedBy(int blocker) {
        try (Connection c = TestEnv.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        + " AND ? = ANY (pg_blocking_pids(pid))")) {
            ps.setInt(1, blocker);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until no Strata connection to the test database is left (a killed process's backends end
     * when PostgreSQL sees their sockets close, and roll back what they had open) and no advisory lock is held.
     */
    public static void noStrataBackends(Duration timeout, Supplier<String> context) {
        until("the backends of Strata processes to end", timeout, () -> TestEnv.count(
                "SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND application_name = 'strata')"
                        + " + (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                        + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))") == 0,
                context);
    }
}
