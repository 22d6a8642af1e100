package io.strata.report;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.Version;
import io.strata.text.Human;
import io.strata.config.JobConfig;
import io.strata.config.TenantJobConfig;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.export.JobState;
import io.strata.figures.Due;
import io.strata.figures.Figures;
import io.strata.figures.JobFigures;
import io.strata.figures.LastRun;
import io.strata.figures.Schedule;
import io.strata.figures.Totals;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the report from the manifest, the run log and PostgreSQL's statistics, and decides its alerts:
 * a job whose last run failed, one without a success for twice its schedule interval, one whose oldest
 * due row is later than keep by more than a job on schedule can be. A job's figures come from
 * {@link Figures}, as status's, JMX's and the metrics' do.
 */
public final class ReportBuilder {

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

    private final Database database;
    private final StrataConfig config;
    private final ReportStore store;
    private final History history;
    private final TableStats tables;
    private final Figures figures;

    public ReportBuilder(Database database, StrataConfig config, Map<String, JobState> jobs, ReportStore store) {
        this.database = database;
        this.config = config;
        this.store = store;
        this.history = new History(config.schema());
        this.tables = new TableStats();
        this.figures = new Figures(database, config, jobs);
    }

    public Report build() {
        return buildAt(Instant.now());
    }

    public Report buildAt(Instant now) {
        LocalDate date = LocalDate.ofInstant(now, config.zone());
        LocalDate from = date.minusDays(Report.DAYS - 1);
        ReportStore.Previous previous = store.previous(date);
        try (Connection c = database.connection()) {
            Map<String, Map<LocalDate, long[]>> days = history.days(c, from, config.zone());
            List<Report.Job> list = new ArrayList<>();
            for (JobFigures f : figures.all(c, now)) {  // configured jobs, then jobs no longer configured that have history
                TenantJobConfig tenantJob = config.tenantJob(f.job()).orElse(null);
                if (tenantJob != null || config.job(f.job()).isEmpty() && f.archived().tenants() > 0) {
                    Report.Space space = tenantJob == null ? null
                            : tables.space(c, tenantJob.qualifiedTable(), previous.tableBytes().get(tenantJob.name()));
                    list.add(tenantJob(f, tenantJob, space));
                    continue;
                }
                JobConfig job = config.job(f.job()).orElse(null);
                Report.Space space = job == null ? null
                        : tables.space(c, job.qualifiedTable(), previous.tableBytes().get(job.name()));
                list.add(job(f, job, space));
            }
            c.rollback();
            return new Report(date, now, Version.VERSION, config.zone().getId(), from, previous.key(), previous.at(),
                    config.report().pricePerGbMonth(), list, days(list, days, from, date), alerts(list, now));
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "report: " + e.getMessage(), e);
        }
    }

    private Report.Job job(JobFigures f, JobConfig job, Report.Space space) {
        Totals t = f.archived();
        double cost = t.gzipBytes() / (double) (1L << 30) * config.report().pricePerGbMonth();
        Report.Storage storage = new Report.Storage(t.objects(), t.gzipBytes(), Math.round(cost * 1e6) / 1e6);
        return new Report.Job(f.job(), job == null ? null : job.qualifiedTable(), job != null && job.enabled(),
                job == null ? null : job.keepText(), job == null ? null : job.batch().toString(),
                job == null ? null : job.schedule(), t, f.due(), space, storage, f.lastRun(), f.lastSuccess(), f.firstRun(),
                f.offloaded(), job != null && job.bundles() ? "bundle" : "rows");
    }

    /** A tenant job (README, "Whole tenants"): its root table, its bundles' totals; nothing is due by age. */
    private Report.Job tenantJob(JobFigures f, TenantJobConfig job, Report.Space space) {
        Totals t = f.archived();
        double cost = t.gzipBytes() / (double) (1L << 30) * config.report().pricePerGbMonth();
        Report.Storage storage = new Report.Storage(t.objects(), t.gzipBytes(), Math.round(cost * 1e6) / 1e6);
        return new Report.Job(f.job(), job == null ? null : job.qualifiedTable(), job != null && job.enabled(), null, null,
                job == null ? null : job.schedule(), t, null, space, storage, f.lastRun(), f.lastSuccess(), f.firstRun(),
                null, "tenant");
    }

    /** Every job on every day of the period, zeros included, so that series and charts have no gaps. */
    private static List<Report.Day> days(List<Report.Job> jobs, Map<String, Map<LocalDate, long[]>> found,
            LocalDate from, LocalDate to) {
        List<Report.Day> out = new ArrayList<>();
        for (Report.Job job : jobs) {
            Map<LocalDate, long[]> byDay = found.getOrDefault(job.job(), Map.of());
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                long[] f = byDay.getOrDefault(d, new long[9]);
                out.add(new Report.Day(job.job(), d, f[0], f[1], f[2], f[3], Totals.ratio(f[2], f[3]), f[4], f[5], f[6],
                        f[7], f[8]));
            }
        }
        return out;
    }

    /**
     * FAILED: the last run failed or partly failed. STALE: no success for twice the schedule interval, counted
     * from the last success or, for a job that never succeeded, from its first run. LAG: the oldest due row is
     * later than keep by more than one batch and one schedule interval, which a job on schedule never is.
     * docs/prometheus-alerts.yml raises the same alerts from the metrics.
     */
    static List<Report.Alert> alerts(List<Report.Job> jobs, Instant now) {
        List<Report.Alert> out = new ArrayList<>();
        for (Report.Job j : jobs) {
            if (!j.enabled()) {
                continue;
            }
            LastRun last = j.lastRun();
            if (last != null && last.failed()) {
                out.add(new Report.Alert(j.job(), "FAILED", "run " + last.id() + " (" + last.trigger() + ", started "
                        + at(last.start()) + ") " + last.status() + ": " + last.failedBatches() + " of "
                        + last.partitions() + " batch(es) failed" + (last.error() == null ? ""
                        : ": " + last.error().lines().findFirst().orElse(""))));
            }
            Duration every = Schedule.interval(j.schedule(), now);
            Instant since = j.lastSuccess() != null ? j.lastSuccess() : j.firstRun();
            if (since != null && since.isBefore(now.minus(every.multipliedBy(2)))) {
                out.add(new Report.Alert(j.job(), "STALE", (j.lastSuccess() == null ? "no run has succeeded since the first"
                        + " one on " + at(j.firstRun()) : "no run has succeeded since " + at(j.lastSuccess())) + "; it runs every "
                        + Human.span(every.toSeconds()) + " (\"" + j.schedule() + "\")"));
            }
            Due due = j.due();
            if (due != null && due.beyondAllowance()) {
                out.add(new Report.Alert(j.job(), "LAG", "the oldest due row (" + at(due.oldestDueRow()) + ", "
                        + Human.span(due.oldestDueAgeSeconds()) + " old) is " + Human.span(due.lagPastKeepSeconds())
                        + " past keep " + j.keep() + "; a job on schedule is at most " + Human.span(due.allowanceSeconds())
                        + " past (one batch and one schedule interval); " + Human.count(due.rows()) + " rows are due"));
            }
        }
        return out;
    }

    /** An instant as people write it: {@code 2026-05-01 03:00Z}. */
    static String at(Instant t) {
        return t == null ? "never" : MINUTE.format(t);
    }
}
