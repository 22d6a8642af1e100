package io.strata.management;

import io.strata.Version;
import io.strata.text.Human;
import io.strata.config.StrataConfig;
import io.strata.report.Report;
import io.strata.report.ReportStore;
import io.strata.storage.S3Storage;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;

/** {@code strata:type=Service}: the process as a whole. */
final class ManagedStrata implements StrataMBean {

    private final StrataConfig config;
    private final S3Storage storage;
    private final List<ManagedJob> jobs;
    private final RouteCalls calls;

    ManagedStrata(StrataConfig config, S3Storage storage, List<ManagedJob> jobs, RouteCalls calls) {
        this.config = config;
        this.storage = storage;
        this.jobs = jobs;
        this.calls = calls;
    }

    @Override
    public String getVersion() {
        return Version.VERSION;
    }

    @Override
    public String getStartedAt() {
        return Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()).toString();
    }

    @Override
    public String getUptime() {
        return Human.duration(ManagementFactory.getRuntimeMXBean().getUptime());
    }

    @Override
    public long getUptimeSeconds() {
        return ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
    }

    @Override
    public String getConfigFile() {
        return config.source().toAbsolutePath().normalize().toString();
    }

    @Override
    public String getSchema() {
        return config.schema();
    }

    @Override
    public String getStorage() {
        return storage.endpoint() + " bucket " + storage.bucket();
    }

    @Override
    public String[] getJobs() {
        return jobs.stream().map(ManagedStrata::line).toArray(String[]::new);
    }

    private static String line(ManagedJob j) {
        if (!j.isEnabled()) {
            return j.getName() + ": disabled";
        }
        try {
            return j.getName() + ": " + j.getState() + (j.isPaused() ? ", paused" : "") + ", last run "
                    + (j.getLastRunResult().isEmpty() ? "none" : j.getLastRunResult() + " " + j.getLastRunStart())
                    + ", " + Human.count(j.getRowsDue()) + " rows due, oldest due age "
                    + (j.getOldestDueRow().isEmpty() ? "none" : Human.span(j.getOldestDueAgeSeconds()))
                    + ", lag past keep " + j.getLagPastKeep();
        } catch (IllegalStateException e) {
            return j.getName() + ": " + e.getMessage();
        }
    }

    @Override
    public String report() {
        try {
            Report r = calls.report();
            StringBuilder out = new StringBuilder(ReportStore.name(r.date()) + ".json, .csv and .html written to "
                    + config.report().out().toAbsolutePath().normalize() + " and s3://" + storage.bucket() + "/"
                    + (config.s3().prefix().isEmpty() ? "" : config.s3().prefix() + "/") + "reports/; ");
            out.append(r.alerts().isEmpty() ? "no alerts" : r.alerts().size() + " alert(s):");
            for (Report.Alert a : r.alerts()) {
                out.append("\n").append(a.kind()).append(" ").append(a.job()).append(": ").append(a.message());
            }
            return out.toString();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null && e instanceof org.apache.camel.CamelExecutionException ? e.getCause() : e;
            return "failed: " + cause.getMessage();
        }
    }
}
