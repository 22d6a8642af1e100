package io.strata.management;

import io.strata.text.Json;
import io.strata.commands.Strata;
import io.strata.export.RunSummary;
import io.strata.report.Report;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.text.Times;
import io.strata.manifest.TenantFilter;
import io.strata.restore.RestoreRequest;
import io.strata.restore.TenantRestoreRequest;
import io.strata.verify.VerifyRequest;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;

/** JMX operations as commands: their text arguments read into requests, sent through the facade. */
final class RouteCalls {

    private final Strata strata;

    RouteCalls(Strata strata) {
        this.strata = strata;
    }

    /** Starts a run of the job; the future completes with its summary. */
    CompletableFuture<RunSummary> archive(String job) {
        return strata.archiveAsync(job, "jmx");
    }

    Report report() {
        return strata.report(null);
    }

    /** Restores the job's objects overlapping [from, to) through the restore route; the result as JSON. */
    String restore(String job, ZoneId zone, String from, String to, String tenant) {
        OffsetDateTime start = required("from", Times.parse("from", from, zone));
        OffsetDateTime end = required("to", Times.parse("to", to, zone));
        TenantFilter t = tenant == null || tenant.isBlank() ? TenantFilter.ALL : TenantFilter.of(tenant.trim());
        return Json.pretty(strata.restore(new RestoreRequest(job, start, end, t, null, null)));
    }

    /** The same for a job whose windows are bundles ({@code tables:}): each bundle into its tables' databases. */
    String restoreWindows(String job, ZoneId zone, String from, String to, String tenant) {
        OffsetDateTime start = required("from", Times.parse("from", from, zone));
        OffsetDateTime end = required("to", Times.parse("to", to, zone));
        TenantFilter t = tenant == null || tenant.isBlank() ? TenantFilter.ALL : TenantFilter.of(tenant.trim());
        return Json.pretty(strata.restoreTenant(TenantRestoreRequest.windows(job, start, end, t, null, null)));
    }

    /** Verifies the job's objects (all, or those overlapping [from, to)) through the verify route; the report as JSON. */
    String verify(String job, ZoneId zone, String from, String to) {
        return Json.pretty(strata.verify(new VerifyRequest(job, Times.parse("from", from, zone),
                Times.parse("to", to, zone), false)));
    }

    private static OffsetDateTime required(String name, OffsetDateTime value) {
        if (value == null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, name + " is required (e.g. 2026-11-01)");
        }
        return value;
    }
}
