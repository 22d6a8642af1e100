package io.strata.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.testing.TestEnv;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code :schema.table.column} parameters of a bundle's {@code where}: the values stay in PostgreSQL (docs/tenants.md),
 * so that a parameter over a million values archives in a small heap; an empty set selects nothing, and NULL values
 * of the column are not carried — in the same database as in another one, as {@code = ANY(…)} or {@code IN (SELECT
 * unnest(…))}.
 */
class WhereParameterTest extends SchoolsTestCase {

    /**
     * The heap of the child that archives a million values ({@code -Dstrata.test.parameterHeap=-Xmx…} to measure
     * another). Measured: with the values held as a Java list and bound as an array, the child ran out of heap at
     * {@code -Xmx128m} and passed at {@code -Xmx160m}; with the values kept in PostgreSQL it passes at {@code -Xmx32m}
     * (and runs out at {@code -Xmx24m}).
     */
    static final String HEAP = System.getProperty("strata.test.parameterHeap", "-Xmx64m");

    @Override
    protected String schema() {
        return "where_parameter";
    }

    @BeforeEach
    void pupils() {
        // Pupils follow their school by foreign key; the other tables hold their id or buddy with no foreign key.
        TestEnv.sql("CREATE TABLE tn.pupils (id bigint PRIMARY KEY, school_id bigint NOT NULL REFERENCES tn.schools, buddy bigint)",
                "CREATE TABLE tn.pupil_notes (id bigint PRIMARY KEY, pupil_ref bigint, note text)");
        SchoolsFixture.shard("CREATE TABLE tn.marks (id bigint PRIMARY KEY, pupil_id bigint, score int)",
                "CREATE TABLE tn.buddies (id bigint PRIMARY KEY, buddy bigint)");
    }

    private Path pupilsConfig(String dirName) {
        return config().extraYaml(SchoolsFixture.databasesYaml()).jobsYaml(SchoolsFixture.jobYaml(
                "        - table: tn.pupil_notes\n"
                + "          where: \"pupil_ref = ANY(:tn.pupils.id) OR cardinality(:tn.pupils.buddy) > 1\"\n"
                + "        - table: tn.marks\n"
                + "          database: shard\n"
                + "          where: \"pupil_id IN (SELECT unnest(:tn.pupils.id))\"\n"
                + "        - table: tn.buddies\n"
                + "          database: shard\n"
                + "          where: \"buddy = ANY(:tn.pupils.buddy) OR cardinality(:tn.pupils.buddy) > 1\"\n"))
                .write(dir.resolve(dirName));
    }

    @Test
    void anEmptySetSelectsNothingAndNullValuesAreNotCarried() {
        // School 13: pupils 1 and 2 (buddy 100 both) and 3 (no buddy); school 14: pupil 4 (no buddy); school 11: none.
        TestEnv.sql("INSERT INTO tn.pupils VALUES (1, 13, 100), (2, 13, 100), (3, 13, NULL), (4, 14, NULL)",
                "INSERT INTO tn.pupil_notes SELECT i, i, 'n' FROM generate_series(1, 4) i",
                "INSERT INTO tn.pupil_notes VALUES (5, NULL, 'no pupil')");
        SchoolsFixture.shard("INSERT INTO tn.marks SELECT i, i, 1 FROM generate_series(1, 4) i",
                "INSERT INTO tn.marks VALUES (5, NULL, 1)",
                "INSERT INTO tn.buddies VALUES (1, 100), (2, 200), (3, NULL)");
        Path config = pupilsConfig("c");

        // No pupil: every parameter over pupils is an empty array, and selects nothing (NULL rows neither).
        TestEnv.Run run = TestEnv.cli("--config", config.toString(), "archive", "--job", "schools", "--tenant", "11");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(5, TestEnv.count("SELECT count(*) FROM tn.pupil_notes"), "no note of school 11");
        assertEquals(5, SchoolsFixture.shardCount("SELECT count(*) FROM tn.marks"), "no mark of school 11");
        assertEquals(3, SchoolsFixture.shardCount("SELECT count(*) FROM tn.buddies"), "no buddy of school 11");

        // Buddies {100, NULL, 100} arrive as {100}: one value (so cardinality 1), the NULL left out, in both databases.
        run = TestEnv.cli("--config", config.toString(), "archive", "--job", "schools", "--tenant", "13");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(List.of("4", "5"), TestEnv.column("SELECT id FROM tn.pupil_notes ORDER BY id"));
        assertEquals(List.of("4"), TestEnv.column("SELECT id FROM tn.pupils ORDER BY id"));
        assertEquals(2, SchoolsFixture.shardCount("SELECT count(*) FROM tn.marks WHERE id IN (4, 5)"));
        assertEquals(2, SchoolsFixture.shardCount("SELECT count(*) FROM tn.marks"), "marks 1 to 3 went with school 13");
        assertEquals(2, SchoolsFixture.shardCount("SELECT count(*) FROM tn.buddies WHERE id IN (2, 3)"));
        assertEquals(2, SchoolsFixture.shardCount("SELECT count(*) FROM tn.buddies"), "buddy 100 went with school 13");

        // School 14's only buddy is NULL: an empty set, nothing of buddies goes.
        run = TestEnv.cli("--config", config.toString(), "archive", "--job", "schools", "--tenant", "14");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(List.of("5"), TestEnv.column("SELECT id FROM tn.pupil_notes ORDER BY id"));
        assertEquals(1, SchoolsFixture.shardCount("SELECT count(*) FROM tn.marks WHERE id = 5"));
        assertEquals(1, SchoolsFixture.shardCount("SELECT count(*) FROM tn.marks"));
        assertEquals(2, SchoolsFixture.shardCount("SELECT count(*) FROM tn.buddies"));
        List<String> rows = TestEnv.column("SELECT tenant || ':' || row_count FROM " + schema() + ".manifest WHERE kind = 'tenant'"
                + " ORDER BY id");
        assertEquals(3, rows.size(), rows.toString());
    }

    @Test
    void aMillionValuesCarriedIntoTheSecondDatabaseArchiveInASmallHeap() throws Exception {
        TestEnv.sql("INSERT INTO tn.schools VALUES (15, 'Big school', NULL)",
                "INSERT INTO tn.pupils SELECT 10000000 + i, 15, NULL FROM generate_series(1, 1000000) i",
                "INSERT INTO tn.pupils SELECT 20000000 + i, 14, NULL FROM generate_series(1, 1000) i", "ANALYZE tn.pupils");
        // A mark for every thousandth pupil of school 15, and for each pupil of school 14.
        SchoolsFixture.shard("INSERT INTO tn.marks SELECT i, 10000000 + i * 1000, 1 FROM generate_series(1, 1000) i",
                "INSERT INTO tn.marks SELECT 5000 + i, 20000000 + i, 1 FROM generate_series(1, 1000) i", "ANALYZE tn.marks");
        Path config = pupilsConfig("big");
        Path log = dir.resolve("big.log");
        long t0 = System.nanoTime();
        Process p = TestEnv.child(List.of(HEAP, "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1"), "--config", config.toString(), "archive", "--job",
                "schools", "--tenant", "15").directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String out = java.nio.file.Files.readString(log);
        System.out.printf("MEASURED a parameter of 1,000,000 values into the second database at %s: exit %d in %,d ms%s%n",
                HEAP, p.exitValue(), ms, out.contains("OutOfMemoryError") ? " (OutOfMemoryError)" : "");
        assertEquals(0, p.exitValue(), out);
        assertEquals(1000, SchoolsFixture.shardCount("SELECT count(*) FROM tn.marks"), "the marks of school 15 went");
        assertEquals(0, SchoolsFixture.shardCount("SELECT count(*) FROM tn.marks WHERE id <= 1000"));
        assertEquals(1000, TestEnv.count("SELECT count(*) FROM tn.pupils"), "school 14's pupils stay");
        assertEquals(1 + 1_000_000 + 1000, TestEnv.count("SELECT row_count FROM " + schema() + ".manifest WHERE tenant = '15'"),
                "the school, a million pupils, a thousand marks");
    }
}
