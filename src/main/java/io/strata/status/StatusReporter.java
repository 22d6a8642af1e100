package io.strata.status;

import io.strata.config.JobConfig;
import io.strata.config.TenantJobConfig;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.db.Sql;
import io.strata.export.JobState;
import io.strata.figures.Figures;
import io.strata.figures.JobFigures;
import java.text.ParseException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.quartz.CronExpression;

/**
 * {@code status}: every job's state, derived from the tables (never kept twice) through {@link Figures}: what is
 * due now, from the job's table; what is archived and restored, from the manifest; how runs went, from the run
 * log. Reads only.
 */
public final class StatusReporter {

    private final StrataConfig config;
    private final Figures figures;

    /** @param jobs the enabled jobs, with their inspected tables */
    public StatusReporter(Database database, StrataConfig config, Map<String, JobState> jobs) {
        this.config = config;
        this.figures = new Figures(database, config, jobs);
    }

    public StatusReport report() {
        ZonedDateTime now = ZonedDateTime.now(config.zone());
        List<JobStatus> out = new ArrayList<>();
        for (JobFigures f : figures.all(now.toInstant())) {
            TenantJobConfig tenantJob = config.tenantJob(f.job()).orElse(null);
            if (tenantJob != null || config.job(f.job()).isEmpty() && f.archived().tenants() > 0) {
                boolean enabled = tenantJob != null && tenantJob.enabled();
                out.add(new JobStatus(f.job(), tenantJob == null ? null : tenantJob.qualifiedTable(), enabled, null,
                        null, f.archived(), f.lastRun(), f.lastSuccess(), f.failures24h(),
                        enabled && tenantJob.schedule() != null ? nextRun(tenantJob.schedule(), now) : null, null, "tenant"));
                continue;
            }
            JobConfig cfg = config.job(f.job()).orElse(null);
            boolean enabled = cfg != null && cfg.enabled();
            out.add(new JobStatus(f.job(), cfg == null ? null : cfg.qualifiedTable(), enabled,
                    cfg == null ? null : cfg.keepText(), f.due(), f.archived(), f.lastRun(), f.lastSuccess(), f.failures24h(),
                    enabled ? nextRun(cfg.schedule(), now) : null, f.offloaded(), "rows"));
        }
        return new StatusReport(now.toOffsetDateTime(), config.database().shownUrl(), Sql.ident(config.schema()), out);
    }

    /** When quartz fires the job next; like the schedule route, in this JVM's default time zone. */
    private static OffsetDateTime nextRun(String schedule, ZonedDateTime now) {
        try {
            Date next = new CronExpression(schedule).getNextValidTimeAfter(Date.from(now.toInstant()));
            return next == null ? null : next.toInstant().atZone(ZoneId.systemDefault()).toOffsetDateTime();
        } catch (ParseException e) {
            return null;
        }
    }
}
