package io.strata.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.testing.Await;
import io.strata.testing.Child;
import io.strata.testing.HoldingProxy;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An offload batch against the application: an update of the offloaded column that reaches the row before the batch
 * is exported in its new version, one that comes after the batch locked the row keeps its value for the next chunk;
 * and a process killed inside a batch leaves every value in its row or in exactly one manifested object.
 */
class OffloadConcurrencyTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_offload_conc";
    static final String T = SCHEMA + ".points";
    static final Duration WAIT = Duration.ofSeconds(120);
    static final ObjectMapper JSON = new ObjectMapper();

    HoldingProxy proxy;
    Connection app;
    Child child;

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() throws Exception {
        OffloadTest.points(SCHEMA);
        proxy = new HoldingProxy(s3.port());
        app = TestEnv.connect();
        app.setAutoCommit(false);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (child != null) {
            child.destroy();
        }
        app.close();
        proxy.close();
    }

    private Path cfg(boolean throughProxy) throws Exception {
        Path d = dir.resolve(throughProxy ? "proxied" : "direct");
        Files.createDirectories(d);
        return TestEnv.config(d, throughProxy ? proxy.endpoint() : s3.endpoint(), SCHEMA, job("raw-data", T, "batch: P1D",
                "tenantColumn: user_id", "format: jsonl", "concurrency: 1", OffloadTest.OFFLOAD));
    }

    private static CompletableFuture<TestEnv.Run> archiveInBackground(Path config) {
        return CompletableFuture.supplyAsync(() -> TestEnv.cli("--config", config.toString(), "archive"));
    }

    private static int pid(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The value of point {@code id} in the object its ref column names. */
    private JsonNode archived(long id, String where) throws Exception {
        String key = TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest WHERE " + where).get(0);
        return lines(key).get(id);
    }

    private Map<Long, JsonNode> lines(String key) throws Exception {
        Map<Long, JsonNode> out = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(object(key))),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode n = JSON.readTree(line);
                out.put(n.get("id").asLong(), n.get("raw_data"));
            }
        }
        return out;
    }

    @Test
    void anUpdateThatReachesTheRowFirstIsOffloadedInItsNewVersion() throws Exception {
        try (Statement st = app.createStatement()) {
            st.execute("UPDATE " + T + " SET raw_data = '{\"v\": \"new\"}' WHERE id = 6");
        }
        CompletableFuture<TestEnv.Run> run = archiveInBackground(cfg(false));
        String query = Await.blockedBy(pid(app), WAIT, () -> "archive still running");
        assertTrue(query.startsWith("COPY (WITH old AS (SELECT"), "the batch waits for the row inside its statement: " + query);
        app.commit();
        TestEnv.Run r = run.get(120, TimeUnit.SECONDS);
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("true"), TestEnv.column("SELECT (raw_data IS NULL)::text FROM " + T + " WHERE id = 6"));
        assertEquals("{\"v\":\"new\"}", archived(6, "id = (SELECT raw_data_archive_id FROM " + T + " WHERE id = 6)").toString(),
                "the object holds the value the application committed while the batch waited");
    }

    @Test
    void anUpdateAfterTheBatchLockedTheRowKeepsItsValueForTheNextChunk() throws Exception {
        String day = TestEnv.column("SELECT to_char(at AT TIME ZONE 'UTC', 'YYYYMMDD') FROM " + T + " WHERE id = 6").get(0);
        JsonNode original = JSON.readTree(TestEnv.column("SELECT raw_data::text FROM " + T + " WHERE id = 6").get(0));
        HoldingProxy.Hold hold = proxy.hold("PUT", ".*/raw-data/3/.*points-" + day + "00-c1\\.jsonl\\.gz");
        CompletableFuture<TestEnv.Run> run = archiveInBackground(cfg(true));
        hold.await(WAIT, () -> "archive still running");
        // The batch's statement has run: row 6 is locked by it, NULLed in its still open transaction.
        CompletableFuture<Void> update = CompletableFuture.runAsync(() -> {
            try (Statement st = app.createStatement()) {
                st.execute("UPDATE " + T + " SET raw_data = '{\"v\": \"after\"}' WHERE id = 6");
                app.commit();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the application's update to wait for the batch's row lock", WAIT, () -> TestEnv.count(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        + " AND query LIKE 'UPDATE " + T + " SET raw_data = %'") == 1, () -> "update: " + update);
        hold.release();
        TestEnv.Run r = run.get(120, TimeUnit.SECONDS);
        assertEquals(0, r.exit(), r.toString());
        update.get(60, TimeUnit.SECONDS);
        assertEquals(original, archived(6, "tenant = '3' AND chunk = 1 AND to_char(window_start AT TIME ZONE 'UTC',"
                + " 'YYYYMMDD') = '" + day + "'"), "the object holds the value the batch locked");
        assertEquals(List.of("{\"v\": \"after\"}"), TestEnv.column("SELECT raw_data::text FROM " + T + " WHERE id = 6"),
                "the update committed after the batch keeps its value");

        TestEnv.Run next = TestEnv.cli("--config", cfg(false).toString(), "archive");
        assertEquals(0, next.exit(), next.toString());
        assertEquals("{\"v\":\"after\"}", archived(6, "chunk = 2").toString(), "the new value is chunk 2");
        assertEquals(1, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest WHERE chunk = 2"));
        assertEquals(List.of("true"), TestEnv.column("SELECT (raw_data IS NULL)::text FROM " + T + " WHERE id = 6"));
    }

    @Test
    void aProcessKilledInsideABatchLeavesEveryValueInItsRowOrInExactlyOneObject() throws Exception {
        String before = OffloadTest.whole(T);
        TestEnv.sql("CREATE TABLE " + SCHEMA + ".original AS SELECT id, raw_data FROM " + T);
        // Two objects commit; the third is verified in S3 and its sidecar held: its transaction is open.
        HoldingProxy.Hold hold = proxy.hold("PUT", HoldingProxy.SIDECAR, 2);
        Path config = cfg(true);
        child = Child.start(dir.resolve("killed.log"), "--config", config.toString(), "archive");
        hold.await(WAIT, child::log);
        child.kill();
        hold.release();
        Await.noStrataBackends(WAIT, child::log);
        assertEquals(2, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"), "two batches committed");
        assertAccounted();

        TestEnv.Run next = TestEnv.cli("--config", cfg(false).toString(), "archive");
        assertEquals(0, next.exit(), next.toString());
        assertEquals(12, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"));
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE chunk > 1"), "the orphan's key is reused");
        assertAccounted();
        TestEnv.Run restore = TestEnv.cli("--config", cfg(false).toString(), "restore", "--job", "raw-data", "--from",
                "2000-01-01", "--to", "2100-01-01");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(before, OffloadTest.whole(T), "the table after restore, row for row");
    }

    /** Every value of the original table is in its row, or NULLed and in exactly one manifested object. */
    private void assertAccounted() throws Exception {
        Map<Long, Integer> seen = new HashMap<>();
        Map<Long, JsonNode> inObjects = new HashMap<>();
        for (String key : TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest")) {
            lines(key).forEach((id, v) -> {
                seen.merge(id, 1, Integer::sum);
                inObjects.put(id, v);
            });
        }
        int offloaded = 0;
        try (Connection c = TestEnv.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT o.id, o.raw_data::text, p.raw_data::text FROM " + SCHEMA + ".original o JOIN " + T + " p USING (id)"
                        + " WHERE o.raw_data IS NOT NULL")) {
            while (rs.next()) {
                long id = rs.getLong(1);
                if (rs.getString(3) != null) {
                    assertEquals(rs.getString(2), rs.getString(3), "point " + id + " keeps its value");
                    assertEquals(null, seen.get(id), "point " + id + " is in no object");
                } else {
                    assertEquals(1, seen.getOrDefault(id, 0), "point " + id + " NULLed is in exactly one object");
                    assertEquals(JSON.readTree(rs.getString(2)), inObjects.get(id), "point " + id + "'s value");
                    offloaded++;
                }
            }
        }
        assertEquals(offloaded, TestEnv.count("SELECT coalesce(sum(row_count), 0) FROM " + SCHEMA + ".manifest"));
    }
}
