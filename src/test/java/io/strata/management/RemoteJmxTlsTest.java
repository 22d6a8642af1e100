package io.strata.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.EmbeddedS3;
import io.strata.testing.TestEnv;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code rmiTls}, JConsole's registry and connector speak TLS with the service JVM's key store. */
class RemoteJmxTlsTest {

    static final String SCHEMA = "strata_t_ops_jmx_tls";
    static final String STORE_PASSWORD = "store-pw-1";

    @TempDir
    Path dir;

    @Test
    void remoteJmxOverTlsAnswersAClientThatTrustsTheServiceAndNoOther() throws Exception {
        Path keys = dir.resolve("service.p12");
        Path trust = dir.resolve("trust.p12");
        Path cert = dir.resolve("service.crt");
        keytool("-genkeypair", "-alias", "strata", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keys.toString(),
                "-storepass", STORE_PASSWORD);
        keytool("-exportcert", "-alias", "strata", "-keystore", keys.toString(), "-storepass", STORE_PASSWORD,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "strata", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trust.toString(), "-storepass", STORE_PASSWORD);

        TestEnv.resetSchema(SCHEMA);
        TestEnv.sql("CREATE SCHEMA " + SCHEMA);
        try (EmbeddedS3 s3 = TestEnv.s3(dir.resolve("s3"));
                ServiceProcess service = new ServiceProcess(dir, s3.endpoint(), SCHEMA, "    []\n", ", rmiTls: true",
                        Map.of("JAVA_TOOL_OPTIONS", "-Djavax.net.ssl.keyStore=" + keys + " -Djavax.net.ssl.keyStorePassword="
                                + STORE_PASSWORD + " -Djavax.net.ssl.keyStoreType=PKCS12"), null)) {
            String trusted = client(service.rmiPort, "-Djavax.net.ssl.trustStore=" + trust,
                    "-Djavax.net.ssl.trustStorePassword=" + STORE_PASSWORD, "-Djavax.net.ssl.trustStoreType=PKCS12");
            assertTrue(trusted.lines().anyMatch(l -> l.startsWith("version ")), trusted + "\n" + service.log());
            String untrusted = client(service.rmiPort);
            assertTrue(untrusted.lines().anyMatch(l -> l.startsWith("refused: ")) && untrusted.contains("SSL"), untrusted);
        }
    }

    private void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "keytool " + String.join(" ", args) + ":\n" + out);
    }

    /** Runs {@link JmxTlsClient} in a JVM of its own with these options; its output. */
    private String client(int port, String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmArgs));
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, List.of(cp.split(File.pathSeparator)).stream()
                .filter(s -> !s.isBlank()).toList()), JmxTlsClient.class.getName(), String.valueOf(port),
                ServiceProcess.JMX_USER, ServiceProcess.JMX_PASSWORD));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }
}
