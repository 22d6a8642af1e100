package io.strata.management;

import java.util.Map;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.rmi.ssl.SslRMIClientSocketFactory;

/**
 * JConsole's way to a TLS registry and connector, as a program of its own: the JVM's default SSL context (and so
 * {@code javax.net.ssl.trustStore}) is fixed once per process. Prints the service's version, or exits 1.
 */
public final class JmxTlsClient {

    public static void main(String[] args) throws Exception {
        Map<String, Object> env = Map.of(JMXConnector.CREDENTIALS, new String[] {args[1], args[2]},
                "com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory());
        try (JMXConnector c = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + args[0] + "/jmxrmi"), env)) {
            System.out.println("version " + c.getMBeanServerConnection().getAttribute(new ObjectName("strata:type=Service"), "Version"));
        } catch (Exception e) {
            System.out.println("refused: " + e);
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }
}
