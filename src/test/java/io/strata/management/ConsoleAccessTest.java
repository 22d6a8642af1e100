package io.strata.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.StrataException;
import io.strata.config.ConfigLoader;
import io.strata.config.StrataConfig;
import io.strata.storage.EmbeddedS3;
import io.strata.testing.TestEnv;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may reach the console: loopback by default, a password beyond it, and remote JMX only with the JDK's files. */
class ConsoleAccessTest {

    static final String SCHEMA = "strata_t_ops_access";
    static final String READ = "{\"type\":\"read\",\"mbean\":\"strata:type=Service\",\"attribute\":\"Version\"}";

    @TempDir
    Path dir;

    /** Starts the service with these {@code strata.management} keys and waits for it to exit (it should not start). */
    private TestEnv.Run run(String management) throws Exception {
        TestEnv.resetSchema(SCHEMA);
        TestEnv.sql("CREATE SCHEMA " + SCHEMA);
        Path config = TestEnv.config(dir, "http://127.0.0.1:9", SCHEMA, "  management: { " + management + " }\n", "    []\n");
        Path log = dir.resolve("refused.log");
        Process p = TestEnv.child(List.of("-XX:TieredStopAtLevel=1"), "--config", config.toString(), "run")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                return new TestEnv.Run(-1, "", "still running after 60 s:\n" + Files.readString(log));
            }
            return new TestEnv.Run(p.exitValue(), "", Files.readString(log));
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void jolokiaBeyondLoopbackWithoutAUserIsRefusedAtStart() throws Exception {
        TestEnv.Run r = run("jolokiaHost: 0.0.0.0, jolokiaPort: " + ServiceProcess.freePort());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("CONFIG_INVALID") && r.err().contains("strata.management.jolokiaHost \"0.0.0.0\""), r.err());
    }

    @Test
    void remoteJmxWithoutPasswordAndAccessFilesIsRefusedAtStart() throws Exception {
        TestEnv.Run r = run("rmiPort: " + ServiceProcess.freePort());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("CONFIG_INVALID") && r.err().contains("strata.management.rmiPasswordFile is required"), r.err());
    }

    @Test
    void aJmxPasswordFileOthersCanReadIsRefusedAtStart() throws Exception {
        Path passwords = Files.writeString(dir.resolve("jmx.password"), "operator secret\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-r--r--"));
        Path access = Files.writeString(dir.resolve("jmx.access"), "operator readwrite\n");
        TestEnv.Run r = run("rmiPort: " + ServiceProcess.freePort() + ", rmiPasswordFile: " + passwords
                + ", rmiAccessFile: " + access);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("strata.management.rmiPasswordFile \"" + passwords + "\" must be readable by its owner only"),
                r.err());
    }

    @Test
    void withAUserJolokiaAsksForThePasswordAndHealthStaysOpen() throws Exception {
        TestEnv.resetSchema(SCHEMA);
        TestEnv.sql("CREATE SCHEMA " + SCHEMA);
        String password = "console-pw-" + System.nanoTime();
        try (EmbeddedS3 s3 = TestEnv.s3(dir.resolve("s3"));
                ServiceProcess service = new ServiceProcess(dir, s3.endpoint(), SCHEMA, "    []\n",
                        ", jolokiaHost: 0.0.0.0, user: operator, password: \"{{env:STRATA_TEST_CONSOLE_PASSWORD}}\"",
                        Map.of("STRATA_TEST_CONSOLE_PASSWORD", password), "operator:" + password)) {
            assertEquals(200, service.jolokia(READ).path("status").asInt(), "with the password");

            HttpResponse<String> none = service.send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + service.jolokiaPort + "/observe/jolokia"))
                    .POST(HttpRequest.BodyPublishers.ofString(READ)));
            assertEquals(401, none.statusCode(), none.body());
            HttpResponse<String> wrong = service.send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + service.jolokiaPort + "/observe/jolokia/read/strata:type=Service/Version"))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("operator:guess".getBytes()))
                    .GET());
            assertEquals(401, wrong.statusCode(), wrong.body());

            HttpResponse<String> metrics = service.get("/observe/metrics");
            assertEquals(200, metrics.statusCode(), "with the password: " + metrics.body());
            assertTrue(metrics.body().contains("strata_") || metrics.body().contains("camel_"), metrics.body());
            for (String auth : new String[] {null, "operator:guess", "other:" + password}) {
                HttpRequest.Builder request = HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + service.jolokiaPort + "/observe/metrics")).GET();
                if (auth != null) {
                    request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(auth.getBytes()));
                }
                HttpResponse<String> refused = service.send(request);
                assertEquals(401, refused.statusCode(), auth + ": " + refused.body());
                assertFalse(refused.body().contains("camel_"), refused.body());
            }

            HttpResponse<String> health = service.send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + service.jolokiaPort + "/observe/health")).GET());
            assertEquals(200, health.statusCode(), "probes need no password: " + health.body());

            assertFalse(service.log().contains(password), "the password is not in the log");
            try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                assertTrue(files.filter(f -> f.getFileName().toString().startsWith("strata-console-")).noneMatch(f -> {
                    try {
                        return Files.readString(f).contains(password);
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }), "the credentials file for Vert.x is gone once the server has read it");
            }
            String mbeans = new ObjectMapper().writeValueAsString(service.jolokia(
                    "{\"type\":\"read\",\"mbean\":\"org.apache.camel:context=strata,type=context,name=\\\"strata\\\"\"}"));
            assertFalse(mbeans.contains(password), "nor in Camel's MBeans");
        }
    }

    @Test
    void theConsolePasswordShowsInNoErrorAndNoToString() throws Exception {
        String password = "pw-never-shown";
        Path file = dir.resolve("c.yaml");
        String yaml = "strata:\n  database: { url: \"jdbc:postgresql://h/db\" }\n"
                + "  management: { jolokiaHost: 0.0.0.0, user: operator, password: \"{{env:CONSOLE_PW}}\" }\n";
        Files.writeString(file, yaml);
        StrataConfig c = new ConfigLoader(Map.of("CONSOLE_PW", password)::get).load(file);
        assertEquals(password, c.management().password());
        assertFalse(c.toString().contains(password), c.toString());

        Files.writeString(file, yaml.replace("user: operator, ", ""));
        StrataException noUser = assertThrows(StrataException.class,
                () -> new ConfigLoader(Map.of("CONSOLE_PW", password)::get).load(file));
        assertTrue(noUser.getMessage().contains("strata.management.user is required"), noUser.getMessage());
        Files.writeString(file, yaml);
        StrataException comma = assertThrows(StrataException.class,
                () -> new ConfigLoader(Map.of("CONSOLE_PW", password + ",admin")::get).load(file));
        assertTrue(comma.getMessage().contains("strata.management.password must not contain ','"), comma.getMessage());
        assertFalse(comma.getMessage().contains(password), comma.getMessage());
    }
}
