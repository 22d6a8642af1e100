package io.strata.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.EmbeddedS3;
import io.strata.testing.Await;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tenant job in the service's console: strata:type=Job,name=J shows its bundles and restores a tenant. */
class TenantJmxTest {

    static final String SCHEMA = "strata_t_tenant_jmx";
    static final String JOBS = """
              - name: schools
                tenant:
                  table: %1$s.schools
                  key: id
                schedule: "0 0 3 1 1 ? 2099"
            """.formatted(SCHEMA);

    @TempDir
    Path dir;
    EmbeddedS3 s3;
    ServiceProcess service;

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void theTenantJobsMBeanShowsItsBundlesAndRestoresATenant() throws Exception {
        TestEnv.resetSchema(SCHEMA);
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + SCHEMA + ".schools (id bigint PRIMARY KEY, name text)",
                "CREATE TABLE " + SCHEMA + ".classrooms (id bigint PRIMARY KEY, school_id bigint NOT NULL REFERENCES "
                        + SCHEMA + ".schools, name text)",
                "INSERT INTO " + SCHEMA + ".schools SELECT s, 'School ' || s FROM generate_series(1, 3) s",
                "INSERT INTO " + SCHEMA + ".classrooms SELECT s * 10 + k, s, 'Room' FROM generate_series(1, 3) s,"
                        + " generate_series(1, 4) k");
        s3 = TestEnv.s3(dir.resolve("s3"));
        Path cli = Files.createDirectories(dir.resolve("cli"));
        Path config = TestEnv.config(cli, s3.endpoint(), SCHEMA, JOBS);
        TestEnv.Run archive = TestEnv.cli("--config", config.toString(), "archive", "--job", "schools", "--tenant", "2");
        assertEquals(0, archive.exit(), archive.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".classrooms WHERE school_id = 2"));

        service = new ServiceProcess(dir, s3.endpoint(), SCHEMA, JOBS);
        TenantJobMBean job = service.mbean("strata:type=Job,name=schools", TenantJobMBean.class);
        assertEquals("tenant", job.getKind());
        assertEquals(SCHEMA + ".schools", job.getTable());
        assertTrue(job.isEnabled());
        assertEquals(1, job.getTenantsArchived());
        assertEquals(1, job.getTotalObjectsArchived());
        assertEquals(5, job.getTotalRowsArchived(), "the school and its four classrooms");
        assertFalse(job.getLastArchived().isEmpty());

        String restored = job.restore("2", "");
        assertTrue(restored.contains("\"restored\" : 1") && restored.contains("\"ok\" : true"), restored);
        assertEquals(4, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".classrooms WHERE school_id = 2"));
        Await.until("the MBean to count the restored bundle", Duration.ofSeconds(30),
                () -> job.getTotalObjectsRestored() == 1, service::log);
        assertTrue(job.restore("2", "").contains("already restored"), "a second restore loads nothing");
        assertTrue(job.verify().contains("\"sound\" : 1"), job.verify());
    }
}
