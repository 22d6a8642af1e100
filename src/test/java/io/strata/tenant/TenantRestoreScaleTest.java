package io.strata.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.testing.Child;
import io.strata.testing.TestEnv;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scale of a tenant restore: one tenant with a million dependent rows (in the second database) restored at
 * {@code -Xmx256m}, every row back as it was. Prints what it measured: README, "Restoring a tenant", keeps the numbers.
 */
class TenantRestoreScaleTest extends SchoolsTestCase {

    private static final String ATTEMPTS = "SELECT count(*) || ':' || sum(hashtextextended(t::text, 0))"
            + " FROM tn.attempts t WHERE enrollment_id > 1510000";

    @Override
    protected String schema() {
        return "tenant_restore_scale";
    }

    private Path config;

    @BeforeEach
    void schools() {
        config = schoolsConfig();
    }

    private static String shardText(String sql) {
        try (var c = SchoolsFixture.connect(true); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Test
    void oneTenantWithAMillionDependentRowsRestoresAtXmx256m() throws Exception {
        TestEnv.sql("INSERT INTO tn.schools VALUES (15, 'Big school', NULL)", "INSERT INTO tn.classrooms VALUES (151, 15, 'Hall')");
        SchoolsFixture.shard("INSERT INTO tn.enrollments SELECT 1510000 + e, 151, now() FROM generate_series(1, 100) e",
                "INSERT INTO tn.attempts SELECT 100000000 + e * 10000 + k, 1510000 + e, k % 100, md5(k::text)"
                        + " FROM generate_series(1, 100) e, generate_series(1, 10000) k",
                "ANALYZE tn.enrollments", "ANALYZE tn.attempts");
        String before = shardText(ATTEMPTS);
        TestEnv.Run archive = TestEnv.cli("--config", config.toString(), "archive", "--job", "schools", "--tenant", "15");
        assertEquals(0, archive.exit(), archive.toString());
        assertEquals(0, SchoolsFixture.shardCount("SELECT count(*) FROM tn.attempts WHERE enrollment_id > 1510000"));

        long t0 = System.nanoTime();
        Child c = Child.start(dir.resolve("restore.log"), "--config", config.toString(), "restore", "--job", "schools",
                "--tenant", "15");
        assertEquals(0, c.exit(Duration.ofMinutes(10)), c.log());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(before, shardText(ATTEMPTS), "every attempt back as it was");
        assertEquals(1, TestEnv.count("SELECT count(*) FROM tn.schools WHERE id = 15"));
        long rows = TestEnv.count("SELECT row_count FROM " + schema() + ".manifest WHERE tenant = '15' AND state = 'restored'");
        assertEquals(1_000_102, rows);
        String attempts = c.log().lines().filter(l -> l.contains("shard:tn.attempts")).findFirst().orElse("");
        System.out.printf("MEASURED restore of one tenant, %,d rows at -Xmx256m: %,d ms in all (JVM start included),"
                + " %,d rows/s; %s%n", rows, ms, rows * 1000 / ms, attempts.strip());
    }
}
