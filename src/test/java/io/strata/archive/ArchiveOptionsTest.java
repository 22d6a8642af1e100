package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ArchiveOptionsTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_options";
    static final String T = SCHEMA + ".events";

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigserial PRIMARY KEY, at timestamp NOT NULL, tenant text, v text)",
                "CREATE INDEX ON " + T + " (at)",
                // 3 hours, 4 days old, tenants a, b and NULL
                "INSERT INTO " + T + " (at, tenant, v) SELECT date_trunc('hour', now() AT TIME ZONE 'UTC') - interval '4 days'"
                        + " + (g % 3) * interval '1 hour', (ARRAY['a', 'b', NULL])[1 + g / 3 % 3], 'v' || g"
                        + " FROM generate_series(1, 90) g",
                "INSERT INTO " + T + " (at, tenant, v) VALUES (now() AT TIME ZONE 'UTC', 'a', 'fresh')");
    }

    private String configWith(String... extraJobKeys) {
        return config(job("ev", T, extraJobKeys)).toString();
    }

    private List<String> keys() throws Exception {
        Path bucket = dir.resolve("s3/test");
        if (!Files.exists(bucket)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(bucket)) {
            return s.filter(p -> p.toString().endsWith(".gz")).map(p -> bucket.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void rerunningArchivesNothingAndLateRowsBecomeChunkTwo() throws Exception {
        String cfg = configWith();
        assertEquals(0, TestEnv.cli("--config", cfg, "archive").exit());
        List<String> first = keys();
        assertEquals(3, first.size(), first.toString());
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + T));

        TestEnv.Run again = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("nothing due"), again.out());
        assertEquals(first, keys(), "no new object");

        TestEnv.sql("INSERT INTO " + T + " (at, tenant, v) SELECT date_trunc('hour', now() AT TIME ZONE 'UTC') - interval '4 days'"
                + " + interval '10 minutes', 'a', 'late' || g FROM generate_series(1, 5) g");
        assertEquals(0, TestEnv.cli("--config", cfg, "archive").exit());
        List<String> after = keys();
        assertEquals(4, after.size(), after.toString());
        String chunk2 = after.stream().filter(k -> k.endsWith("-c2.csv.gz")).findFirst().orElseThrow();
        assertEquals(5, TestEnv.count("SELECT row_count FROM " + SCHEMA + ".manifest WHERE object_key = '" + chunk2 + "'"));
        for (String k : first) {
            assertTrue(after.contains(k));
        }
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + T), "only the fresh row stays");
    }

    @Test
    void exportOnlyJobKeepsTheRowsAndExportsEachWindowOnce() throws Exception {
        String cfg = configWith("delete: false");
        assertEquals(0, TestEnv.cli("--config", cfg, "archive").exit());
        assertEquals(91, TestEnv.count("SELECT count(*) FROM " + T), "rows stay");
        assertEquals(3, keys().size());
        assertEquals(0, TestEnv.cli("--config", cfg, "archive").exit());
        assertEquals(3, keys().size(), "a window is exported once");
        assertEquals(3, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE NOT deleted"));
    }

    @Test
    void tenantSplitWritesOneObjectPerTenantAndHourUnderTheTenantsPrefix() throws Exception {
        assertEquals(0, TestEnv.cli("--config", configWith("tenantColumn: tenant"), "archive").exit());
        List<String> keys = keys();
        assertEquals(9, keys.size(), keys.toString());
        assertEquals(3, keys.stream().filter(k -> k.startsWith("ev/a/")).count());
        assertEquals(3, keys.stream().filter(k -> k.startsWith("ev/b/")).count());
        assertEquals(3, keys.stream().filter(k -> k.startsWith("ev/~null/")).count(), "NULL tenant has its own prefix");
        assertEquals(30, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest WHERE tenant IS NULL"));
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + T));
    }

    @Test
    void keepForeverArchivesNothing() throws Exception {
        String cfg = config().job("ev", T).keep("forever").write(dir).toString();
        TestEnv.Run run = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(91, TestEnv.count("SELECT count(*) FROM " + T));
        assertTrue(keys().isEmpty());
    }

    @Test
    void disabledJobIsSkippedAndNamingItIsAnError() throws Exception {
        String cfg = config().job("ev", T).enabled(false).job("other", T).keep("forever").write(dir).toString();
        TestEnv.Run run = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(91, TestEnv.count("SELECT count(*) FROM " + T));
        TestEnv.Run named = TestEnv.cli("--config", cfg, "archive", "--job", "ev");
        assertEquals(2, named.exit());
        assertTrue(named.err().contains("enabled: false"), named.err());
    }

    @Test
    void startupWarnsWhenTheTimestampColumnHasNoIndexAndNamesTheStatementToRun() throws Exception {
        TestEnv.sql("DROP INDEX " + SCHEMA + ".events_at_idx");
        Process p = TestEnv.child(List.of(), "--config", configWith(), "archive", "--dry-run")
                .redirectError(dir.resolve("err.log").toFile()).redirectOutput(dir.resolve("out.log").toFile()).start();
        assertEquals(0, p.waitFor());
        String err = Files.readString(dir.resolve("err.log"));
        assertTrue(err.contains("has no index on at") && err.contains("CREATE INDEX CONCURRENTLY \"events_at_idx\" ON \""
                + SCHEMA + "\".\"events\" (\"at\");"), err);
    }

    @Test
    void dryRunListsDuePartitionsWithCountsAndChangesNothing() throws Exception {
        TestEnv.Run run = TestEnv.cli("--config", configWith(), "archive", "--dry-run");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("3 partition(s), 90 row(s) due"), run.out());
        assertEquals(91, TestEnv.count("SELECT count(*) FROM " + T));
        assertEquals(0, TestEnv.count("SELECT count(*) FROM pg_namespace WHERE nspname = '" + SCHEMA + "' AND EXISTS"
                + " (SELECT 1 FROM pg_class WHERE relname = 'manifest' AND relnamespace = pg_namespace.oid)"),
                "a dry run creates no tables");
        assertFalse(Files.exists(dir.resolve("s3/test")), "a dry run writes nothing to S3");
    }
}
