package io.strata.report;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.Version;
import io.strata.text.Human;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.export.JobState;
import java.sql.Connection;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quartz.CronExpression;

/**
 * Builds the report from the manifest, the run log and PostgreSQL's statistics, and decides its alerts:
 * a job whose last run failed, one without a success for twice its schedule interval, one whose oldest
 * row is later than keep by more than a job on schedule can be.
 */
public final class ReportBuilder {

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

    private final Database database;
    private final StrataConfig config;
    private final Map<String, JobState> jobs;
    private final ReportStore store;
    private final History history;
    private final TableStats tables;

    public ReportBuilder(Database database, StrataConfig config, Map<String, JobState> jobs, ReportStore store) {
        this.database = database;
        this.config = config;
        this.jobs = jobs;
        this.store = store;
        this.history = new History(config.schema());
        this.tables = new TableStats(config.schema());
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
            Map<String, Report.Totals> totals = history.totals(c, null);
            Map<String, Report.LastRun> lastRuns = history.lastRuns(c, null);
            Map<String, History.Runs> runs = history.runs(c);
            Map<String, Report.Job> out = new LinkedHashMap<>();
            for (JobConfig job : config.jobs()) {
                JobState state = jobs.get(job.name());
                Duration allowance = job.batch().plus(interval(job.schedule()));
                Report.Due due = state == null ? null : tables.due(c, job, state.table(), now, allowance);
                Report.Space space = tables.space(c, job.qualifiedTable(), previous.tableBytes().get(job.name()));
                out.put(job.name(), job(job.name(), job.qualifiedTable(), job.enabled(), job.keepText(),
                        job.batch().toString(), job.schedule(), totals, due, space, lastRuns, runs));
            }
            for (String name : totals.keySet()) {  // jobs no longer configured still have history
                out.computeIfAbsent(name, n -> job(n, null, false, null, null, null, totals, null, null, lastRuns, runs));
            }
            c.rollback();
            List<Report.Job> list = List.copyOf(out.values());
            return new Report(date, now, Version.VERSION, config.zone().getId(), from, previous.key(), previous.at(),
                    config.report().pricePerGbMonth(), list, days(list, days, from, date), alerts(list, runs, now));
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "report: " + e.getMessage(), e);
        }
    }

    private Report.Job job(String name, String table, boolean enabled, String keep, String batch, String schedule,
            Map<String, Report.Totals> totals, Report.Due due, Report.Space space, Map<String, Report.LastRun> lastRuns,
            Map<String, History.Runs> runs) {
        Report.Totals t = totals.getOrDefault(name, new Report.Totals(0, 0, 0, 0, 0, 0, 0));
        double cost = t.gzipBytes() / (double) (1L << 30) * config.report().pricePerGbMonth();
        Report.Storage storage = new Report.Storage(t.objects(), t.gzipBytes(), Math.round(cost * 1e6) / 1e6);
        History.Runs r = runs.get(name);
        return new Report.Job(name, table, enabled, keep, batch, schedule, t, due, space, storage, lastRuns.get(name),
                r == null ? null : r.lastSuccess());
    }

    /** Every job on every day of the period, zeros included, so that series and charts have no gaps. */
    private static List<Report.Day> days(List<Report.Job> jobs, Map<String, Map<LocalDate, long[]>> found,
            LocalDate from, LocalDate to) {
        List<Report.Day> out = new ArrayList<>();
        for (Report.Job job : jobs) {
            Map<LocalDate, long[]> byDay = found.getOrDefault(job.job(), Map.of());
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                long[] f = byDay.getOrDefault(d, new long[9]);
                out.add(new Report.Day(job.job(), d, f[0], f[1], f[2], f[3], History.ratio(f[2], f[3]), f[4], f[5], f[6],
                        f[7], f[8]));
            }
        }
        return out;
    }

    /**
     * FAILED: the last run failed or partly failed. STALE: no success for twice the schedule interval, counted
     * from the last success or, for a job that never succeeded, from its first run. LAG: the oldest row is
     * later than keep by more than one batch and one schedule interval, which a job on schedule never is.
     */
    static List<Report.Alert> alerts(List<Report.Job> jobs, Map<String, History.Runs> runs, Instant now) {
        List<Report.Alert> out = new ArrayList<>();
        for (Report.Job j : jobs) {
            if (!j.enabled()) {
                continue;
            }
            Report.LastRun last = j.lastRun();
            if (last != null && last.failed()) {
                out.add(new Report.Alert(j.job(), "FAILED", "run " + last.id() + " (" + last.trigger() + ", started "
                        + at(last.start()) + ") " + last.status() + ": " + last.failedBatches() + " of "
                        + last.partitions() + " batch(es) failed" + (last.error() == null ? ""
                        : ": " + last.error().lines().findFirst().orElse(""))));
            }
            Duration every = interval(j.schedule());
            History.Runs r = runs.get(j.job());
            Instant since = r == null ? null : r.lastSuccess() != null ? r.lastSuccess() : r.first();
            if (since != null && since.isBefore(now.minus(every.multipliedBy(2)))) {
                out.add(new Report.Alert(j.job(), "STALE", (r.lastSuccess() == null ? "no run has succeeded since the first"
                        + " one on " + at(r.first()) : "no run has succeeded since " + at(r.lastSuccess())) + "; it runs every "
                        + Human.span(every.toSeconds()) + " (\"" + j.schedule() + "\")"));
            }
            Report.Due due = j.due();
            if (due != null && due.lagSeconds() > due.allowanceSeconds()) {
                out.add(new Report.Alert(j.job(), "LAG", "the oldest row (" + at(due.oldestRow()) + ") is "
                        + Human.span(due.lagSeconds()) + " past keep " + j.keep() + "; a job on schedule is at"
                        + " most " + Human.span(due.allowanceSeconds()) + " past (one batch and one schedule"
                        + " interval); " + Human.count(due.rows()) + " rows are due"));
            }
        }
        return out;
    }

    /** An instant as people write it: {@code 2026-05-01 03:00Z}. */
    static String at(Instant t) {
        return t == null ? "never" : MINUTE.format(t);
    }

    /** The time between two firings of a quartz cron expression (the next two from now). */
    static Duration interval(String cron) {
        try {
            CronExpression e = new CronExpression(cron);
            Date first = e.getNextValidTimeAfter(new Date());
            Date second = first == null ? null : e.getNextValidTimeAfter(first);
            return second == null ? Duration.ofDays(1) : Duration.ofMillis(second.getTime() - first.getTime());
        } catch (ParseException e) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, "schedule \"" + cron + "\": " + e.getMessage(), e);
        }
    }
}
