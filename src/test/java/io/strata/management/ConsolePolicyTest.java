package io.strata.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.storage.EmbeddedS3;
import io.strata.testing.TestEnv;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** What Jolokia lets an operator do, and what it refuses to anyone: the policy in jolokia-access.xml, on the real service. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsolePolicyTest {

    static final String SCHEMA = "strata_t_ops_policy";
    static final String JOB = "strata:type=Job,name=quiet";
    static final String CONTEXT = "org.apache.camel:context=strata,type=context,name=\"strata\"";
    static final String SCHEDULE = "org.apache.camel:context=strata,type=routes,name=\"schedule-quiet\"";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    EmbeddedS3 s3;
    ServiceProcess service;

    @BeforeAll
    void startTheService() throws Exception {
        TestEnv.resetSchema(SCHEMA);
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + SCHEMA + ".quiet (id bigint PRIMARY KEY, at timestamptz NOT NULL)",
                "CREATE INDEX ON " + SCHEMA + ".quiet (at)");
        s3 = TestEnv.s3(dir.resolve("s3"));
        service = new ServiceProcess(dir, s3.endpoint(), SCHEMA, """
                  - name: quiet
                    table: %s.quiet
                    timestampColumn: at
                    keep: P2D
                    schedule: "0 0 3 1 1 ? 2099"
                """.formatted(SCHEMA));
    }

    @AfterAll
    void stopTheService() throws Exception {
        if (service != null) {
            service.close();
        }
        s3.close();
    }

    static String exec(String mbean, String operation, Object... arguments) {
        ObjectNode request = JSON.createObjectNode().put("type", "exec").put("mbean", mbean).put("operation", operation);
        request.set("arguments", JSON.valueToTree(arguments));
        return request.toString();
    }

    static String read(String mbean, String attribute) {
        return JSON.createObjectNode().put("type", "read").put("mbean", mbean).put("attribute", attribute).toString();
    }

    /**
     * Refused: Jolokia answers with an error instead of a value (403 from the policy; 500 when the origin check
     * refuses, as Camel's Jolokia handler does not unwrap that SecurityException from its reflective call).
     */
    static void assertRefused(HttpResponse<String> response) throws IOException {
        JsonNode body = JSON.readTree(response.body());
        assertNotEquals(200, body.path("status").asInt(), response.body());
        assertTrue(body.has("error") && !body.has("value"), response.body());
    }

    boolean paused() throws IOException {
        JsonNode r = service.jolokia(read(JOB, "Paused"));
        assertEquals(200, r.path("status").asInt(), r.toString());
        return r.get("value").asBoolean();
    }

    @Test
    void camelsGenericOperationsCannotCallAnEndpointSoAnArchiveObjectCannotBeDeleted() throws Exception {
        Path object = dir.resolve("s3").resolve("test").resolve("precious.csv.gz");
        Files.writeString(object, "archived rows");
        String delete = "aws2-s3://test?operation=deleteObject&keyName=precious.csv.gz";
        for (String operation : new String[] {"sendBody", "requestBody", "sendStringBody", "requestStringBody"}) {
            assertRefused(service.post("/observe/jolokia", exec(CONTEXT, operation, delete, "x")));
        }
        assertRefused(service.post("/observe/jolokia", exec(CONTEXT, "createEndpoint", delete)));
        assertRefused(service.post("/observe/jolokia", exec(CONTEXT, "dumpRoutesAsXml()")));
        assertRefused(service.post("/observe/jolokia", exec(CONTEXT, "stop()")));
        assertRefused(service.post("/observe/jolokia", exec(SCHEDULE, "remove()")));
        assertTrue(Files.exists(object), "the object is still in the bucket");
        assertEquals("Started", service.jolokia(read(CONTEXT, "State")).path("value").asText());
    }

    @Test
    void anOperationOverGetIsRefused() throws Exception {
        assertRefused(service.get("/observe/jolokia/exec/" + JOB + "/pause()"));
        assertFalse(paused(), "the job was not paused");
    }

    @Test
    void anOperationFromAPageOfAnotherSiteIsRefused() throws Exception {
        for (String origin : new String[] {"http://evil.example", "null"}) {
            assertRefused(service.send(service.request("/observe/jolokia").header("Origin", origin)
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(exec(JOB, "pause()")))));
        }
        assertRefused(service.send(service.request("/observe/jolokia").header("Referer", "http://evil.example/page.html")
                .POST(HttpRequest.BodyPublishers.ofString(exec(JOB, "pause()")))));
        assertFalse(paused(), "the job was not paused");
    }

    @Test
    void aPageOnThisHostMayOperate() throws Exception {
        HttpResponse<String> r = service.send(service.request("/observe/jolokia").header("Origin", "http://localhost:8080")
                .POST(HttpRequest.BodyPublishers.ofString(exec(JOB, "dryRun()"))));
        assertEquals(200, JSON.readTree(r.body()).path("status").asInt(), r.body());
    }

    @Test
    void theMetricsAreReadOnlyAndRefusedToPagesOfOtherSites() throws Exception {
        HttpResponse<String> metrics = service.get("/observe/metrics");
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().contains("strata_rows_due{job_name=\"quiet\"}"), metrics.body());
        assertTrue(metrics.body().contains("camel_exchanges_total{"), "Camel's route metrics beside Strata's");
        HttpResponse<String> local = service.send(service.request("/observe/metrics").header("Origin", "http://localhost:9090").GET());
        assertEquals(200, local.statusCode(), "a page on this host (a local Prometheus or Grafana)");

        for (String origin : new String[] {"http://evil.example", "null", "http://localhost.evil.example"}) {
            HttpResponse<String> r = service.send(service.request("/observe/metrics").header("Origin", origin).GET());
            assertEquals(403, r.statusCode(), origin + ": " + r.body());
            assertFalse(r.body().contains("strata_"), r.body());
        }
        HttpResponse<String> referred = service.send(service.request("/observe/metrics")
                .header("Referer", "http://evil.example/page.html").GET());
        assertEquals(403, referred.statusCode(), referred.body());

        HttpResponse<String> post = service.post("/observe/metrics", "{}");
        assertEquals(405, post.statusCode(), "GET only: " + post.body());
    }

    @Test
    void strataAndCamelMBeansCanBeRead() throws Exception {
        assertEquals("quiet", service.jolokia(read(JOB, "Name")).path("value").asText());
        assertEquals(1, service.jolokia(read("strata:type=Service", "Jobs")).path("value").size());
        assertEquals("Started", service.jolokia(read(SCHEDULE, "State")).path("value").asText());
        JsonNode all = service.jolokia(JSON.createObjectNode().put("type", "read").put("mbean", CONTEXT).toString());
        assertEquals(200, all.path("status").asInt(), all.toString());
        assertEquals("strata", all.path("value").path("CamelId").asText(), all.toString());
        JsonNode list = service.jolokia("{\"type\":\"list\",\"path\":\"strata\"}");
        assertTrue(list.path("value").has("type=Service"), list.toString());
        assertEquals(403, service.jolokia(read("java.lang:type=Runtime", "InputArguments")).path("status").asInt());
    }

    @Test
    void strataOperationsAndRouteStopAndStartAreAllowedOverPost() throws Exception {
        JsonNode dry = service.jolokia(exec(JOB, "dryRun()"));
        assertEquals(200, dry.path("status").asInt(), dry.toString());
        assertTrue(service.jolokia(exec(JOB, "pause()")).path("value").asText().contains("paused"));
        assertTrue(paused());
        assertTrue(service.jolokia(exec(JOB, "resume")).path("value").asText().contains("resumed"));
        assertFalse(paused());
        JsonNode verify = service.jolokia(exec(JOB, "verify", "", ""));
        assertEquals(200, verify.path("status").asInt(), verify.toString());
        JsonNode restore = service.jolokia(exec(JOB, "restore", "2026-01-01", "2026-01-02", ""));
        assertEquals(200, restore.path("status").asInt(), restore.toString());

        for (String[] step : new String[][] {{"stop()", "Stopped"}, {"start()", "Started"}, {"suspend()", "Suspended"},
                {"resume()", "Started"}}) {
            JsonNode r = service.jolokia(exec(SCHEDULE, step[0]));
            assertEquals(200, r.path("status").asInt(), r.toString());
            assertEquals(step[1], service.jolokia(read(SCHEDULE, "State")).path("value").asText(), step[0]);
        }
    }
}
