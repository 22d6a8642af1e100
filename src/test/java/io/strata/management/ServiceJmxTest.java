package io.strata.management;

import static io.strata.management.ServiceProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.storage.EmbeddedS3;
import io.strata.testing.TestEnv;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import javax.management.JMX;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The service as a real process, watched and steered as an operator would: JMX over RMI, and Jolokia over HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceJmxTest {

    static final String SCHEMA = "strata_t_ops_jmx";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    EmbeddedS3 s3;
    ServiceProcess service;

    @BeforeAll
    void startTheService() throws Exception {
        TestEnv.resetSchema(SCHEMA);
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + SCHEMA + ".slow (id bigint PRIMARY KEY, at timestamptz NOT NULL)",
                "CREATE INDEX ON " + SCHEMA + ".slow (at)",
                // 5 hours of 20 rows each, 3 days old; id 4 is in the oldest hour
                "INSERT INTO " + SCHEMA + ".slow SELECT g, date_trunc('hour', now()) - interval '3 days'"
                        + " - (g % 5) * interval '1 hour' FROM generate_series(1, 100) g",
                "CREATE TABLE " + SCHEMA + ".tick (id bigint PRIMARY KEY, at timestamptz NOT NULL)",
                "CREATE INDEX ON " + SCHEMA + ".tick (at)");
        s3 = TestEnv.s3(dir.resolve("s3"));
        service = new ServiceProcess(dir, s3.endpoint(), SCHEMA, """
                  - name: slow
                    table: %1$s.slow
                    timestampColumn: at
                    keep: P2D
                    concurrency: 1
                    schedule: "0 0 3 1 1 ? 2099"
                  - name: tick
                    table: %1$s.tick
                    timestampColumn: at
                    keep: P2D
                    schedule: "* * * * * ?"
                """.formatted(SCHEMA));
    }

    @AfterAll
    void stopTheService() throws Exception {
        if (service != null) {
            service.close();
        }
        s3.close();
    }

    static long count(String sql) {
        return TestEnv.count(sql.replace("$", SCHEMA + "."));
    }

    @Test
    void anOperatorWatchesARunPausesItMidwayAndResumesOverJmx() throws Exception {
        JobMBean slow = service.mbean("strata:type=Job,name=slow", JobMBean.class);
        assertEquals("idle", slow.getState());
        assertEquals(100, slow.getRowsDue());
        assertTrue(slow.getLagPastKeepSeconds() > 0);
        assertEquals(slow.getOldestDueAgeSeconds() - 2 * 86_400, slow.getLagPastKeepSeconds(), 2, "the same row, past keep P2D");
        assertEquals(slow.getLagPastKeepSeconds(), slow.getLagSeconds(), 2, "LagSeconds, the former name, still answers");
        assertTrue(slow.dryRun().contains("\"partitions\" : 5"), slow.dryRun());

        try (Connection lock = TestEnv.connect(); Statement st = lock.createStatement()) {
            // hold one row of the oldest hour: its batch waits on the lock, in flight
            lock.setAutoCommit(false);
            st.execute("SELECT * FROM " + SCHEMA + ".slow WHERE id = 4 FOR UPDATE");

            assertTrue(slow.runNow().contains("started"), "a run that does not end within a second says it started");
            await("the run to be under way", WAIT, () -> slow.getState().equals("running") && slow.getPartitionsTotal() == 5);
            assertEquals(0, slow.getPartitionsDone());
            assertTrue(slow.getProgress().startsWith("running: 0/5 batches"), slow.getProgress());
            assertEquals("running", jolokiaRead("strata:type=Job,name=slow", "State").asText(), "the same over Jolokia");
            assertTrue(slow.runNow().startsWith("JOB_BUSY"), "one run at a time");

            assertTrue(slow.pause().contains("paused"));
            assertTrue(slow.isPaused());
            lock.rollback();
        }

        await("the paused run to end", WAIT, () -> slow.getState().equals("idle"));
        assertEquals("stopped", slow.getLastRunResult(), "the batch in flight finished, the others never started");
        assertEquals(5, slow.getPartitionsDone());
        assertEquals(20, slow.getRunRows());
        assertEquals(1, count("SELECT count(*) FROM $manifest WHERE job = 'slow'"));
        assertEquals(80, count("SELECT count(*) FROM $slow"));

        long runs = count("SELECT count(*) FROM $run WHERE job = 'slow'");
        assertTrue(slow.runNow().contains("paused"), "a paused job does not run");
        assertEquals(runs, count("SELECT count(*) FROM $run WHERE job = 'slow'"));

        assertTrue(slow.resume().contains("resumed"));
        assertFalse(slow.isPaused());
        slow.runNow();
        await("the resumed run to succeed", WAIT, () -> slow.getState().equals("idle") && slow.getLastRunResult().equals("succeeded"));
        assertEquals(100, slow.getTotalRowsArchived());
        assertEquals(5, slow.getTotalObjectsArchived());
        assertEquals(0, slow.getRowsDue());
        assertEquals(0, count("SELECT count(*) FROM $slow"));
        assertTrue(slow.getLastRunEnd().compareTo(slow.getLastRunStart()) > 0);

        String verified = slow.verify("", "");
        assertTrue(verified.contains("\"sound\" : 5"), verified);
        String restored = slow.restore(java.time.LocalDate.now().minusDays(10).toString(), java.time.LocalDate.now().toString(), "");
        assertTrue(restored.contains("\"restored\" : 5"), restored);
        assertEquals(100, count("SELECT count(*) FROM $slow"), "restore over JMX put the rows back");
        assertTrue(slow.restore("yesterday", "", "").contains("--from yesterday"), "a bad time names the parameter");
    }

    /** What a paused job's schedule skips, firing by firing, ScheduleRouteTest shows in-process without waiting on the clock. */
    @Test
    void aJobPausedOverJolokiaStaysPausedUntilResumedOverJmxAndItsScheduleRunsItAgain() throws Exception {
        String tick = "SELECT count(*) FROM $run WHERE job = 'tick'";
        await("the schedule to fire", WAIT, () -> count(tick) >= 2);

        JsonNode paused = service.jolokia("{\"type\":\"exec\",\"mbean\":\"strata:type=Job,name=tick\",\"operation\":\"pause()\"}");
        assertEquals(200, paused.get("status").asInt(), paused.toString());
        assertTrue(paused.get("value").asText().contains("paused"));
        assertTrue(jolokiaRead("strata:type=Job,name=tick", "Paused").asBoolean());
        JobMBean job = service.mbean("strata:type=Job,name=tick", JobMBean.class);
        assertTrue(job.isPaused(), "the same over JMX");

        assertTrue(job.resume().contains("resumed"));
        assertFalse(jolokiaRead("strata:type=Job,name=tick", "Paused").asBoolean());
        long before = count(tick);
        await("the schedule to run the job again", WAIT, () -> count(tick) > before);
    }

    @Test
    void jolokiaServesStrataAndCamelMBeansAndNothingElse() throws Exception {
        JsonNode jobs = jolokiaRead("strata:type=Service", "Jobs");
        assertEquals(2, jobs.size(), jobs.toString());
        assertTrue(jobs.get(0).asText().startsWith("slow: "), jobs.toString());
        assertEquals("Started", jolokiaRead("org.apache.camel:context=strata,type=routes,name=\"archive-slow\"", "State").asText());

        JsonNode jvm = service.jolokia("{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"HeapMemoryUsage\"}");
        assertEquals(403, jvm.get("status").asInt(), jvm.toString());
        JsonNode write = service.jolokia("{\"type\":\"write\",\"mbean\":\"org.apache.camel:context=strata,type=context,name=\\\"strata\\\"\","
                + "\"attribute\":\"Tracing\",\"value\":true}");
        assertEquals(403, write.get("status").asInt(), write.toString());
    }

    @Test
    void aJmxClientWithoutCredentialsIsRefused() {
        assertThrows(SecurityException.class, () -> service.connect((String[]) null).close());
        assertThrows(SecurityException.class, () -> service.connect(ServiceProcess.JMX_USER, "guess").close());
    }

    @Test
    void aJmxClientWithCredentialsConnectsAndTheAccessFileDecidesWhatItMayDo() throws Exception {
        try (JMXConnector watcher = service.connect(ServiceProcess.JMX_WATCHER, ServiceProcess.JMX_PASSWORD)) {
            JobMBean slow = JMX.newMBeanProxy(watcher.getMBeanServerConnection(), new ObjectName("strata:type=Job,name=slow"),
                    JobMBean.class);
            assertEquals("slow", slow.getName(), "a read-only user reads");
            assertThrows(SecurityException.class, slow::dryRun, "and cannot invoke");
        }
        assertEquals("slow", service.mbean("strata:type=Job,name=slow", JobMBean.class).getName(), "the read-write user");
    }

    private JsonNode jolokiaRead(String mbean, String attribute) throws IOException {
        JsonNode r = service.jolokia("{\"type\":\"read\",\"mbean\":" + new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(mbean) + ",\"attribute\":\"" + attribute + "\"}");
        assertEquals(200, r.path("status").asInt(), r.toString() + "\n" + service.log());
        return r.get("value");
    }
}
