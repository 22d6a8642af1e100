package io.strata.management;

import io.strata.StrataRuntime;
import io.strata.cli.Cli;
import io.strata.report.Report;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;

/** How JMX operations reach the routes: the same direct: endpoints the schedules and commands use. */
final class RouteCalls implements AutoCloseable {

    private final StrataRuntime runtime;
    private final CamelContext camel;
    private final ProducerTemplate template;

    RouteCalls(StrataRuntime runtime) {
        this.runtime = runtime;
        this.camel = runtime.camel();
        this.template = camel.createProducerTemplate();
    }

    /** Starts a run of the job on Camel's async executor; the future completes with its RunSummary. */
    CompletableFuture<Object> archive(String job) {
        return template.asyncRequestBodyAndHeader("direct:archive-" + job, null, "strataTrigger", "jmx");
    }

    Report report() {
        return runtime.report(null);
    }

    /**
     * Sends to a route of another part of Strata (restore, verify) with the headers {@code job, from, to,
     * tenant}, and renders what it returns as JSON. Blank values are left out.
     */
    String call(String uri, String job, String from, String to, String tenant) {
        if (camel.getRoutes().stream().map(Route::getEndpoint).noneMatch(e -> e.getEndpointUri().equals(uri)
                || e.getEndpointUri().equals(uri.replace(":", "://")))) {
            return uri + " is not available in this build of Strata";
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("job", job);
        for (String[] h : new String[][] {{"from", from}, {"to", to}, {"tenant", tenant}}) {
            if (h[1] != null && !h[1].isBlank()) {
                headers.put(h[0], h[1].trim());
            }
        }
        return Cli.toJson(template.requestBodyAndHeaders(uri, null, headers));
    }

    @Override
    public void close() throws Exception {
        template.stop();
    }
}
