package io.strata.management;

import io.strata.commands.Strata;
import io.strata.config.TenantJobConfig;
import io.strata.figures.FiguresCache;
import io.strata.figures.Totals;
import io.strata.report.Report;
import io.strata.restore.TenantRestoreRequest;
import io.strata.text.Json;
import io.strata.verify.VerifyRequest;
import java.time.Instant;

/** {@code strata:type=Job,name=<job>} of a tenant job: attributes read from the manifest, restore and verify. */
final class ManagedTenantJob implements TenantJobMBean {

    private final TenantJobConfig job;
    private final FiguresCache figures;
    private final Strata strata;
    private final RouteCalls calls;

    ManagedTenantJob(TenantJobConfig job, FiguresCache figures, Strata strata, RouteCalls calls) {
        this.job = job;
        this.figures = figures;
        this.strata = strata;
        this.calls = calls;
    }

    private interface Op {
        String call() throws Exception;
    }

    private Totals totals() {
        try {
            return figures.get(ManagedJob.FRESH).archived();
        } catch (RuntimeException e) {
            // only JDK exception types: a remote JConsole has none of Strata's classes
            throw new IllegalStateException("job " + job.name() + ": cannot read the database: " + e.getMessage());
        }
    }

    @Override public String getName() { return job.name(); }
    @Override public String getKind() { return "tenant"; }
    @Override public String getTable() { return job.qualifiedTable(); }
    @Override public String getSchedule() { return job.schedule(); }
    @Override public boolean isEnabled() { return job.enabled(); }
    @Override public long getTenantsArchived() { return totals().tenants(); }
    @Override public long getTotalObjectsArchived() { return totals().objects(); }
    @Override public long getTotalRowsArchived() { return totals().rows(); }
    @Override public long getTotalGzipBytesArchived() { return totals().gzipBytes(); }
    @Override public long getTotalObjectsRestored() { return totals().restoredObjects(); }
    @Override public long getTotalRowsRestored() { return totals().restoredRows(); }

    @Override
    public String getLastArchived() {
        Instant t = totals().lastArchived();
        return t == null ? "" : t.toString();
    }

    @Override
    public String restore(String tenant, String intoSchema) {
        return guarded(() -> Json.pretty(strata.restoreTenant(new TenantRestoreRequest(job.name(), tenant,
                intoSchema == null || intoSchema.isBlank() ? null : intoSchema.strip(), null))));
    }

    @Override
    public String verify() {
        return guarded(() -> Json.pretty(strata.verify(new VerifyRequest(job.name(), null, null, false))));
    }

    @Override
    public String report() {
        return guarded(() -> {
            Report r = calls.report();
            return Json.pretty(new ManagedJob.JobReport(r.jobs().stream().filter(j -> j.job().equals(job.name()))
                    .findFirst().orElse(null), r.days().stream().filter(d -> d.job().equals(job.name())).toList(),
                    r.alerts().stream().filter(a -> a.job().equals(job.name())).toList()));
        });
    }

    /** Runs an operation; failures come back as a line of text (a remote JConsole cannot load Strata's exceptions). */
    private static String guarded(Op op) {
        try {
            return op.call();
        } catch (Exception e) {
            Throwable cause = e instanceof org.apache.camel.CamelExecutionException && e.getCause() != null ? e.getCause() : e;
            return "failed: " + cause.getMessage();
        }
    }
}
