package io.strata.management;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.commands.Strata;
import io.strata.db.Database;
import io.strata.storage.S3Storage;
import org.apache.camel.CamelContext;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.config.TenantJobConfig;
import io.strata.export.JobState;
import io.strata.figures.Figures;
import io.strata.figures.FiguresCache;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ssl.SSLServerSocketFactory;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' console of the service: Strata's MBeans beside Camel's, the health checks, Jolokia, the
 * health endpoint and the metrics for Prometheus over HTTP (Camel's embedded management server), and remote
 * JMX over RMI.
 */
public final class Management implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Management.class);

    private static final String CONSOLE_FACTORY = "strataConsoleServerFactory";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final List<ObjectName> registered = new ArrayList<>();
    private JMXConnectorServer rmi;
    private Registry registry;

    private Management() {}

    /**
     * Before Camel starts: turns on its management HTTP server with Jolokia ({@code /observe/jolokia}, restricted
     * by jolokia-access.xml), health ({@code /observe/health}) and the metrics for Prometheus ({@code /observe/metrics}:
     * Camel's route metrics and {@code metrics}' own, read-only, guarded by {@link MetricsGuard}), unless the port is 0
     * or already taken. With {@code strata.management.user} and {@code password}, Jolokia and the metrics ask for them
     * (HTTP basic authentication); health stays open for probes. Returns what to close once Camel has started: Vert.x
     * reads the credentials file when the server starts, and it is not needed after that.
     */
    public static AutoCloseable http(Main main, StrataConfig.ManagementConfig m, StrataMetrics metrics) {
        if (m.jolokiaPort() == 0) {
            return () -> { };
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(m.jolokiaHost(), m.jolokiaPort()));
        } catch (IOException e) {
            LOG.warn("strata.management.jolokiaPort {} on {} cannot be used ({}); Jolokia, /observe/health and"
                    + " /observe/metrics are off in this process", m.jolokiaPort(), m.jolokiaHost(), e.getMessage());
            return () -> { };
        }
        main.addInitialProperty("camel.management.enabled", "true");
        main.addInitialProperty("camel.management.host", m.jolokiaHost());
        main.addInitialProperty("camel.management.port", String.valueOf(m.jolokiaPort()));
        main.addInitialProperty("camel.management.jolokiaEnabled", "true");
        main.addInitialProperty("camel.management.healthCheckEnabled", "true");
        // Metrics for Prometheus: camel-micrometer-prometheus serves the registry Strata's metrics are on (it takes
        // the one bound under this name), GET only; the guard goes in front of it as the server is made.
        main.addInitialProperty("camel.management.metricsEnabled", "true");
        main.addInitialProperty("camel.metrics.enabled", "true");
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, metrics.registry());
        main.bind(CONSOLE_FACTORY, new ConsoleServerFactory(
                new MetricsGuard(m.authenticated() ? m.user() : null, m.authenticated() ? m.password() : null)));
        // Nothing else of the management server: its send, upload, download, info and developer consoles stay off.
        for (String off : List.of("sendEnabled", "uploadEnabled", "downloadEnabled", "infoEnabled", "devConsoleEnabled")) {
            main.addInitialProperty("camel.management." + off, "false");
        }
        // Health is Strata's database and S3 (and Camel's context): a route an operator stopped or suspended
        // on purpose, or a paused job, is not a reason for a probe to restart the service.
        main.addInitialProperty("camel.health.routesEnabled", "false");
        main.addInitialProperty("camel.health.consumersEnabled", "false");
        Path users = null;
        if (m.authenticated()) {
            users = BasicAuthUsers.write(m.user(), m.password());
            main.addInitialProperty("camel.management.authenticationEnabled", "true");
            main.addInitialProperty("camel.management.authenticationPath", "/observe/jolokia/*");
            main.addInitialProperty("camel.management.authenticationRealm", "strata");
            main.addInitialProperty("camel.management.basicPropertiesFile", users.toString());
        }
        LOG.info("Jolokia at http://{}:{}/observe/jolokia{}, health at /observe/health, metrics at /observe/metrics,"
                + " archived rows at /strata/jobs/{job}/rows/{key}",
                m.jolokiaHost(), m.jolokiaPort(), m.authenticated() ? " (user " + m.user() + ")" : "");
        Path written = users;
        return () -> BasicAuthUsers.delete(written);
    }

    /**
     * After Camel started: registers the MBeans, the metrics' gauges (the MBeans and the gauges read the same
     * figures) and health checks, and opens the RMI port if configured.
     */
    public static Management start(Strata strata, Database database, S3Storage storage, CamelContext camel,
            StrataMetrics metrics) {
        Management m = new Management();
        StrataConfig config = strata.config();
        try {
            // Remote JMX first: once Strata's MBeans answer (over Jolokia too), every surface of the console is up.
            StrataConfig.ManagementConfig cfg = config.management();
            if (cfg.rmiPort() > 0) {
                try {
                    m.rmi(cfg);
                } catch (IOException e) {
                    throw new StrataException(ErrorCode.CONFIG_INVALID, config.source() + ": strata.management.rmiPort "
                            + cfg.rmiPort() + " on " + cfg.jolokiaHost() + " cannot be used: "
                            + e.getMessage().split(";")[0], e);
                }
            }
            // The archived rows over HTTP, before the MBeans: once they answer, every surface of the console is up.
            ConsoleServerFactory console = camel.getRegistry().lookupByNameAndType(CONSOLE_FACTORY, ConsoleServerFactory.class);
            if (console != null && console.router() != null) {
                new RowsEndpoint(strata).install(console.router());
            }
            RouteCalls calls = new RouteCalls(strata);
            List<ManagedJob> jobs = new ArrayList<>();
            Figures figures = new Figures(database, config, strata.jobs().asMap());
            for (JobConfig job : config.jobs()) {
                JobState state = strata.jobs().has(job.name()) ? strata.jobs().get(job.name()) : null;
                FiguresCache cache = new FiguresCache(figures, job.name(), state);
                if (state != null && metrics != null) {
                    metrics.gauges(job.name(), job.schedule(), cache);
                }
                ManagedJob mj = new ManagedJob(job, state, cache, strata, calls);
                jobs.add(mj);
                m.register(new ObjectName("strata:type=Job,name=" + job.name()), new DescribedMBean(mj, JobMBean.class));
            }
            for (TenantJobConfig job : config.tenantJobs()) {
                ManagedTenantJob mj = new ManagedTenantJob(job, new FiguresCache(figures, job.name(), null), strata, calls);
                m.register(new ObjectName("strata:type=Job,name=" + job.name()), new DescribedMBean(mj, TenantJobMBean.class));
            }
            m.register(new ObjectName("strata:type=Service"),
                    new DescribedMBean(new ManagedStrata(config, storage, jobs, calls), StrataMBean.class));
            HealthCheckRegistry health = HealthCheckRegistry.get(camel);
            if (health != null) {
                health.register(StrataHealthCheck.database(database));
                health.register(StrataHealthCheck.storage(storage));
            }
            return m;
        } catch (StrataException e) {
            m.close();
            throw e;
        } catch (Exception e) {
            m.close();
            throw new IllegalStateException("cannot start JMX: " + e.getMessage(), e);
        }
    }

    private void register(ObjectName name, Object mbean) throws Exception {
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(mbean, name);
        registered.add(name);
    }

    /**
     * Remote JMX for JConsole: an RMI registry and connector on one port, listening on {@code jolokiaHost} only.
     * The JDK's connector asks for a user and password from {@code rmiPasswordFile} and allows what
     * {@code rmiAccessFile} grants ({@code jmx.remote.x.password.file}, {@code jmx.remote.x.access.file}); with
     * {@code rmiTls}, the registry and the connector speak TLS with the JVM's {@code javax.net.ssl.*} key store.
     */
    private void rmi(StrataConfig.ManagementConfig cfg) throws IOException {
        String host = cfg.jolokiaHost();
        InetAddress address = InetAddress.getByName(host);
        if (System.getProperty("java.rmi.server.hostname") == null && !address.isAnyLocalAddress()) {
            System.setProperty("java.rmi.server.hostname", host);  // the address the stubs tell clients to call back
        }
        RMIServerSocketFactory sockets = new BoundSockets(address, cfg.rmiTls());
        RMIClientSocketFactory clients = cfg.rmiTls() ? new SslRMIClientSocketFactory() : null;
        registry = LocateRegistry.createRegistry(cfg.rmiPort(), clients, sockets);
        Map<String, Object> env = new HashMap<>();
        env.put("jmx.remote.x.password.file", cfg.rmiPasswordFile().toString());
        env.put("jmx.remote.x.access.file", cfg.rmiAccessFile().toString());
        // As the JDK's own agent does: the connector on the registry's port, bound in the registry object itself
        // (a bind over the network would have to trust the service's own certificate)
        RMIJRMPServerImpl connector = new RMIJRMPServerImpl(cfg.rmiPort(), clients, sockets, env);
        rmi = new RMIConnectorServer(new JMXServiceURL("rmi", host, cfg.rmiPort()), env, connector, server);
        rmi.start();
        try {
            registry.bind("jmxrmi", connector.toStub());
        } catch (java.rmi.AlreadyBoundException e) {
            throw new IOException(e);
        }
        LOG.info("remote JMX at service:jmx:rmi:///jndi/rmi://{}:{}/jmxrmi{}", host, cfg.rmiPort(),
                cfg.rmiTls() ? " over TLS" : "");
    }

    /** Server sockets on one address; equal instances let the registry and the connector share one port. */
    private record BoundSockets(InetAddress address, boolean tls) implements RMIServerSocketFactory {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            if (tls) {
                // the JVM's default SSL context: javax.net.ssl.keyStore and keyStorePassword
                return SSLServerSocketFactory.getDefault().createServerSocket(port, 50, address);
            }
            return new ServerSocket(port, 50, address);
        }
    }

    @Override
    public void close() {
        for (ObjectName name : registered) {
            try {
                server.unregisterMBean(name);
            } catch (Exception e) {
                LOG.debug("unregistering {}: {}", name, e.getMessage());
            }
        }
        registered.clear();
        try {
            if (rmi != null) {
                rmi.stop();
            }
            if (registry != null) {
                UnicastRemoteObject.unexportObject(registry, true);
            }
        } catch (Exception e) {
            LOG.warn("stopping JMX: {}", e.getMessage());
        }
    }
}
