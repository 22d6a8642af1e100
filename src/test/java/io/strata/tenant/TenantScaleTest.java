package io.strata.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.Child;
import io.strata.testing.TestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scale: one tenant with a million dependent rows at {@code -Xmx256m}, and a thousand small tenants in one run. Prints
 * what it measured (rows/s, bundles per minute): docs/tenants.md keeps the last numbers.
 */
class TenantScaleTest extends SchoolsTestCase {

    @Override
    protected String schema() {
        return "tenant_scale";
    }

    private Path config;

    @BeforeEach
    void schools() {
        config = schoolsConfig();
    }

    @Test
    void oneTenantWithAMillionDependentRowsArchivesAtXmx256m() throws Exception {
        TestEnv.sql("INSERT INTO tn.schools VALUES (15, 'Big school', NULL)", "INSERT INTO tn.classrooms VALUES (151, 15, 'Hall')");
        SchoolsFixture.shard("INSERT INTO tn.enrollments SELECT 1510000 + e, 151, now() FROM generate_series(1, 100) e",
                "INSERT INTO tn.attempts SELECT 100000000 + e * 10000 + k, 1510000 + e, k % 100, md5(k::text)"
                        + " FROM generate_series(1, 100) e, generate_series(1, 10000) k",
                "ANALYZE tn.enrollments", "ANALYZE tn.attempts");
        long t0 = System.nanoTime();
        Child c = Child.start(dir.resolve("big.log"), "--config", config.toString(), "archive", "--job", "schools",
                "--tenant", "15");
        assertEquals(0, c.exit(Duration.ofMinutes(10)), c.log());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, SchoolsFixture.shardCount("SELECT count(*) FROM tn.attempts WHERE enrollment_id > 1510000"));
        long rows = TestEnv.count("SELECT row_count FROM " + schema() + ".manifest WHERE tenant = '15'");
        assertEquals(1_000_102, rows, "school, classroom, 100 enrollments, a million attempts");
        List<String> times = TestEnv.column("SELECT extract_ms || ' ms extract, ' || upload_ms || ' ms upload, ' || verify_ms"
                + " || ' ms verify, ' || test_restore_ms || ' ms test restore, ' || gzip_bytes || ' bytes (' || raw_bytes"
                + " || ' raw)' FROM " + schema() + ".manifest WHERE tenant = '15'");
        System.out.printf("MEASURED one tenant, %,d rows at -Xmx256m: %,d ms in all (JVM start included), %,d rows/s; %s%n",
                rows, ms, rows * 1000 / ms, times.get(0));
    }

    @Test
    void aThousandSmallTenantsInOneRunConcurrencyAtATime() throws Exception {
        TestEnv.sql("INSERT INTO tn.schools SELECT 100000 + i, 'S' || i, current_date - 800 FROM generate_series(1, 1000) i",
                "INSERT INTO tn.classrooms SELECT 1000000 + i, 100000 + i, 'R' FROM generate_series(1, 1000) i",
                "INSERT INTO tn.students SELECT 2000000 + i, 'K' || i, NULL FROM generate_series(1, 2000) i",
                "INSERT INTO tn.classroom_students SELECT 1000000 + (i + 1) / 2, 2000000 + i FROM generate_series(1, 2000) i",
                "INSERT INTO tn.donations (school_id, amount) SELECT 100000 + i, 1 FROM generate_series(1, 1000) i",
                "ANALYZE tn.schools", "ANALYZE tn.classrooms", "ANALYZE tn.students", "ANALYZE tn.classroom_students",
                "ANALYZE tn.donations", "ANALYZE tn.student_sessions");
        SchoolsFixture.shard("INSERT INTO tn.enrollments SELECT 3000000 + i, 1000000 + i, now() FROM generate_series(1, 1000) i",
                "INSERT INTO tn.attempts SELECT 4000000 + i * 2 + k, 3000000 + i, k, 'a' FROM generate_series(1, 1000) i,"
                        + " generate_series(0, 1) k", "ANALYZE tn.enrollments", "ANALYZE tn.attempts");
        Path fast = config().extraYaml(SchoolsFixture.databasesYaml())
                .jobsYaml(SchoolsFixture.jobYaml("").replace("concurrency: 2", "concurrency: 4")).write(dir.resolve("fast"));
        long t0 = System.nanoTime();
        TestEnv.Run run = TestEnv.cli("--config", fast.toString(), "archive", "--job", "schools");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("[1002/1002, ETA"), "a progress line per tenant with the ETA");
        assertEquals(1002, TestEnv.count("SELECT count(*) FROM " + schema() + ".manifest WHERE kind = 'tenant'"));
        assertEquals(0, TestEnv.count("SELECT count(*) FROM tn.schools WHERE closed_on IS NOT NULL"));
        System.out.printf("MEASURED %d small tenants (9 rows each, 8 tables, two databases), concurrency 4: %,d ms,"
                + " %,d bundles per minute%n", 1002, ms, 1002L * 60_000 / ms);
    }
}
