package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kind of bad input: one clear message naming what is wrong, exit 2, and no row deleted. */
class BadInputTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_badinput";
    static final String T = SCHEMA + ".events";
    static final String JOB = """
              - name: ev
                table: %s
                timestampColumn: at
                keep: P2D
            """.formatted(T);

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigserial PRIMARY KEY, at timestamptz NOT NULL, v text)",
                "CREATE INDEX ON " + T + " (at)",
                "INSERT INTO " + T + " (at, v) SELECT now() - interval '5 days' + g * interval '1 minute', 'v'"
                        + " FROM generate_series(1, 100) g");
    }

    @AfterEach
    void tearDown() throws Exception {
        assertEquals(100, TestEnv.count("SELECT count(*) FROM " + T), "no row was deleted");
    }

    private TestEnv.Run archiveWith(Path config) {
        return TestEnv.cli("--config", config.toString(), "archive");
    }

    private static void assertBadInput(TestEnv.Run run, String... mentions) {
        assertEquals(2, run.exit(), run.toString());
        for (String m : mentions) {
            assertTrue(run.err().contains(m), "message should mention '" + m + "':\n" + run.err());
        }
    }

    private Path jobs(String jobsYaml) {
        return config(jobsYaml);
    }

    @Test
    void unknownTableIsNamed() {
        assertBadInput(archiveWith(jobs(JOB.replace(T, SCHEMA + ".nope"))), "UNKNOWN_TABLE", SCHEMA + ".nope");
    }

    @Test
    void unknownTimestampColumnIsNamedWithTheColumnsThatExist() {
        assertBadInput(archiveWith(jobs(JOB.replace("timestampColumn: at", "timestampColumn: created"))),
                "UNKNOWN_COLUMN", "created", "columns: id, at, v");
    }

    @Test
    void unknownTenantColumnIsNamed() {
        assertBadInput(archiveWith(jobs(JOB + "    tenantColumn: tenant_id\n")), "UNKNOWN_COLUMN", "tenant_id");
    }

    @Test
    void timestampColumnOfAnotherTypeIsRefused() {
        assertBadInput(archiveWith(jobs(JOB.replace("timestampColumn: at", "timestampColumn: v"))), "UNKNOWN_COLUMN", "text");
    }

    @Test
    void malformedYamlGivesFileAndLine() throws Exception {
        Path cfg = dir.resolve("broken.yaml");
        Files.writeString(cfg, "strata:\n  database: { url: \"x\"\n  jobs: [\n");
        assertBadInput(archiveWith(cfg), "CONFIG_INVALID", cfg.toString() + ":", "not valid YAML");
    }

    @Test
    void missingConfigFileIsNamed() {
        assertBadInput(archiveWith(dir.resolve("none.yaml")), "CONFIG_INVALID", "none.yaml", "no such file");
    }

    @Test
    void badDurationNamesTheKey() {
        assertBadInput(archiveWith(jobs(JOB.replace("keep: P2D", "keep: 2 days"))), "strata.jobs[0].keep", "\"2 days\"");
    }

    @Test
    void batchThatDoesNotDivideADayIsRefused() {
        assertBadInput(archiveWith(jobs(JOB + "    batch: PT7H\n")), "strata.jobs[0].batch");
    }

    @Test
    void batchThatIsNeitherADivisorOfADayNorAWeekOrMonthListsWhatIsAccepted() {
        for (String batch : List.of("P2W", "P2M", "P1Y", "P7D")) {
            Path cfg = jobs(JOB + "    batch: " + batch + "\n");
            assertBadInput(archiveWith(cfg), cfg.toString(), "strata.jobs[0].batch", "\"" + batch + "\"", "PT1H", "P1D",
                    "P1W", "P1M");
        }
    }

    @Test
    void monthBatchWithAKeepOfHoursIsRefused() {
        Path cfg = jobs(JOB.replace("keep: P2D", "keep: PT5H") + "    batch: P1M\n");
        assertBadInput(archiveWith(cfg), "CONFIG_INVALID", cfg.toString(), "strata.jobs[0].keep", "\"PT5H\"",
                "whole months, weeks or days", "P1M");
        cfg = jobs(JOB.replace("keep: P2D", "keep: P1DT12H") + "    batch: P1W\n");
        assertBadInput(archiveWith(cfg), "strata.jobs[0].keep", "\"P1DT12H\"", "P1W");
    }

    @Test
    void monthBatchWithAZeroKeepIsRefused() {
        Path cfg = jobs(JOB.replace("keep: P2D", "keep: P0M") + "    batch: P1M\n");
        assertBadInput(archiveWith(cfg), "CONFIG_INVALID", cfg.toString(), "strata.jobs[0].keep", "\"P0M\"", "zero");
    }

    @Test
    void timestampUnitOnATimestampColumnIsRefused() {
        Path cfg = jobs(JOB + "    timestampUnit: seconds\n");
        assertBadInput(archiveWith(cfg), "CONFIG_INVALID", cfg.toString(), "strata.jobs[0].timestampUnit", "\"seconds\"",
                "timestamp with time zone");
    }

    @Test
    void integerTimestampColumnWithoutTimestampUnitIsRefused() {
        Path cfg = jobs(JOB.replace("timestampColumn: at", "timestampColumn: id"));
        assertBadInput(archiveWith(cfg), "CONFIG_INVALID", cfg.toString(), "strata.jobs[0].timestampUnit", "bigint",
                "seconds or milliseconds");
    }

    @Test
    void unknownTimestampUnitNamesTheKey() {
        Path cfg = jobs(JOB.replace("timestampColumn: at", "timestampColumn: id") + "    timestampUnit: hours\n");
        assertBadInput(archiveWith(cfg), "CONFIG_INVALID", cfg.toString(), "strata.jobs[0].timestampUnit", "\"hours\"",
                "seconds or milliseconds");
    }

    @Test
    void invalidCronNamesTheKey() {
        assertBadInput(archiveWith(jobs(JOB + "    schedule: \"every day at 3\"\n")), "strata.jobs[0].schedule", "cron");
    }

    @Test
    void unknownKeyIsRefusedRatherThanIgnored() {
        assertBadInput(archiveWith(jobs(JOB + "    formt: jsonl\n")), "strata.jobs[0].formt", "not a known key");
    }

    @Test
    void unsetEnvironmentPlaceholderNamesTheVariable() {
        Path cfg = jobs(JOB.replace("keep: P2D", "keep: \"{{env:STRATA_TEST_UNSET_VAR}}\""));
        assertBadInput(archiveWith(cfg), "STRATA_TEST_UNSET_VAR");
    }

    @Test
    void unreachableDatabaseSaysWhere() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path cfg = jobs(JOB);
        Files.writeString(cfg, Files.readString(cfg).replace(TestEnv.URL, "jdbc:postgresql://127.0.0.1:" + port + "/x"));
        assertBadInput(archiveWith(cfg), "DB_CONNECTION", "127.0.0.1:" + port);
    }

    @Test
    void unknownDatabaseUserIsAnAuthenticationError() throws Exception {
        Path cfg = jobs(JOB);
        Files.writeString(cfg, Files.readString(cfg).replace("user: " + TestEnv.USER, "user: strata_no_such_role"));
        assertBadInput(archiveWith(cfg), "DB_AUTH", "strata_no_such_role");
    }

    @Test
    void unreachableS3SaysWhere() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path cfg = TestEnv.config(dir, "http://127.0.0.1:" + port, SCHEMA, JOB);
        assertBadInput(archiveWith(cfg), "S3_CONNECTION", "127.0.0.1:" + port);
    }

    @Test
    void wrongS3CredentialsAreRefused() throws Exception {
        Path cfg = jobs(JOB);
        Files.writeString(cfg, Files.readString(cfg).replace("secretKey: " + TestEnv.SECRET_KEY, "secretKey: wrong"));
        assertBadInput(archiveWith(cfg), "S3_AUTH");
    }

    @Test
    void missingBucketIsAnErrorUnlessCreateBucketIsOn() throws Exception {
        Path cfg = jobs(JOB);
        Files.writeString(cfg, Files.readString(cfg).replace("createBucket: true", "createBucket: false"));
        assertBadInput(archiveWith(cfg), "S3_NO_BUCKET", "'test'", "createBucket");
    }

    @Test
    void unknownCommandAndOptionAreRefused() {
        Path cfg = jobs(JOB);
        assertBadInput(TestEnv.cli("--config", cfg.toString(), "archiv"), "BAD_ARGUMENT", "archiv");
        assertBadInput(TestEnv.cli("--config", cfg.toString(), "archive", "--jobs", "ev"), "BAD_ARGUMENT", "--jobs");
        assertBadInput(TestEnv.cli("--config", cfg.toString(), "archive", "--job", "nope"), "BAD_ARGUMENT", "nope");
    }
}
