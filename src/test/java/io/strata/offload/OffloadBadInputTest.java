package io.strata.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An offload section the table cannot carry out is refused before anything moves: exit 2, naming file, key and value. */
class OffloadBadInputTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_offload_bad";
    static final String T = SCHEMA + ".points";

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() {
        OffloadTest.points(SCHEMA);
        TestEnv.sql("ALTER TABLE " + T + " ADD COLUMN seq bigint, ADD COLUMN label text, ADD COLUMN counted numeric,"
                + " ADD COLUMN must text NOT NULL DEFAULT 'x'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{columns: [raw_dat], key: id}|offload.columns \"raw_dat\" is not a column",
            "{columns: [raw_data, id], key: id}|offload.columns \"id\" is the job's offload.key",
            "{columns: [raw_data, at], key: id}|offload.columns \"at\" is the job's timestampColumn",
            "{columns: [], key: id}|offload.columns \"[]\" must be a list",
            "{columns: [raw_data]}|offload.key is required",
            "{columns: [raw_data], key: seq}|offload.key \"seq\" has no unique index",
            "{columns: [raw_data], key: nope}|offload.key \"nope\" is not a column",
            "{columns: [raw_data], key: id, flagColumn: label}|offload.flagColumn \"label\" is text; it must be boolean",
            "{columns: [raw_data], key: id, refColumn: counted}|offload.refColumn \"counted\" is numeric; it must be an integer",
            "{columns: [must], key: id}|offload.columns \"must\" is NOT NULL",
            "{columns: [raw_data], key: id, extra: 1}|offload.extra is not a known key",
    })
    void aBadOffloadSectionIsRefusedAndNothingMoves(String offload, String message) {
        assertRefused(config(job("raw-data", T, "batch: P1D", "offload: " + offload)), message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "delete: false|delete \"false\" does not go with offload",
            "delete: true|delete \"true\" does not go with offload",
            "acceptOnDelete: [a.b.c]|acceptOnDelete \"[\"a.b.c\"]\" is for jobs that delete rows",
    })
    void keysOfRowJobsAreRefusedOnAnOffloadJob(String key, String message) {
        assertRefused(config(job("raw-data", T, "batch: P1D", OffloadTest.OFFLOAD, key)), message);
    }

    @org.junit.jupiter.api.Test
    void aTableWithAnUpdateRuleIsRefused() {
        TestEnv.sql("CREATE RULE points_audit AS ON UPDATE TO " + T + " DO ALSO NOTIFY points_changed");
        assertRefused(config(job("raw-data", T, "batch: P1D", OffloadTest.OFFLOAD)),
                "offload \"raw_data\" cannot run on " + T + ": its UPDATE rule(s) points_audit rewrite the UPDATE");
    }

    private void assertRefused(Path cfg, String message) {
        String before = OffloadTest.whole(T);
        TestEnv.Run run = TestEnv.cli("--config", cfg.toString(), "archive");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains(cfg.toString() + ": strata.jobs[0]." + message), "names file, key and value, and says why: "
                + run.err());
        assertEquals(before, OffloadTest.whole(T), "nothing changed");
        assertTrue(!java.nio.file.Files.exists(dir.resolve("s3/test/raw-data")), "nothing uploaded");
    }
}
