package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.testing.Await;
import io.strata.testing.HoldingProxy;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invariant 2: rows inserted into, or updated in, a window while its batch is open are neither lost
 * nor deleted unarchived. The test holds the run at two moments and changes rows there: at the
 * read-back of the first batch (its DELETE done, its transaction open until the commit) and inside a
 * later batch's DELETE (which waits for a row the test has updated and not yet committed). Afterwards
 * every row is in exactly one place — the table or one manifested object — and holds the last version
 * committed; rows inserted into an open window stay in the table, and the next run archives them as
 * the window's chunk 2.
 */
class ConcurrentChangesTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_concurrent";
    static final String T = SCHEMA + ".events";
    static final int ROWS = 4000;
    static final Duration WAIT = Duration.ofSeconds(120);

    @Override
    protected String schema() {
        return SCHEMA;
    }

    HoldingProxy proxy;
    /** Connections that lock rows; closed (rolled back) after each test. */
    final List<Connection> connections = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, version int NOT NULL, pad text)",
                "CREATE INDEX ON " + T + " (at)",
                "INSERT INTO " + T + " SELECT g, date_trunc('hour', now()) - interval '3 days' + (g % 4) * interval '1 hour'"
                        + " + (g % 3000) * interval '1 second', 1, repeat('x', 200) FROM generate_series(1, " + ROWS + ") g");
        proxy = new HoldingProxy(s3.port());
    }

    @AfterEach
    void tearDown() throws Exception {
        proxy.close(); // first: a held batch goes on, and a statement waiting for it returns
        for (Connection c : connections) {
            c.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"csv", "jsonl"})
    void rowsInsertedOrUpdatedWhileABatchIsOpenAreNeitherLostNorDeletedUnarchived(String format) throws Exception {
        Path cfg = TestEnv.config(dir, proxy.endpoint(), SCHEMA, job("ev", T, "format: " + format, "concurrency: 1"));
        Map<Long, Integer> committed = new HashMap<>();
        for (long id = 1; id <= ROWS; id++) {
            committed.put(id, 1);
        }
        HoldingProxy.Hold readBack = proxy.hold("GET", HoldingProxy.OBJECT);
        CompletableFuture<TestEnv.Run> run = CompletableFuture.supplyAsync(() -> TestEnv.cli("--config", cfg.toString(), "archive"));
        String key = readBack.await(WAIT, () -> run.isDone() ? run.join().toString() : "the run is still going")
                .substring("/test/".length());

        // Moment 1: the first batch has deleted and uploaded its window's rows and holds them, uncommitted.
        OffsetDateTime w1 = LocalDateTime.parse(key.replaceFirst(".*-(\\d{10})-c1\\..*", "$1"),
                DateTimeFormatter.ofPattern("yyyyMMddHH")).atOffset(ZoneOffset.UTC);
        long lateInW1 = ROWS + 1;
        insert(lateInW1, w1.plusMinutes(17));
        committed.put(lateInW1, 1);
        long updatedInW1 = first("SELECT id FROM " + T + " WHERE at >= ? AND at < ? ORDER BY id", w1, w1.plusHours(1));
        Connection updater = TestEnv.connect();
        connections.add(updater);
        int updaterPid = backendPid(updater);
        CompletableFuture<Integer> update = CompletableFuture.supplyAsync(() -> bump(updater, updatedInW1));
        Await.until("the UPDATE of row " + updatedInW1 + " to wait for the batch's lock", WAIT,
                () -> TestEnv.count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + updaterPid
                        + " AND wait_event_type = 'Lock'") == 1, () -> "update done: " + update.isDone());

        // Moment 2, prepared: a row of another window, updated and not yet committed, which that
        // window's DELETE will have to wait for.
        Connection locker = TestEnv.connect();
        connections.add(locker);
        locker.setAutoCommit(false);
        int lockerPid = backendPid(locker);
        long updatedInW2 = first("SELECT id FROM " + T + " WHERE at < ? OR at >= ? ORDER BY at DESC, id", w1, w1.plusHours(1));
        assertEquals(2, bump(locker, updatedInW2));

        readBack.release();
        assertEquals(0, update.get(WAIT.toSeconds(), TimeUnit.SECONDS),
                "the UPDATE waited for the batch and then found row " + updatedInW1 + " gone");

        // Moment 2: the later batch's DELETE waits for the row the locker changed.
        String query = Await.blockedBy(lockerPid, WAIT, () -> "run done: " + run.isDone());
        assertTrue(query.startsWith("COPY (DELETE FROM"), query);
        long lateInW2 = ROWS + 2;
        OffsetDateTime w2 = OffsetDateTime.parse(TestEnv.column("SELECT to_char(date_trunc('hour', at AT TIME ZONE 'UTC'),"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM " + T + " WHERE id = " + updatedInW2).get(0));
        insert(lateInW2, w2.plusMinutes(17));
        committed.put(lateInW2, 1);
        locker.commit();
        committed.put(updatedInW2, 2);

        TestEnv.Run first = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(0, first.exit(), first.toString());
        Map<Long, Integer> found = assertEachRowInOnePlace(format, committed);
        assertEquals(Map.of(lateInW1, 1, lateInW2, 1), inTable(), "the rows inserted into open windows stay in the table");
        assertEquals(2, found.get(updatedInW2), "the later batch archived the version committed while it waited");

        TestEnv.Run next = TestEnv.cli("--config", cfg.toString(), "archive");
        assertEquals(0, next.exit(), next.toString());
        assertEquals(Map.of(), inTable());
        assertEachRowInOnePlace(format, committed);
        assertEquals(List.of(key.replace("-c1.", "-c2."), "1"), TestEnv.column("SELECT unnest(ARRAY[object_key, row_count::text])"
                + " FROM " + SCHEMA + ".manifest WHERE chunk = 2 AND window_start = '" + w1 + "'"),
                "the row inserted while its window's batch was open is that window's chunk 2");
        assertEquals(2, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE chunk = 2"));
    }

    /**
     * Asserts that every row ever committed is in the table or in one manifested object, with its last
     * committed version, and returns where each was found (id to version).
     */
    private Map<Long, Integer> assertEachRowInOnePlace(String format, Map<Long, Integer> committed) throws Exception {
        Map<Long, Integer> found = new HashMap<>(inTable());
        int inTable = found.size();
        ObjectMapper json = new ObjectMapper();
        for (String key : TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest")) {
            for (String line : ArchiveFormatsTest.gunzipLines(object(key))) {
                if (line.startsWith("id,")) {
                    continue;
                }
                long id;
                int version;
                if (format.equals("csv")) {
                    String[] f = line.split(",", 4);
                    id = Long.parseLong(f[0]);
                    version = Integer.parseInt(f[2]);
                } else {
                    JsonNode node = json.readTree(line);
                    id = node.get("id").asLong();
                    version = node.get("version").asInt();
                }
                assertEquals(null, found.put(id, version), "row " + id + " is in two places");
            }
        }
        assertTrue(inTable < found.size(), "the run archived rows");
        assertEquals(committed.keySet(), found.keySet(), "every row ever committed is in the table or an object");
        for (var e : committed.entrySet()) {
            assertEquals(e.getValue(), found.get(e.getKey()), "row " + e.getKey() + " holds its last committed version");
        }
        assertEquals(found.size() - inTable, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"));
        return found;
    }

    private static Map<Long, Integer> inTable() throws SQLException {
        Map<Long, Integer> rows = new HashMap<>();
        try (Connection c = TestEnv.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, version FROM " + T)) {
            while (rs.next()) {
                assertEquals(null, rows.put(rs.getLong(1), rs.getInt(2)));
            }
        }
        return rows;
    }

    private static void insert(long id, OffsetDateTime at) throws SQLException {
        try (Connection c = TestEnv.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + T + " VALUES (?, ?, 1, 'late')")) {
            ps.setLong(1, id);
            ps.setObject(2, at);
            ps.executeUpdate();
        }
    }

    private static long first(String sql, OffsetDateTime a, OffsetDateTime b) throws SQLException {
        try (Connection c = TestEnv.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, a);
            ps.setObject(2, b);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), sql);
                return rs.getLong(1);
            }
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Adds one to the row's version; returns the new version, or 0 when no such row is left. */
    private static int bump(Connection c, long id) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + T + " SET version = version + 1 WHERE id = ? RETURNING version")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
