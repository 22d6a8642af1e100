package io.strata.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Restoring is idempotent, can go into another table, and a dry run changes nothing. */
class RestoreTwiceTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_restore_twice";
    static final String T = SCHEMA + ".events";
    static final String COPY = SCHEMA + ".events_2025";

    @Override
    protected String schema() {
        return SCHEMA;
    }
    String config;
    String before;

    @BeforeEach
    void setUp() {
        // three hours of 2025-06-01 for tenants a and b: six objects of 20 rows
        tenantEvents("SELECT g, timestamptz '2025-06-01 00:00+00' + (g % 3) * interval '1 hour'"
                + " + g * interval '1 second', (ARRAY['a', 'b'])[1 + g / 3 % 2], 'row ' || g FROM generate_series(1, 120) g");
        config = config(job("ev", T, "tenantColumn: tenant")).toString();
        before = md5(T);
        archive();
    }

    private void archive() {
        TestEnv.Run run = TestEnv.cli("--config", config, "archive");
        assertEquals(0, run.exit(), run.toString());
    }

    private TestEnv.Run restore(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--config", config, "restore", "--job", "ev",
                "--from", "2025-06-01", "--to", "2025-06-02"));
        args.addAll(List.of(extra));
        return TestEnv.cli(args.toArray(String[]::new));
    }

    static String md5(String table) {
        return RoundTripTest.md5(table, "id");
    }

    static long count(String table) {
        return TestEnv.count("SELECT count(*) FROM " + table);
    }

    private List<String> states() {
        return TestEnv.column("SELECT DISTINCT state FROM " + SCHEMA + ".manifest ORDER BY 1");
    }

    @Test
    void restoringTheSameRangeTwiceInsertsNothingTheSecondTime() throws Exception {
        TestEnv.Run first = restore("--json");
        assertEquals(0, first.exit(), first.toString());
        JsonNode r = new ObjectMapper().readTree(first.out());
        assertEquals(6, r.get("restored").asInt());
        assertEquals(120, r.get("rows").asLong());
        assertTrue(r.get("ok").asBoolean());
        assertEquals(before, md5(T));

        TestEnv.Run second = restore();
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.out().contains("skipped: already restored into " + T), second.out());
        assertEquals(before, md5(T), "no duplicates");
        assertEquals(6, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".restore"), "one load per object");
    }

    @Test
    void rowsThatArriveLateInAWindowComeBackFromTheirChunkToo() {
        TestEnv.sql("INSERT INTO " + T + " VALUES (500, '2025-06-01 00:59:59+00', 'a', 'late')");
        archive();
        assertEquals(List.of(1, 2), TestEnv.column("SELECT chunk FROM " + SCHEMA + ".manifest WHERE tenant = 'a'"
                + " AND window_start = '2025-06-01 00:00+00' ORDER BY chunk").stream().map(Integer::valueOf).toList());
        TestEnv.Run run = restore();
        assertEquals(0, run.exit(), run.toString());
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + T + " WHERE id = 500 AND note = 'late'"));
        TestEnv.sql("DELETE FROM " + T + " WHERE id = 500");
        assertEquals(before, md5(T));
        assertEquals(List.of("restored"), states());
    }

    @Test
    void restoreIntoANewTableLeavesTheLiveTableAndTheManifestAsTheyWere() {
        TestEnv.Run run = restore("--into", COPY);
        assertEquals(0, run.exit(), run.toString());
        assertEquals(before, md5(COPY));
        assertEquals(0, count(T));
        assertEquals(List.of("archived"), states());
        assertEquals(1, TestEnv.count("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + SCHEMA
                + "' AND tablename = 'events_2025' AND indexdef LIKE '%UNIQUE%(id)'"), "created like the source");

        TestEnv.Run again = restore("--into", COPY);
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("skipped: already restored into " + COPY), again.out());
        assertEquals(120, count(COPY));

        TestEnv.sql("DROP TABLE " + COPY);
        assertEquals(0, restore("--into", COPY).exit(), "a table made again is a new table");
        assertEquals(before, md5(COPY));

        assertEquals(0, restore().exit(), "the live table is still to be restored");
        assertEquals(before, md5(T));
    }

    @Test
    void restoreIntoATableTheSourceNoLongerMatchesUsesTheArchivedColumns() {
        TestEnv.sql("ALTER TABLE " + T + " DROP COLUMN note");
        TestEnv.Run live = restore();
        assertEquals(1, live.exit(), live.toString());
        assertTrue(live.out().contains("RESTORE_FAILED") && live.out().contains("has no column note"), live.out());
        assertEquals(0, count(T));

        TestEnv.Run into = restore("--into", COPY);
        assertEquals(0, into.exit(), into.toString());
        assertEquals(before, md5(COPY));
    }

    @Test
    void aDryRunListsObjectsRowsAndBytesAndChangesNothing() throws Exception {
        TestEnv.Run dry = restore("--dry-run", "--json");
        assertEquals(0, dry.exit(), dry.toString());
        JsonNode r = new ObjectMapper().readTree(dry.out());
        assertTrue(r.get("dryRun").asBoolean());
        assertEquals(6, r.get("results").size());
        assertEquals("PENDING", r.at("/results/0/status").asText());
        assertEquals(120, r.get("rows").asLong());
        assertTrue(r.get("gzipBytes").asLong() > 0);

        TestEnv.Run human = restore("--dry-run");
        assertTrue(human.out().contains("Dry run: 6 object(s), 120 row(s)"), human.out());
        assertEquals(0, count(T));
        assertEquals(List.of("archived"), states());
    }

    @Test
    void aTenantRestoresOnlyItsOwnObjects() {
        TestEnv.Run run = restore("--tenant", "b");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(60, count(T));
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T + " WHERE tenant <> 'b'"));
    }

    @Test
    void badArgumentsExitWithTwoAndNameTheOption() {
        assertBad(TestEnv.cli("--config", config, "restore", "--job", "ev", "--from", "2025-13-01", "--to", "2026-01-01"),
                "--from 2025-13-01");
        assertBad(TestEnv.cli("--config", config, "restore", "--job", "ev", "--from", "2025-06-02", "--to", "2025-06-01"),
                "must be before --to");
        assertBad(TestEnv.cli("--config", config, "restore", "--job", "ev", "--from", "2025-06-01"), "--to is required");
        assertBad(TestEnv.cli("--config", config, "restore", "--from", "2025-06-01", "--to", "2025-06-02"), "--job");
        assertBad(TestEnv.cli("--config", config, "restore", "--job", "nope", "--from", "2025-06-01", "--to", "2025-06-02"),
                "--job nope");
        assertBad(restore("--into", "bad name"), "--into bad name");
        assertBad(TestEnv.cli("--config", config, "verify", "--from", "yesterday"), "--from yesterday");
        assertEquals(0, count(T));
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".restore"));
    }

    private static void assertBad(TestEnv.Run run, String expected) {
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("BAD_ARGUMENT") && run.err().contains(expected), run.toString());
    }
}
