package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.Configs;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Tenant values are data: every distinct value — NULL, the empty string, values spelled like the key
 * encoding's own tokens, path tricks, quotes and backslashes, line breaks — archives to a key of its
 * own, stays inside the job's prefix, and restores on its own, even where the database reads
 * backslashes in string literals as escapes ({@code standard_conforming_strings = off}).
 */
class TenantKeysTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_tenant_keys";
    static final String T = SCHEMA + ".events";
    static final int HOURS = 3;
    static final int ROWS_PER_HOUR = 2;

    /** Index i is the tenant of rows with id / 100 == i. */
    static final String[] TENANTS = {null, "", "_null", "~null", "~empty", "/", "..", ".", "%2F", "a/../../b", "Grüße 漢字",
            "with space", "O'Brien", "back\\slash", "\\' OR true --", "line\r\nbreak", "tab\there", "NULL"};

    @Override
    protected String schema() {
        return SCHEMA;
    }

    private void createTable(String tenantType) throws Exception {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, tenant " + tenantType + ", note text)",
                "CREATE INDEX ON " + T + " (at)");
    }

    private void insert(Object[] tenants, String cast) throws Exception {
        try (Connection c = TestEnv.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + T
                + " VALUES (?, date_trunc('hour', now()) - interval '3 days' - ? * interval '1 hour'"
                + " + ? * interval '1 minute', ?" + cast + ", ?)")) {
            for (int i = 0; i < tenants.length; i++) {
                for (int h = 0; h < HOURS; h++) {
                    for (int k = 0; k < ROWS_PER_HOUR; k++) {
                        ps.setLong(1, i * 100L + h * 10 + k);
                        ps.setInt(2, h);
                        ps.setInt(3, k);
                        ps.setObject(4, tenants[i] == null ? null : tenants[i].toString());
                        ps.setString(5, "row of tenant " + i);
                        ps.addBatch();
                    }
                }
            }
            ps.executeBatch();
        }
    }

    /** A config whose connections read backslashes in literals as escapes. */
    private String config(boolean legacyStrings) throws Exception {
        return config(legacyStrings, "ev");
    }

    private String config(boolean legacyStrings, String job) throws Exception {
        Configs cfg = config().job(job, T).tenantColumn("tenant");
        if (legacyStrings) {
            cfg.database(TestEnv.URL + "?options=-c%20standard_conforming_strings%3Doff");
        }
        return cfg.write(dir).toString();
    }

    private static String digest() {
        return TestEnv.column("SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM " + T + " t").get(0);
    }

    @Test
    void everyTextTenantValueArchivesToAKeyOfItsOwnAndRestoresOnItsOwn() throws Exception {
        createTable("text");
        insert(TENANTS, "");
        String before = digest();
        String cfg = config(true);

        TestEnv.Run run = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T), "every row archived");
        assertObjectsHoldTheirTenantsRowsOnly(TENANTS.length);

        Map<String, String> segmentOf = new HashMap<>();
        for (String key : TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest")) {
            assertTrue(key.startsWith("ev/"), key);
            String segment = key.split("/")[1];
            assertTrue(!segment.isEmpty() && !segment.equals(".") && !segment.equals(".."), key);
            assertEquals(6, key.split("/", -1).length, "no tenant value adds or removes a path level: " + key);
            segmentOf.put(TestEnv.column("SELECT coalesce(tenant, '<NULL>') FROM " + SCHEMA
                    + ".manifest WHERE object_key = '" + key.replace("'", "''") + "'").get(0), segment);
        }
        assertEquals("~null", segmentOf.get("<NULL>"));
        assertEquals("~empty", segmentOf.get(""));
        assertEquals("_null", segmentOf.get("_null"));
        assertEquals("%7Enull", segmentOf.get("~null"));
        assertEquals("%2F", segmentOf.get("/"));
        assertEquals("%2E.", segmentOf.get(".."));
        assertEquals("%252F", segmentOf.get("%2F"));
        assertEquals("line%0D%0Abreak", segmentOf.get("line\r\nbreak"));
        assertEquals(TENANTS.length, new HashSet<>(segmentOf.values()).size(), "one segment per tenant: " + segmentOf);

        // Each tenant back on its own: exactly its rows.
        for (int i = 0; i < TENANTS.length; i++) {
            TestEnv.Run r = TENANTS[i] == null
                    ? TestEnv.cli("--config", cfg, "restore", "--job", "ev", "--from", "2000-01-01", "--to", "2100-01-01",
                            "--null-tenant")
                    : TestEnv.cli("--config", cfg, "restore", "--job", "ev", "--from", "2000-01-01", "--to", "2100-01-01",
                            "--tenant", TENANTS[i]);
            assertEquals(0, r.exit(), "tenant " + i + ": " + r);
            assertEquals((i + 1L) * HOURS * ROWS_PER_HOUR, TestEnv.count("SELECT count(*) FROM " + T),
                    "after restoring tenant " + i + ", its rows and those restored before: " + r);
            assertEquals(HOURS * ROWS_PER_HOUR, TestEnv.count("SELECT count(*) FROM " + T + " WHERE id / 100 = " + i));
        }
        assertEquals(before, digest(), "every row back exactly");
    }

    @Test
    void aLineBreakInATenantValueDoesNotStartALineOfTheOutput() throws Exception {
        createTable("text");
        insert(new String[] {"forged\nev  2000010100 c1  0 rows"}, "");
        TestEnv.Run run = TestEnv.cli("--config", config(false), "archive");
        assertEquals(0, run.exit(), run.toString());
        for (String line : (run.out() + run.err()).split("\n")) {
            assertTrue(!line.startsWith("ev  2000010100"), "a line forged by a tenant value: " + line);
        }
        assertTrue(run.out().contains("tenant=forged\\nev"), run.out());
    }

    @Test
    void integerAndUuidTenantColumnsArchiveEachValueToItsOwnKeyAndRestore() throws Exception {
        for (String type : List.of("integer", "uuid")) {
            TestEnv.resetSchema(SCHEMA);
            createTable(type);
            Object[] values = type.equals("integer") ? new Object[] {null, 0, -1, 42, 2147483647}
                    : new Object[] {null, "00000000-0000-0000-0000-000000000000", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"};
            insert(values, "::" + type);
            String before = digest();
            // A job of its own per type: the bucket keeps the objects of the type before.
            String job = "ev-" + type;
            String cfg = config(false, job);
            TestEnv.Run run = TestEnv.cli("--config", cfg, "archive");
            assertEquals(0, run.exit(), type + ": " + run);
            assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T));
            assertObjectsHoldTheirTenantsRowsOnly(values.length);
            TestEnv.Run one = TestEnv.cli("--config", cfg, "restore", "--job", job, "--from", "2000-01-01", "--to",
                    "2100-01-01", "--tenant", String.valueOf(values[values.length - 1]));
            assertEquals(0, one.exit(), one.toString());
            assertEquals(HOURS * ROWS_PER_HOUR, TestEnv.count("SELECT count(*) FROM " + T), type + ": one tenant's rows");
            TestEnv.Run rest = TestEnv.cli("--config", cfg, "restore", "--job", job, "--from", "2000-01-01", "--to",
                    "2100-01-01");
            assertEquals(0, rest.exit(), rest.toString());
            assertEquals(before, digest(), type + ": every row back exactly");
        }
    }

    /** Every manifested object holds exactly its row count, all of one tenant; one object per tenant and hour. */
    private void assertObjectsHoldTheirTenantsRowsOnly(int tenants) throws Exception {
        List<String> keys = TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest ORDER BY 1");
        assertEquals(tenants * HOURS, keys.size(), keys.toString());
        assertEquals(keys.size(), new HashSet<>(keys).size());
        Set<Long> seen = new HashSet<>();
        for (String key : keys) {
            List<String> records = ArchiveFormatsTest.parseCsvRecords(ArchiveFormatsTest.gunzipLines(object(key)));
            List<String> rows = new ArrayList<>(records.subList(1, records.size()));
            rows.removeIf(String::isEmpty);
            assertEquals(TestEnv.count("SELECT row_count FROM " + SCHEMA + ".manifest WHERE object_key = '"
                    + key.replace("'", "''") + "'"), rows.size(), key);
            Set<Long> tenantOfRows = new HashSet<>();
            for (String row : rows) {
                long id = Long.parseLong(row.substring(0, row.indexOf(',')));
                assertTrue(seen.add(id), "row " + id + " in two objects");
                tenantOfRows.add(id / 100);
            }
            assertEquals(1, tenantOfRows.size(), key + " holds the rows of tenants " + tenantOfRows + ": "
                    + Arrays.toString(rows.toArray()));
        }
    }
}
