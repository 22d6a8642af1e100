package io.strata.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.Await;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An object's key range is that of the rows its batch exported, whatever happens to the table meanwhile: rows
 * inserted while the batch's DELETE runs stay in the table and out of the range, and a row whose key another
 * transaction changes before the DELETE reaches it is exported with its new key, which the range holds.
 */
class KeyRangeConcurrencyTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_keyrange";
    static final String T = SCHEMA + ".events";
    static final Duration WAIT = Duration.ofSeconds(60);

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"csv", "jsonl"})
    void theRangeIsExactlyTheExportedRowsUnderConcurrentInsertsAndUpdates(String format) throws Exception {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, v text)",
                "CREATE INDEX ON " + T + " (at)",
                "INSERT INTO " + T + " SELECT g, date_trunc('hour', now()) - interval '4 days' + g * interval '1 second',"
                        + " 'v' || g FROM generate_series(1, 200) g");
        String cfg = config().job("ev", T).format(format).write(dir).toString();
        try (Connection locker = TestEnv.connect()) {
            locker.setAutoCommit(false);
            int lockerPid;
            try (Statement st = locker.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    lockerPid = rs.getInt(1);
                }
                // the key of row 100 changes, not yet committed: the batch's DELETE will wait for it
                assertEquals(1, st.executeUpdate("UPDATE " + T + " SET id = 5000 WHERE id = 100"));
            }
            CompletableFuture<TestEnv.Run> run = CompletableFuture.supplyAsync(() -> TestEnv.cli("--config", cfg, "archive"));
            String query = Await.blockedBy(lockerPid, WAIT, () -> "run done: " + run.isDone());
            assertTrue(query.startsWith("COPY (DELETE FROM"), query);
            // rows of the window inserted while the DELETE runs: its snapshot does not see them
            TestEnv.sql("INSERT INTO " + T + " SELECT id, date_trunc('hour', now()) - interval '4 days' + interval '30 minutes',"
                    + " 'late' FROM unnest(ARRAY[-3, 9000]) id");
            locker.commit();
            TestEnv.Run done = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(0, done.exit(), done.toString());
        }
        assertEquals(List.of("-3", "9000"), TestEnv.column("SELECT id FROM " + T + " ORDER BY id"), "the late rows stay");
        assertEquals(List.of("1 5000 200 1 5000"), TestEnv.column("SELECT key_min_num || ' ' || key_max_num || ' ' || row_count"
                + " || ' ' || key_min || ' ' || key_max FROM " + SCHEMA + ".manifest"),
                "the range holds the updated row's new key, and neither late row");
        assertEquals(0, TestEnv.cli("--config", cfg, "get", "--job", "ev", "--key", "5000").exit());
        assertEquals(1, TestEnv.cli("--config", cfg, "get", "--job", "ev", "--key", "100").exit(), "its old key is gone");
        assertEquals(1, TestEnv.cli("--config", cfg, "get", "--job", "ev", "--key", "9000").exit(), "a live row is not archived");
    }
}
