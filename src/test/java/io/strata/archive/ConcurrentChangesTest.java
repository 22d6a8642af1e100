package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invariant 2: rows inserted into, or updated in, a window while it is being exported are neither
 * lost nor deleted unarchived. A writer inserts and updates rows of the due windows for the whole
 * run; afterwards every row is in exactly one place — the table or one manifested object — and holds
 * the last version its writer committed.
 */
class ConcurrentChangesTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_concurrent";
    static final String T = SCHEMA + ".events";
    static final int ROWS = 60_000;

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, version int NOT NULL, pad text)",
                "CREATE INDEX ON " + T + " (at)",
                "INSERT INTO " + T + " SELECT g, date_trunc('hour', now()) - interval '3 days' + (g % 4) * interval '1 hour'"
                        + " + (g % 3000) * interval '1 second', 1, repeat('x', 200) FROM generate_series(1, " + ROWS + ") g");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"csv", "jsonl"})
    void rowsInsertedOrUpdatedDuringTheExportAreNeitherLostNorDeletedUnarchived(String format) throws Exception {
        Path cfg = config("""
                  - name: ev
                    table: %s
                    timestampColumn: at
                    keep: P2D
                    format: %s
                """.formatted(T, format));
        Map<Long, Integer> committed = new ConcurrentHashMap<>();
        for (long id = 1; id <= ROWS; id++) {
            committed.put(id, 1);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger inserts = new AtomicInteger();
        AtomicInteger updates = new AtomicInteger();
        Thread writer = new Thread(() -> write(committed, stop, inserts, updates));
        writer.start();
        Thread.sleep(300);
        TestEnv.Run run = TestEnv.cli("--config", cfg.toString(), "archive");
        Thread.sleep(300);
        stop.set(true);
        writer.join();
        assertEquals(0, run.exit(), run.toString());
        assertTrue(inserts.get() > 0 && updates.get() > 0, "the writer changed rows: " + inserts + " inserts, " + updates + " updates");

        Map<Long, Integer> found = new HashMap<>();
        try (Connection c = TestEnv.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, version FROM " + T)) {
            while (rs.next()) {
                assertEquals(null, found.put(rs.getLong(1), rs.getInt(2)));
            }
        }
        int inTable = found.size();
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
                    var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
                    id = node.get("id").asLong();
                    version = node.get("version").asInt();
                }
                Integer dup = found.put(id, version);
                assertEquals(null, dup, "row " + id + " is in two places");
            }
        }
        assertTrue(inTable < found.size(), "the run archived rows");
        assertEquals(committed.keySet(), found.keySet(), "every row ever committed is in the table or an object");
        for (var e : committed.entrySet()) {
            assertEquals(e.getValue(), found.get(e.getKey()), "row " + e.getKey() + " holds its last committed version");
        }
        assertEquals(found.size() - inTable, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"));
    }

    /** Inserts rows into the due windows and bumps versions of random rows, in small transactions. */
    private void write(Map<Long, Integer> committed, AtomicBoolean stop, AtomicInteger inserts, AtomicInteger updates) {
        Random random = new Random(42);
        long nextId = ROWS + 1;
        try (Connection c = TestEnv.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET lock_timeout = '50ms'");
                c.commit();
            }
            PreparedStatement insert = c.prepareStatement("INSERT INTO " + T + " VALUES (?, date_trunc('hour', now())"
                    + " - interval '3 days' + (? % 4) * interval '1 hour' + interval '17 minutes', 1, 'late')");
            PreparedStatement update = c.prepareStatement("UPDATE " + T + " SET version = version + 1 WHERE id = ? RETURNING version");
            while (!stop.get()) {
                try {
                    if (random.nextBoolean()) {
                        long id = nextId++;
                        insert.setLong(1, id);
                        insert.setLong(2, id);
                        insert.executeUpdate();
                        c.commit();
                        committed.put(id, 1);
                        inserts.incrementAndGet();
                    } else {
                        long id = 1 + random.nextInt(ROWS);
                        update.setLong(1, id);
                        Integer v = null;
                        try (ResultSet rs = update.executeQuery()) {
                            if (rs.next()) {
                                v = rs.getInt(1);
                            }
                        }
                        c.commit();
                        if (v != null) {
                            committed.put(id, v);
                            updates.incrementAndGet();
                        }
                    }
                } catch (SQLException e) {
                    c.rollback(); // lock_timeout on a row the archive holds: the change did not happen
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
