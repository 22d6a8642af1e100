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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Strata's service ({@code run}) as a child process, with its Jolokia and RMI ports, and clients for both. Remote
 * JMX asks for {@link #JMX_USER} (read and write) or {@link #JMX_WATCHER} (read only), both with {@link #JMX_PASSWORD}.
 */
final class ServiceProcess implements AutoCloseable {

    static final String JMX_USER = "operator";
    static final String JMX_WATCHER = "watcher";
    static final String JMX_PASSWORD = "jmx-secret-1";

    final int jolokiaPort = freePort();
    final int rmiPort = freePort();
    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String basicAuth;
    private JMXConnector jmx;

    ServiceProcess(Path dir, String endpoint, String schema, String jobsYaml) throws IOException {
        this(dir, endpoint, schema, jobsYaml, "", Map.of(), null);
    }

    /**
     * @param managementYaml more keys of {@code strata.management}, e.g. {@code ", jolokiaHost: 0.0.0.0"}
     * @param env            more environment variables of the child
     * @param basicAuth      {@code user:password} that {@link #jolokia} sends, or null
     */
    ServiceProcess(Path dir, String endpoint, String schema, String jobsYaml, String managementYaml, Map<String, String> env,
            String basicAuth) throws IOException {
        this.basicAuth = basicAuth;
        Path passwords = privateFile(dir.resolve("jmx.password"), JMX_USER + " " + JMX_PASSWORD + "\n"
                + JMX_WATCHER + " " + JMX_PASSWORD + "\n");
        Path access = privateFile(dir.resolve("jmx.access"), JMX_USER + " readwrite\n" + JMX_WATCHER + " readonly\n");
        String management = "  management: { jolokiaPort: " + jolokiaPort + ", rmiPort: " + rmiPort
                + ", rmiPasswordFile: " + passwords + ", rmiAccessFile: " + access + managementYaml + " }\n"
                + "  report: { out: " + dir.resolve("reports") + " }\n";
        Path config = TestEnv.config(dir, endpoint, schema, management, jobsYaml);
        log = dir.resolve("service.log");
        ProcessBuilder child = TestEnv.child(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), "--config", config.toString(), "run")
                .directory(dir.toFile())  // the classpath may end with an empty entry: the working directory, not the repo's
                .redirectErrorStream(true).redirectOutput(log.toFile());
        child.environment().putAll(env);
        process = child.start();
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

    /** A file only its owner may read, as the JDK wants a JMX password file. */
    static Path privateFile(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
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

    /** A Jolokia request, POSTed as JSON (with the credentials given, if any); the response as JSON. */
    JsonNode jolokia(String request) throws IOException {
        return new ObjectMapper().readTree(post("/observe/jolokia", request).body());
    }

    HttpResponse<String> get(String path) throws IOException {
        return send(request(path).GET());
    }

    HttpResponse<String> post(String path, String body) throws IOException {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"));
    }

    /** A request to the service's HTTP port, with the credentials given, if any. */
    HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jolokiaPort + path));
        if (basicAuth != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Connects to the RMI port as JConsole does; {@code credentials} null for none. */
    JMXConnector connect(String... credentials) throws IOException {
        Map<String, Object> env = new HashMap<>();
        if (credentials != null) {
            env.put(JMXConnector.CREDENTIALS, credentials);
        }
        return JMXConnectorFactory.connect(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + rmiPort + "/jmxrmi"), env);
    }

    /** A JMX proxy over RMI, as JConsole connects, as the read-write user. */
    <T> T mbean(String name, Class<T> type) throws Exception {
        if (jmx == null) {
            jmx = connect(JMX_USER, JMX_PASSWORD);
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
