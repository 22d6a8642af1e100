package io.strata.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code get}: one archived row read back by its key from the object that holds it, without a restore. */
class GetCommandTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_get";
    static final String T = SCHEMA + ".points";
    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, doc jsonb, j json, b bytea,"
                        + " ts timestamptz, n numeric, flag boolean, note text)",
                "CREATE INDEX ON " + T + " (at)",
                // 60 rows over three hours four days ago, 20 an hour in the order of their ids
                "INSERT INTO " + T + " SELECT g, date_trunc('hour', now()) - interval '4 days'"
                        + " + ((g - 1) / 20) * interval '1 hour' + g * interval '1 second', jsonb_build_object('g', g), '{\"a\": 1}',"
                        + " '\\x0102'::bytea, now(), g, g % 2 = 0, 'note ' || g FROM generate_series(1, 60) g",
                // the row looked up: JSON null in doc, SQL NULL in j and note, bytea with a zero byte, a DST instant
                "UPDATE " + T + " SET doc = 'null', j = NULL, b = '\\x00ff'::bytea, ts = '2024-03-31 01:30:00+00',"
                        + " n = 1.50, flag = true, note = NULL WHERE id = 7");
    }

    private String cfg(String format) {
        return config().job("pts", T).format(format).write(dir).toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void getPrintsTheArchivedRowTypedAndTheObjectItCameFrom(String format) throws Exception {
        String cfg = cfg(format);
        TestEnv.archiveAll(cfg, SCHEMA, T, 3);
        // every object records the exact range of the ids it holds, as numbers
        assertEquals(List.of("id"), TestEnv.column("SELECT DISTINCT key_column FROM " + SCHEMA + ".manifest"));
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE key_min_num IS NULL"));

        TestEnv.Run run = TestEnv.cli("--config", cfg, "get", "--job", "pts", "--key", "7", "--json");
        assertEquals(0, run.exit(), run.toString());
        JsonNode r = JSON.readTree(run.out());
        assertEquals(1, r.get("objectsRead").asInt(), "one object read: " + run.out());
        assertEquals(1, r.get("rows").size());
        JsonNode row = r.get("rows").get(0);
        String object = TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest WHERE 7 BETWEEN key_min_num AND key_max_num").get(0);
        assertEquals(object, row.get("object").asText());
        JsonNode v = row.get("values");
        assertEquals(7, v.get("id").asLong());
        assertTrue(v.get("id").isIntegralNumber());
        assertTrue(v.has("doc") && v.get("doc").isNull(), "JSON null is null: " + v);
        assertFalse(v.has("j"), "a json column that is SQL NULL is left out: " + v);
        assertTrue(v.get("note").isNull(), "SQL NULL of a text column is null: " + v);
        assertEquals("\\x00ff", v.get("b").asText());
        assertTrue(v.get("ts").asText().startsWith("2024-03-31"), v.toString());
        assertEquals(0, new BigDecimal("1.50").compareTo(v.get("n").decimalValue()), v.toString());
        assertTrue(v.get("flag").asBoolean());

        TestEnv.Run text = TestEnv.cli("--config", cfg, "get", "--job", "pts", "--key", "7");
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains(object), text.out());
        assertTrue(text.out().matches("(?s).*\\bdoc\\s+\\|?\\s*null\\b.*"), text.out());
        assertTrue(text.out().matches("(?s).*\\bj\\s+\\|?\\s*NULL\\b.*"), text.out());
    }

    @Test
    void everyObjectsRangeIsTheLeastAndGreatestIdItHolds() throws Exception {
        // ids out of time order (7 * id mod 61 is a permutation of 1..60), so that every hour's range is wide
        TestEnv.sql("UPDATE " + T + " SET id = (id * 7) % 61 + 100",
                "CREATE TABLE " + SCHEMA + ".before AS SELECT id, at FROM " + T);
        TestEnv.archiveAll(cfg("csv"), SCHEMA, T, 3);
        String in = " FROM " + SCHEMA + ".before b WHERE b.at >= m.window_start AND b.at < m.window_end)";
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest m WHERE key_min_num IS DISTINCT FROM"
                + " (SELECT min(id)" + in + " OR key_max_num IS DISTINCT FROM (SELECT max(id)" + in + " OR key_min <> key_min_num::text"));
        assertTrue(TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE key_max_num - key_min_num > 40") > 0);
    }

    @Test
    void aKeyInNoObjectExitsOneAndBadInputExitsTwo() throws Exception {
        String cfg = cfg("csv");
        TestEnv.archiveAll(cfg, SCHEMA, T, 3);
        TestEnv.Run none = TestEnv.cli("--config", cfg, "get", "--job", "pts", "--key", "1000");
        assertEquals(1, none.exit(), none.toString());
        assertTrue(none.err().contains("no archived row of job 'pts' has id = 1000"), none.err());
        TestEnv.Run zero = TestEnv.cli("--config", cfg, "get", "--job", "pts", "--key", "0");
        assertEquals(1, zero.exit(), "id 0 is not archived either: " + zero);
        TestEnv.Run word = TestEnv.cli("--config", cfg, "get", "--job", "pts", "--key", "seven");
        assertEquals(2, word.exit(), word.toString());
        assertTrue(word.err().contains("is not an integer"), word.err());
        TestEnv.Run job = TestEnv.cli("--config", cfg, "get", "--job", "nope", "--key", "7");
        assertEquals(2, job.exit(), job.toString());
        TestEnv.Run noKey = TestEnv.cli("--config", cfg, "get", "--job", "pts");
        assertEquals(2, noKey.exit(), noKey.toString());
    }

    @Test
    void aKeyInTwoChunksGivesBothVersionsNewestFirst() throws Exception {
        String cfg = cfg("jsonl");
        TestEnv.archiveAll(cfg, SCHEMA, T, 3);
        // the same id arrives again late in the same window: chunk 2
        TestEnv.sql("INSERT INTO " + T + " (id, at, note) SELECT 7, at, 'second' FROM (SELECT window_start + interval '1 minute' AS at"
                + " FROM " + SCHEMA + ".manifest WHERE 7 BETWEEN key_min_num AND key_max_num) w");
        TestEnv.archiveAll(cfg, SCHEMA, T, 4);
        TestEnv.Run run = TestEnv.cli("--config", cfg, "get", "--job", "pts", "--key", "7", "--json");
        assertEquals(0, run.exit(), run.toString());
        JsonNode rows = JSON.readTree(run.out()).get("rows");
        assertEquals(2, rows.size(), run.out());
        assertEquals("second", rows.get(0).get("values").get("note").asText());
        assertEquals(2, rows.get(0).get("chunk").asInt());
        assertTrue(rows.get(1).get("values").get("note").isNull());
        assertEquals(1, rows.get(1).get("chunk").asInt());
    }

    @Test
    void anObjectThatDiffersFromItsManifestShowsNoRow() throws Exception {
        String cfg = cfg("csv");
        TestEnv.archiveAll(cfg, SCHEMA, T, 3);
        String key = TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest WHERE 7 BETWEEN key_min_num AND key_max_num").get(0);
        java.nio.file.Path file = object(key);
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x55;  // same size, other bytes
        java.nio.file.Files.write(file, bytes);
        TestEnv.Run run = TestEnv.cli("--config", cfg, "get", "--job", "pts", "--key", "7");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().contains("OBJECT_CORRUPT") && run.err().contains("no row of it is shown"), run.err());
        assertFalse(run.out().contains("| 7"), run.out());
    }

    @Test
    void aKeyThatIsNoColumnOrHasNoOrderIsRefusedAtStart() throws Exception {
        TestEnv.Run missing = TestEnv.cli("--config", config().job("pts", T).jobKey("key", "nope").write(dir).toString(), "archive");
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("key nope is not a column of " + T), missing.err());
        TestEnv.Run unordered = TestEnv.cli("--config", config().job("pts", T).jobKey("key", "ts").write(dir).toString(), "archive");
        assertEquals(2, unordered.exit(), unordered.toString());
        assertTrue(unordered.err().contains("key ts of " + T + " is timestamp with time zone"), unordered.err());
        assertEquals(60, TestEnv.count("SELECT count(*) FROM " + T), "nothing archived");
    }

    @Test
    void aTableWithoutAKeyRecordsNoRangeAndGetSaysSo() throws Exception {
        TestEnv.sql("ALTER TABLE " + T + " DROP CONSTRAINT points_pkey");
        String cfg = cfg("csv");
        TestEnv.archiveAll(cfg, SCHEMA, T, 3);
        assertEquals(3, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE key_column IS NULL AND key_min IS NULL"));
        TestEnv.Run run = TestEnv.cli("--config", cfg, "get", "--job", "pts", "--key", "7");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("job 'pts' has no key"), run.err());
    }

    @Test
    void aTextKeyNamedInTheJobIsLookedUpByItsBytes() throws Exception {
        TestEnv.sql("ALTER TABLE " + T + " ADD COLUMN code text", "UPDATE " + T + " SET code = 'c-' || id");
        String cfg = config().job("pts", T).jobKey("key", "code").write(dir).toString();
        TestEnv.archiveAll(cfg, SCHEMA, T, 3);
        assertEquals(List.of("code"), TestEnv.column("SELECT DISTINCT key_column FROM " + SCHEMA + ".manifest"));
        TestEnv.Run run = TestEnv.cli("--config", cfg, "get", "--job", "pts", "--key", "c-7", "--json");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(7, JSON.readTree(run.out()).get("rows").get(0).get("values").get("id").asInt());
        assertEquals(1, TestEnv.cli("--config", cfg, "get", "--job", "pts", "--key", "c-70").exit());
    }
}
