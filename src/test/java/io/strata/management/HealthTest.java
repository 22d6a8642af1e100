package io.strata.management;

import static io.strata.management.ServiceProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.EmbeddedS3;
import io.strata.testing.TestEnv;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthTest {

    static final String SCHEMA = "strata_t_ops_health";

    @TempDir
    Path dir;

    @Test
    void healthGoesDownWhenS3StopsAndSaysWhy() throws Exception {
        TestEnv.resetSchema(SCHEMA);
        TestEnv.sql("CREATE SCHEMA " + SCHEMA, "CREATE TABLE " + SCHEMA + ".t (id bigint, at timestamptz)",
                "CREATE INDEX ON " + SCHEMA + ".t (at)");
        EmbeddedS3 s3 = TestEnv.s3(dir.resolve("s3"));
        try (ServiceProcess service = new ServiceProcess(dir, s3.endpoint(), SCHEMA, """
                  - name: t
                    table: %s.t
                    timestampColumn: at
                    keep: P2D
                """.formatted(SCHEMA))) {
            AtomicReference<HttpResponse<String>> up = new AtomicReference<>();
            await("health to be UP", Duration.ofSeconds(30), () -> {
                try {
                    up.set(service.get("/observe/health"));
                    return up.get().statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
            assertEquals("{\"status\":\"UP\"}", up.get().body().replaceAll("\\s", ""));

            s3.close();
            AtomicReference<HttpResponse<String>> down = new AtomicReference<>();
            await("health to go DOWN", Duration.ofSeconds(30), () -> {
                try {
                    down.set(service.get("/observe/health"));
                    return down.get().statusCode() != 200;
                } catch (IOException e) {
                    return false;
                }
            });
            assertEquals(503, down.get().statusCode(), down.get().body());
            assertTrue(down.get().body().contains("\"status\":\"DOWN\""), down.get().body());
            assertTrue(down.get().body().contains("\"name\":\"s3\""), "names the check that failed: " + down.get().body());
        } finally {
            s3.close();
        }
    }

    @Test
    void aFailedCheckIsNamedWithAFixedLineAndItsErrorGoesToTheLogOnce() throws Exception {
        TestEnv.resetSchema(SCHEMA);
        TestEnv.sql("CREATE SCHEMA " + SCHEMA, "CREATE TABLE " + SCHEMA + ".t (id bigint, at timestamptz)",
                "CREATE INDEX ON " + SCHEMA + ".t (at)");
        EmbeddedS3 s3 = TestEnv.s3(dir.resolve("s3"));
        String port = String.valueOf(s3.port());
        try (ServiceProcess service = new ServiceProcess(dir, s3.endpoint(), SCHEMA, """
                  - name: t
                    table: %s.t
                    timestampColumn: at
                    keep: P2D
                """.formatted(SCHEMA))) {
            s3.close();
            AtomicReference<HttpResponse<String>> down = new AtomicReference<>();
            await("health to go DOWN", Duration.ofSeconds(30), () -> {
                try {
                    down.set(service.get("/observe/health?exposureLevel=full&stackTrace=true&data=true"));
                    return down.get().statusCode() == 503;
                } catch (IOException e) {
                    return false;
                }
            });
            for (int i = 0; i < 3; i++) {
                down.set(service.get("/observe/health?exposureLevel=full&stackTrace=true&data=true"));
            }
            String body = down.get().body().replaceAll("\\s", "");
            assertEquals(503, down.get().statusCode(), body);
            assertTrue(body.contains("\"name\":\"s3\"") && body.contains("\"message\":\"thebucketdoesnotanswer(seethelog)\""), body);
            for (String leak : new String[] {"127.0.0.1", port, "Exception", "error-message", "stacktrace", "http"}) {
                assertFalse(body.contains(leak), "no '" + leak + "' in " + body);
            }
            String log = service.log();
            assertTrue(log.contains("health check s3 is DOWN") && log.contains(port), "the log has the error: " + log);
            assertEquals(1, log.split("health check s3 is DOWN", -1).length - 1, "once, not at every probe");
        } finally {
            s3.close();
        }
    }
}
