package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A table other tables reference: archiving never deletes or changes a row that is in no object. CASCADE, SET NULL
 * and SET DEFAULT refuse the job unless accepted; rows that NO ACTION and RESTRICT keys reference stay, the rest is
 * archived; DELETE triggers are named; a DELETE rule refuses the job.
 */
class ReferencedTableTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_references";
    static final String OTHER = "strata_t_references_other";
    static final String ORDERS = SCHEMA + ".orders";

    @Override
    protected String schema() {
        return SCHEMA;
    }

    /**
     * 60 orders 4 days old in three hourly windows (20 each; region = id % 2), and 5 fresh ones (61..65). Each test
     * adds the tables that reference them.
     */
    @BeforeEach
    void setUp() {
        TestEnv.resetSchema(OTHER);
        TestEnv.sql("CREATE SCHEMA " + SCHEMA, "CREATE SCHEMA " + OTHER,
                "CREATE TABLE " + ORDERS + " (id bigint PRIMARY KEY, region int, at timestamptz NOT NULL, replaces bigint,"
                        + " UNIQUE (id, region))",
                "CREATE INDEX ON " + ORDERS + " (at)",
                "INSERT INTO " + ORDERS + " (id, region, at) SELECT g, g % 2, date_trunc('hour', now()) - interval '4 days'"
                        + " + (g % 3) * interval '1 hour' + interval '1 minute' FROM generate_series(1, 60) g",
                "INSERT INTO " + ORDERS + " (id, region, at) SELECT g, g % 2, now() FROM generate_series(61, 65) g");
    }

    @AfterEach
    void dropOtherSchema() {
        TestEnv.resetSchema(OTHER);
    }

    private String orders(String... extraKeys) {
        return config(job("orders", ORDERS, extraKeys)).toString();
    }

    /** order_items (300 rows, CASCADE), another schema's invoices (SET NULL), a partitioned table (SET DEFAULT). */
    private void changingReferences() {
        TestEnv.sql("CREATE TABLE " + SCHEMA + ".order_items (id bigint PRIMARY KEY,"
                        + " order_id bigint REFERENCES " + ORDERS + " ON DELETE CASCADE)",
                "INSERT INTO " + SCHEMA + ".order_items SELECT g, 1 + g % 65 FROM generate_series(1, 300) g",
                "CREATE TABLE " + OTHER + ".invoices (id bigint PRIMARY KEY, order_id bigint REFERENCES " + ORDERS
                        + " ON DELETE SET NULL)",
                "INSERT INTO " + OTHER + ".invoices SELECT g, g FROM generate_series(1, 65) g",
                "CREATE TABLE " + SCHEMA + ".events (id bigint, k int, order_id bigint DEFAULT 61 REFERENCES " + ORDERS
                        + " ON DELETE SET DEFAULT) PARTITION BY LIST (k)",
                "CREATE TABLE " + SCHEMA + ".events_1 PARTITION OF " + SCHEMA + ".events FOR VALUES IN (1)",
                "INSERT INTO " + SCHEMA + ".events SELECT g, 1, g FROM generate_series(1, 10) g");
    }

    private List<String> objects() throws Exception {
        Path bucket = dir.resolve("s3/test");
        if (!Files.exists(bucket)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(bucket)) {
            return s.filter(Files::isRegularFile).map(Path::toString).toList();
        }
    }

    private static long manifestRows() {
        return TestEnv.count("SELECT count(*) FROM pg_tables WHERE schemaname = '" + SCHEMA + "' AND tablename = 'manifest'") == 0
                ? 0 : TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest");
    }

    private static void assertMentions(String text, String... mentions) {
        for (String m : mentions) {
            assertTrue(text.contains(m), "should mention '" + m + "':\n" + text);
        }
    }

    @Test
    void cascadeSetNullAndSetDefaultRefuseTheJobAndNothingChanges() throws Exception {
        changingReferences();
        String cfg = orders();
        for (String[] command : new String[][] {{"archive"}, {"archive", "--dry-run"}, {"status"}}) {
            TestEnv.Run run = TestEnv.cli(Stream.concat(Stream.of("--config", cfg), Stream.of(command)).toArray(String[]::new));
            assertEquals(2, run.exit(), run.toString());
            assertMentions(run.err(), "REFERENCED_TABLE", "job 'orders'",
                    SCHEMA + ".order_items.order_items_order_id_fkey", SCHEMA + ".order_items (order_id)", "ON DELETE CASCADE",
                    OTHER + ".invoices.invoices_order_id_fkey", OTHER + ".invoices (order_id)", "ON DELETE SET NULL",
                    SCHEMA + ".events.events_order_id_fkey", "ON DELETE SET DEFAULT", "nothing was changed",
                    "ON DELETE NO ACTION", "strata.jobs[0].acceptOnDelete");
            assertFalse(run.err().contains("events_1"), "a partition's clone of the key is its parent's:\n" + run.err());
        }
        assertEquals(65, TestEnv.count("SELECT count(*) FROM " + ORDERS));
        assertEquals(300, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".order_items"));
        assertEquals(65, TestEnv.count("SELECT count(order_id) FROM " + OTHER + ".invoices"), "no invoice lost its order");
        assertEquals(55, TestEnv.count("SELECT sum(order_id) FROM " + SCHEMA + ".events"));
        assertEquals(List.of(), objects(), "nothing in S3");
        assertEquals(0, manifestRows());
    }

    @Test
    void acceptedActionsRunAsTheOperatorSaid() throws Exception {
        changingReferences();
        String cfg = orders("acceptOnDelete: [" + SCHEMA + ".order_items.order_items_order_id_fkey, " + OTHER
                + ".invoices.invoices_order_id_fkey, " + SCHEMA + ".events.events_order_id_fkey]");
        TestEnv.Run dry = TestEnv.cli("--config", cfg, "archive", "--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        assertMentions(dry.out(), "also deletes the rows of " + SCHEMA + ".order_items that reference it (accepted in acceptOnDelete)",
                "sets order_id to NULL in the rows of " + OTHER + ".invoices");

        TestEnv.Run run = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(5, TestEnv.count("SELECT count(*) FROM " + ORDERS), "the fresh orders stay");
        assertEquals(60, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"));
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".order_items WHERE order_id <= 60"), "cascaded");
        assertEquals(20, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".order_items"), "the fresh orders' items stay");
        assertEquals(5, TestEnv.count("SELECT count(order_id) FROM " + OTHER + ".invoices"), "set NULL for the archived orders");
        assertEquals(10, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".events WHERE order_id = 61"), "set to the default");
    }

    @Test
    void acceptOnDeleteMustNameAKeyThatChangesRowsOfTheTable() {
        changingReferences();
        TestEnv.sql("CREATE TABLE " + SCHEMA + ".notes (order_id bigint REFERENCES " + ORDERS + ")");
        String cascade = SCHEMA + ".order_items.order_items_order_id_fkey, " + OTHER + ".invoices.invoices_order_id_fkey, "
                + SCHEMA + ".events.events_order_id_fkey";
        TestEnv.Run unknown = TestEnv.cli("--config", orders("acceptOnDelete: [" + cascade + ", " + SCHEMA + ".order_items.nope]"),
                "archive");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertMentions(unknown.err(), "CONFIG_INVALID", "strata.jobs[0].acceptOnDelete \"" + SCHEMA + ".order_items.nope\"",
                "is not a foreign key that references " + ORDERS, SCHEMA + ".notes.notes_order_id_fkey");

        TestEnv.Run noAction = TestEnv.cli("--config", orders("acceptOnDelete: [" + cascade + ", " + SCHEMA + ".notes.notes_order_id_fkey]"),
                "archive");
        assertEquals(2, noAction.exit(), noAction.toString());
        assertMentions(noAction.err(), "CONFIG_INVALID", "notes_order_id_fkey\" is ON DELETE NO ACTION");

        TestEnv.Run unqualified = TestEnv.cli("--config", orders("acceptOnDelete: [order_items_order_id_fkey]"), "archive");
        assertEquals(2, unqualified.exit(), unqualified.toString());
        assertMentions(unqualified.err(), "CONFIG_INVALID", "schema.table.constraint");

        TestEnv.Run exportOnly = TestEnv.cli("--config", orders("delete: false", "acceptOnDelete: [" + cascade + "]"), "archive");
        assertEquals(2, exportOnly.exit(), exportOnly.toString());
        assertMentions(exportOnly.err(), "CONFIG_INVALID", "delete: false");

        assertEquals(65, TestEnv.count("SELECT count(*) FROM " + ORDERS));
        assertEquals(300, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".order_items"));
    }

    @Test
    void exportOnlyJobsIgnoreReferences() throws Exception {
        changingReferences();
        TestEnv.Run run = TestEnv.cli("--config", orders("delete: false"), "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(65, TestEnv.count("SELECT count(*) FROM " + ORDERS));
        assertEquals(60, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"));
    }

    /**
     * Keys that keep what they reference: order_items (NO ACTION; 1, 2, 3, and NULLs), shipments (RESTRICT; 4, 5),
     * returns (two columns; (6, 0), and (7, NULL), which references nothing), another schema's notes (8), and the
     * table itself (fresh order 61 replaces 9). Orders 1-6, 8 and 9 stay: 8 of the 60 due.
     */
    private void keepingReferences() {
        TestEnv.sql("CREATE TABLE " + SCHEMA + ".order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES " + ORDERS + ")",
                "INSERT INTO " + SCHEMA + ".order_items VALUES (1, 1), (2, 1), (3, 2), (4, 3), (5, NULL), (6, NULL), (7, 62)",
                "CREATE TABLE " + SCHEMA + ".shipments (id bigint, order_id bigint REFERENCES " + ORDERS + " ON DELETE RESTRICT)",
                "CREATE INDEX ON " + SCHEMA + ".shipments (order_id)",
                "INSERT INTO " + SCHEMA + ".shipments VALUES (1, 4), (2, 5)",
                "CREATE TABLE " + SCHEMA + ".returns (id bigint, order_id bigint, region int,"
                        + " FOREIGN KEY (order_id, region) REFERENCES " + ORDERS + " (id, region))",
                "CREATE INDEX ON " + SCHEMA + ".returns (region, order_id)",
                "INSERT INTO " + SCHEMA + ".returns VALUES (1, 6, 0), (2, 7, NULL)",
                "CREATE TABLE " + OTHER + ".notes (id bigint, order_id bigint REFERENCES " + ORDERS + ")",
                "CREATE INDEX ON " + OTHER + ".notes (order_id)",
                "INSERT INTO " + OTHER + ".notes VALUES (1, 8)",
                "ALTER TABLE " + ORDERS + " ADD FOREIGN KEY (replaces) REFERENCES " + ORDERS,
                "UPDATE " + ORDERS + " SET replaces = 9 WHERE id = 61");
    }

    @Test
    void rowsThatNoActionAndRestrictKeysReferenceStayAndTheRestIsArchived() throws Exception {
        keepingReferences();
        String cfg = orders();
        TestEnv.Run dry = TestEnv.cli("--config", cfg, "archive", "--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        assertMentions(dry.out(), "3 partition(s), 60 row(s) due", "orders: 8 of the due rows stay in the table",
                "3 referenced through " + SCHEMA + ".order_items.order_items_order_id_fkey: " + SCHEMA + ".order_items (order_id) ON DELETE NO ACTION",
                "2 referenced through " + SCHEMA + ".shipments.shipments_order_id_fkey: " + SCHEMA + ".shipments (order_id) ON DELETE RESTRICT",
                "1 referenced through " + SCHEMA + ".returns.returns_order_id_region_fkey: " + SCHEMA + ".returns (order_id, region)",
                "1 referenced through " + OTHER + ".notes.notes_order_id_fkey",
                "1 referenced through " + SCHEMA + ".orders.orders_replaces_fkey",
                "warning: " + SCHEMA + ".order_items (order_id) references " + ORDERS + " (" + SCHEMA
                        + ".order_items.order_items_order_id_fkey) but has no index",
                "CREATE INDEX CONCURRENTLY \"order_items_order_id_idx\" ON \"" + SCHEMA + "\".\"order_items\" (\"order_id\");");
        assertFalse(dry.out().contains("shipments (order_id) references"), "shipments has its index:\n" + dry.out());
        assertFalse(dry.out().contains("returns (order_id, region) references"), "returns has its index:\n" + dry.out());

        JsonNode status = new ObjectMapper().readTree(TestEnv.cli("--config", cfg, "status", "--json").out()).at("/jobs/0");
        assertEquals(8, status.at("/due/kept/rows").asLong(), status.toString());
        assertEquals(5, status.at("/due/kept/byReference").size());

        TestEnv.Run run = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, run.exit(), run.toString());
        assertMentions(run.out(), "stay: referenced", "orders: 8 row(s) of the archived windows stay in the table");
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "8", "9", "61", "62", "63", "64", "65"),
                TestEnv.column("SELECT id FROM " + ORDERS + " ORDER BY id"));
        assertEquals(52, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"));
        assertEquals(7, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".order_items"), "no referencing row changed");
        assertEquals(2, TestEnv.count("SELECT count(order_id) FROM " + SCHEMA + ".returns"));

        TestEnv.Run again = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, again.exit(), again.toString());
        assertMentions(again.out(), "are referenced by other rows and stay");
        assertEquals(3, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"), "no object for referenced rows");

        TestEnv.sql("DELETE FROM " + SCHEMA + ".order_items", "DELETE FROM " + SCHEMA + ".shipments",
                "DELETE FROM " + SCHEMA + ".returns", "DELETE FROM " + OTHER + ".notes", "UPDATE " + ORDERS + " SET replaces = NULL");
        TestEnv.Run last = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, last.exit(), last.toString());
        assertEquals(5, TestEnv.count("SELECT count(*) FROM " + ORDERS), "no longer referenced: archived as second chunks");
        assertEquals(8, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest WHERE chunk = 2"));
    }

    @Test
    void referencedRowsStayInJsonlAndTenantSplitBatchesToo() throws Exception {
        keepingReferences();
        TestEnv.Run run = TestEnv.cli("--config", orders("format: jsonl", "tenantColumn: region"), "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(13, TestEnv.count("SELECT count(*) FROM " + ORDERS));
        assertEquals(52, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"));
    }

    @Test
    void aKeyOnAPartitionOfTheJobsTableIsSeen() {
        TestEnv.sql("CREATE TABLE " + SCHEMA + ".parts (id bigint, k int, at timestamptz NOT NULL, PRIMARY KEY (id, k))"
                        + " PARTITION BY LIST (k)",
                "CREATE TABLE " + SCHEMA + ".parts_1 PARTITION OF " + SCHEMA + ".parts FOR VALUES IN (1)",
                "CREATE INDEX ON " + SCHEMA + ".parts (at)",
                "INSERT INTO " + SCHEMA + ".parts SELECT g, 1, now() - interval '4 days' FROM generate_series(1, 10) g",
                "CREATE TABLE " + SCHEMA + ".part_refs (id bigint, k int, FOREIGN KEY (id, k) REFERENCES "
                        + SCHEMA + ".parts_1 ON DELETE CASCADE)",
                "INSERT INTO " + SCHEMA + ".part_refs VALUES (1, 1)");
        TestEnv.Run run = TestEnv.cli("--config", config(job("parts", SCHEMA + ".parts")).toString(), "archive");
        assertEquals(2, run.exit(), run.toString());
        assertMentions(run.err(), "REFERENCED_TABLE", SCHEMA + ".part_refs.part_refs_id_k_fkey");
        assertEquals(10, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".parts"));
    }

    @Test
    void deleteTriggersAreNamedAndRunForEveryArchivedRow() throws Exception {
        TestEnv.sql("CREATE TABLE " + SCHEMA + ".audit (id bigint)",
                "CREATE FUNCTION " + SCHEMA + ".audit_delete() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN INSERT INTO " + SCHEMA + ".audit VALUES (OLD.id); RETURN OLD; END $$",
                "CREATE TRIGGER orders_audit AFTER DELETE ON " + ORDERS + " FOR EACH ROW EXECUTE FUNCTION "
                        + SCHEMA + ".audit_delete()");
        String cfg = orders();
        TestEnv.Run dry = TestEnv.cli("--config", cfg, "archive", "--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        assertMentions(dry.out(), "orders: warning: DELETE trigger orders_audit (AFTER DELETE FOR EACH ROW) on " + ORDERS
                + " runs for every archived row");
        TestEnv.Run run = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(60, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".audit"));
    }

    @Test
    void aDeleteRuleRefusesTheJobAndNothingChanges() throws Exception {
        // The rule turns the DELETE into an UPDATE that returns the rows: they would be archived and stay.
        TestEnv.sql("CREATE RULE orders_soft_delete AS ON DELETE TO " + ORDERS + " DO INSTEAD UPDATE " + ORDERS
                + " SET replaces = -1 WHERE id = OLD.id RETURNING *");
        for (String[] command : new String[][] {{"archive"}, {"archive", "--dry-run"}}) {
            TestEnv.Run run = TestEnv.cli(Stream.concat(Stream.of("--config", orders()), Stream.of(command)).toArray(String[]::new));
            assertEquals(2, run.exit(), run.toString());
            assertMentions(run.err(), "DELETE_RULE", "rule orders_soft_delete", ORDERS, "delete: false");
        }
        assertEquals(0, TestEnv.count("SELECT count(replaces) FROM " + ORDERS));
        assertEquals(List.of(), objects(), "nothing in S3");
        assertEquals(0, manifestRows());

        TestEnv.Run exportOnly = TestEnv.cli("--config", orders("delete: false"), "archive");
        assertEquals(0, exportOnly.exit(), exportOnly.toString());
        assertEquals(65, TestEnv.count("SELECT count(*) FROM " + ORDERS));
    }
}
