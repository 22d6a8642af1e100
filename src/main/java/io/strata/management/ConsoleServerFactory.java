package io.strata.management;

import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.AuthenticationHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.camel.component.platform.http.main.DefaultMainHttpServerFactory;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.apache.camel.main.HttpServerConfigurationProperties;
import org.apache.camel.main.MainHttpServerFactory;

/**
 * Camel's own factory of the management server, with {@link MetricsGuard} in front of {@code /observe/metrics}:
 * it goes in where Camel's authentication handlers go, on the server's router before any route is added, so the
 * metrics are never served unguarded. Camel Main finds this factory in its registry.
 */
final class ConsoleServerFactory implements MainHttpServerFactory {

    static final String METRICS_PATH = "/observe/metrics";

    private final DefaultMainHttpServerFactory camel = new DefaultMainHttpServerFactory();
    private final MetricsGuard guard;
    private volatile ManagementHttpServer server;

    ConsoleServerFactory(MetricsGuard guard) {
        this.guard = guard;
    }

    @Override
    public Service newHttpServer(CamelContext context, HttpServerConfigurationProperties configuration) {
        camel.setCamelContext(context);
        return camel.newHttpServer(context, configuration);
    }

    @Override
    public Service newHttpManagementServer(CamelContext context, HttpManagementServerConfigurationProperties configuration) {
        camel.setCamelContext(context);
        ManagementHttpServer server = (ManagementHttpServer) camel.newHttpManagementServer(context, configuration);
        AuthenticationConfig auth = server.getConfiguration().getAuthenticationConfig();
        // the metrics, and the archived rows (RowsEndpoint), behind the same guard
        for (String path : new String[] {METRICS_PATH, RowsEndpoint.GUARDED}) {
            AuthenticationConfig.AuthenticationConfigEntry entry = new AuthenticationConfig.AuthenticationConfigEntry();
            entry.setPath(path);
            entry.setAuthenticationProviderFactory(vertx -> null);  // the guard checks the console's user itself
            entry.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
                @Override
                public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T provider) {
                    return guard;
                }
            });
            auth.getEntries().add(entry);
        }
        auth.setEnabled(true);
        this.server = server;
        return server;
    }

    /** The management server's router, once Camel has started it; null when there is none. */
    Router router() {
        return server == null ? null : server.getRouter();
    }
}
