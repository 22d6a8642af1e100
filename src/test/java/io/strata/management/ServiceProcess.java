package io.strata.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.testing.TestEnv;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** Strata's service ({@code run}) as a child process, with its Jolokia and RMI ports, and clients for both. */
final class ServiceProcess implements AutoCloseable {

    final int jolokiaPort = freePort();
    final int rmiPort = freePort();
    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private JMXConnector jmx;

    ServiceProcess(Path dir, String endpoint, String schema, String jobsYaml) throws IOException {
        String management = "  management: { jolokiaPort: " + jolokiaPort + ", rmiPort: " + rmiPort + " }\n"
                + "  report: { out: " + dir.resolve("reports") + " }\n";
        Path config = TestEnv.config(dir, endpoint, schema, management, jobsYaml);
        log = dir.resolve("service.log");
        process = TestEnv.child(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), "--config", config.toString(), "run")
                .directory(dir.toFile())  // the classpath may end with an empty entry: the working directory, not the repo's
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // Strata's MBeans are registered once Camel has started: the service is up when they answer
        await("the service's MBeans to answer over Jolokia", Duration.ofSeconds(90), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                return jolokia("{\"type\":\"read\",\"mbean\":\"strata:type=Service\",\"attribute\":\"Version\"}")
                        .path("status").asInt() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** A Jolokia request, POSTed as JSON; the response as JSON (its {@code status} says whether it was allowed). */
    JsonNode jolokia(String request) throws IOException {
        return new ObjectMapper().readTree(post("/observe/jolokia", request).body());
    }

    HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jolokiaPort + path)).GET());
    }

    private HttpResponse<String> post(String path, String body) throws IOException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jolokiaPort + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A JMX proxy over RMI, as JConsole connects. */
    <T> T mbean(String name, Class<T> type) throws Exception {
        if (jmx == null) {
            jmx = JMXConnectorFactory.connect(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + rmiPort + "/jmxrmi"));
        }
        MBeanServerConnection connection = jmx.getMBeanServerConnection();
        return JMX.newMBeanProxy(connection, new ObjectName(name), type);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (jmx != null) {
            jmx.close();
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
