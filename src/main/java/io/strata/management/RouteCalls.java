package io.strata.management;

import io.strata.StrataRuntime;
import io.strata.cli.Cli;
import io.strata.report.Report;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.cli.TimeArgs;
import io.strata.manifest.TenantFilter;
import io.strata.restore.RestoreRequest;
import io.strata.verify.VerifyRequest;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

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

    /** Restores the job's objects overlapping [from, to) through the restore route; the result as JSON. */
    String restore(String job, ZoneId zone, String from, String to, String tenant) {
        OffsetDateTime start = required("from", TimeArgs.parse("from", from, zone));
        OffsetDateTime end = required("to", TimeArgs.parse("to", to, zone));
        TenantFilter t = tenant == null || tenant.isBlank() ? TenantFilter.ALL : TenantFilter.of(tenant.trim());
        return Cli.toJson(runtime.restore(new RestoreRequest(job, start, end, t, null, null)));
    }

    /** Verifies the job's objects (all, or those overlapping [from, to)) through the verify route; the report as JSON. */
    String verify(String job, ZoneId zone, String from, String to) {
        return Cli.toJson(runtime.verify(new VerifyRequest(job, TimeArgs.parse("from", from, zone),
                TimeArgs.parse("to", to, zone), false)));
    }

    private static OffsetDateTime required(String name, OffsetDateTime value) {
        if (value == null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, name + " is required (e.g. 2026-11-01)");
        }
        return value;
    }

    @Override
    public void close() throws Exception {
        template.stop();
    }
}
