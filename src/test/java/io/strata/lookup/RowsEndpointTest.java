package io.strata.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.app.Instance;
import io.strata.config.ConfigLoader;
import io.strata.testing.FaultyProxy;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /strata/jobs/{job}/rows/{key}} on the service's management server: behind the console's user and
 * password like Jolokia, GET only, 404 when not archived, and the object read once kept in the cache, so that the
 * next look-up needs no S3.
 */
class RowsEndpointTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_rows_http";
    static final String PASSWORD = "rows-pw-1";
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected String schema() {
        return SCHEMA;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> send(String method, String url, String auth, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody());
        if (auth != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theEndpointAnswersGetWithThePasswordAnd404sAndReadsACachedObjectWithoutS3() throws Exception {
        String table = events(60, "date_trunc('hour', now()) - interval '4 days' + ((g - 1) / 20) * interval '1 hour'", "'v' || g");
        int port = freePort();
        try (FaultyProxy proxy = new FaultyProxy(s3.port())) {
            Path cfg = config().s3("endpoint", proxy.endpoint())
                    .set("management", "{ jolokiaPort: " + port + ", user: operator, password: " + PASSWORD + ", rowCache: 1MB }")
                    .set("tempDir", "\"" + dir.resolve("tmp") + "\"")
                    .job("ev", table).write(dir);
            TestEnv.archiveAll(cfg, SCHEMA, table, 3);
            try (Instance service = Instance.start(new ConfigLoader().load(cfg), Instance.Mode.SERVICE)) {
                String base = "http://127.0.0.1:" + port + "/strata/jobs/ev/rows/";
                String auth = "operator:" + PASSWORD;
                assertEquals(401, send("GET", base + "25", null, null).statusCode(), "no password");
                assertEquals(401, send("GET", base + "25", "operator:guess", null).statusCode(), "a wrong password");
                assertEquals(403, send("GET", base + "25", auth, "http://evil.example").statusCode(), "a page of another site");

                HttpResponse<String> first = send("GET", base + "25", auth, null);
                assertEquals(200, first.statusCode(), first.body());
                assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
                JsonNode r = JSON.readTree(first.body());
                assertEquals(1, r.get("downloaded").asInt());
                assertFalse(r.get("rows").get(0).get("cached").asBoolean());
                assertEquals("v25", r.get("rows").get(0).get("values").get("v").asText());
                assertEquals(0, service.strata().rowCache().hits());
                try (Stream<Path> files = Files.list(dir.resolve("tmp"))) {
                    assertEquals(1, files.count(), "the object's decompressed file is kept");
                }

                for (String method : new String[] {"POST", "PUT", "DELETE"}) {
                    HttpResponse<String> refused = send(method, base + "25", auth, null);
                    assertEquals(405, refused.statusCode(), method + ": " + refused.body());
                    assertEquals("GET", refused.headers().firstValue("Allow").orElse(""));
                }
                assertEquals(404, send("GET", base + "1000", auth, null).statusCode(), "a key no object holds");
                assertEquals(404, send("GET", "http://127.0.0.1:" + port + "/strata/jobs/nope/rows/1", auth, null).statusCode());
                HttpResponse<String> bad = send("GET", base + "x", auth, null);
                assertEquals(400, bad.statusCode(), bad.body());
                assertTrue(bad.body().contains("is not an integer"), bad.body());

                // S3 gone: the same object's rows come from the cache
                proxy.down();
                HttpResponse<String> warm = send("GET", base + "30", auth, null);
                assertEquals(200, warm.statusCode(), warm.body());
                JsonNode w = JSON.readTree(warm.body());
                assertEquals(0, w.get("downloaded").asInt());
                assertTrue(w.get("rows").get(0).get("cached").asBoolean());
                assertEquals("v30", w.get("rows").get(0).get("values").get("v").asText());
                assertEquals(1, service.strata().rowCache().hits());
                // another object is not cached: S3 is needed, and its absence is said
                HttpResponse<String> cold = send("GET", base + "50", auth, null);
                assertEquals(503, cold.statusCode(), cold.body());
            }
        }
    }
}
