package io.strata.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** status derives each job's state from its table, the manifest and the run log. */
class StatusCommandTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_restore_status";
    static final String T = SCHEMA + ".events";

    @Override
    protected String schema() {
        return SCHEMA;
    }
    String config;

    @BeforeEach
    void setUp() {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL)",
                "CREATE INDEX ON " + T + " (at)",
                "INSERT INTO " + T + " SELECT g, timestamptz '2025-06-01 00:00+00' + (g % 3) * interval '1 hour'"
                        + " FROM generate_series(1, 60) g",
                "INSERT INTO " + T + " SELECT g, now() FROM generate_series(101, 105) g");
        config = config().job("ev", T).schedule("0 15 3 * * ?")
                .job("paused", SCHEMA + ".gone").keep("P1D").enabled(false)
                .write(dir).toString();
    }

    private JsonNode status() throws Exception {
        TestEnv.Run run = TestEnv.cli("--config", config, "status", "--json");
        assertEquals(0, run.exit(), run.toString());
        return new ObjectMapper().readTree(run.out());
    }

    @Test
    void statusShowsWhatIsDueArchivedAndRestoredAndHowRunsWent() throws Exception {
        JsonNode fresh = status();
        JsonNode ev = fresh.at("/jobs/0");
        assertEquals("ev", ev.get("job").asText());
        assertEquals(3, ev.at("/due/partitions").asInt(), fresh.toString());
        assertEquals(60, ev.at("/due/rows").asLong());
        assertEquals("2025-06-01T00:00:00Z", ev.at("/due/oldestDueRow").asText());
        long age = ev.at("/due/oldestDueAgeSeconds").asLong();
        assertTrue(age > 2 * 86_400, "the oldest due row is older than keep");
        assertEquals(age - 2 * 86_400, ev.at("/due/lagPastKeepSeconds").asLong(), "the same row, past keep P2D");
        assertEquals(3600 + 86_400, ev.at("/due/allowanceSeconds").asLong(), "one batch and one daily interval");
        assertEquals(0, ev.at("/archived/objects").asLong());
        assertTrue(ev.get("lastRun").isNull());
        assertTrue(ev.get("nextRun").asText().contains("T03:15"), ev.toString());
        JsonNode paused = fresh.at("/jobs/1");
        assertFalse(paused.get("enabled").asBoolean());
        assertTrue(paused.get("due").isNull() && paused.get("nextRun").isNull(), paused.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM pg_tables WHERE schemaname = '" + SCHEMA
                + "' AND tablename = 'manifest'"), "status reads only: it creates nothing");

        assertEquals(0, TestEnv.cli("--config", config, "archive").exit());
        ev = status().at("/jobs/0");
        assertEquals(0, ev.at("/due/partitions").asInt());
        assertTrue(ev.at("/due/oldestDueRow").isNull());
        assertEquals(0, ev.at("/due/oldestDueAgeSeconds").asLong(), "nothing due: no lag of either kind");
        assertEquals(0, ev.at("/due/lagPastKeepSeconds").asLong());
        assertEquals(3, ev.at("/archived/objects").asLong());
        assertEquals(60, ev.at("/archived/rows").asLong());
        assertTrue(ev.at("/archived/gzipBytes").asLong() > 0);
        assertEquals("succeeded", ev.at("/lastRun/status").asText());
        assertTrue(ev.at("/lastRun/millis").asLong() > 0);
        assertEquals(ev.at("/lastRun/end").asText(), ev.get("lastSuccess").asText());
        assertEquals(0, ev.get("failures24h").asLong());

        assertEquals(0, TestEnv.cli("--config", config, "restore", "--job", "ev", "--from", "2025-06-01", "--to",
                "2025-06-02").exit());
        TestEnv.sql("INSERT INTO " + SCHEMA + ".run (job, instance, trigger, status, partitions_failed)"
                        + " VALUES ('ev', 'test', 'schedule', 'partial', 2)",
                "INSERT INTO " + SCHEMA + ".run (job, instance, trigger, status, ended_at)"
                        + " VALUES ('ev', 'test', 'schedule', 'failed', now())");
        ev = status().at("/jobs/0");
        assertEquals(3, ev.at("/archived/restoredObjects").asLong());
        assertEquals(60, ev.at("/due/rows").asLong(), "restored rows are old: due again");
        assertEquals(3, ev.get("failures24h").asLong(), "two failed batches and one run that failed whole");
        assertEquals("failed", ev.at("/lastRun/status").asText());

        TestEnv.Run human = TestEnv.cli("--config", config, "status");
        assertEquals(0, human.exit(), human.toString());
        assertTrue(human.out().contains("| Job ") && human.out().contains("| Due rows |"), human.out());
        assertTrue(human.out().matches("(?s).*\\| ev +\\| " + T + " +\\| yes +\\| P2D +\\| +3 \\| +60 \\|.*"), human.out());
        assertTrue(human.out().matches("(?s).*\\| paused +\\| " + SCHEMA + ".gone +\\| no .*"), human.out());
    }
}
