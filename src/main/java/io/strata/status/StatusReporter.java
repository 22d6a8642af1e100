package io.strata.status;

import io.strata.db.Sql;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.export.DuePartitions;
import io.strata.export.JobState;
import io.strata.export.Partition;
import io.strata.export.PartitionFinder;
import io.strata.export.References;

import io.strata.manifest.Manifests;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quartz.CronExpression;

/**
 * {@code status}: every job's state, derived from the tables (never kept twice): what is due now, from the
 * job's table; what is archived and restored, from the manifest; how runs went, from the run log. Reads only.
 */
public final class StatusReporter {

    private final Database database;
    private final StrataConfig config;
    private final DuePartitions due;
    private final Map<String, JobState> jobs;
    private final Manifests manifests;

    /** @param jobs the enabled jobs, with their inspected tables */
    public StatusReporter(Database database, StrataConfig config, DuePartitions due, Map<String, JobState> jobs) {
        this.database = database;
        this.config = config;
        this.due = due;
        this.jobs = jobs;
        this.manifests = new Manifests(config.schema());
    }

    public StatusReport report() {
        ZonedDateTime now = ZonedDateTime.now(config.zone());
        try (Connection c = database.connection()) {
            boolean installed = manifests.installed(c);
            String s = Sql.ident(config.schema());
            Map<String, Archived> archived = installed ? byJob(c, "SELECT job, count(*), sum(row_count),"
                    + " sum(gzip_bytes), count(*) FILTER (WHERE state = 'restored') FROM " + s + ".manifest GROUP BY job",
                    rs -> new Archived(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5))) : Map.of();
            Map<String, LastRun> lastRuns = installed ? byJob(c, "SELECT DISTINCT ON (job) job, started_at, status,"
                    + " (extract(epoch FROM ended_at - started_at) * 1000)::bigint FROM " + s + ".run"
                    + " ORDER BY job, started_at DESC", rs -> new LastRun(
                            rs.getObject(2, OffsetDateTime.class).atZoneSameInstant(now.getZone()).toOffsetDateTime(),
                            rs.getString(3), rs.getObject(4) == null ? null : rs.getLong(4))) : Map.of();
            Map<String, Long> failures = installed ? byJob(c, "SELECT job, sum(partitions_failed)"
                    + " + count(*) FILTER (WHERE status = 'failed' AND partitions_failed = 0) FROM " + s + ".run"
                    + " WHERE started_at > now() - interval '24 hours' GROUP BY job", rs -> rs.getLong(2)) : Map.of();
            Set<String> names = new LinkedHashSet<>(config.jobs().stream().map(JobConfig::name).toList());
            names.addAll(archived.keySet());
            List<JobStatus> out = new ArrayList<>();
            for (String name : names) {
                out.add(job(c, name, now, installed, archived.getOrDefault(name, new Archived(0, 0, 0, 0)),
                        lastRuns.get(name), failures.getOrDefault(name, 0L)));
            }
            c.rollback();
            return new StatusReport(now.toOffsetDateTime(), config.database().shownUrl(), s, out);
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "reading status: " + e.getMessage(), e);
        }
    }

    private record Archived(long objects, long rows, long gzipBytes, long restored) {}

    private record LastRun(OffsetDateTime at, String result, Long millis) {}

    private JobStatus job(Connection c, String name, ZonedDateTime now, boolean installed, Archived a, LastRun last,
            long failures) throws SQLException {
        JobConfig cfg = config.job(name).orElse(null);
        JobState state = jobs.get(name);
        Integer duePartitions = null;
        Long dueRows = null;
        OffsetDateTime oldest = null;
        References.Kept kept = null;
        // Export-only jobs look in the manifest for what they exported; without one, nothing is known yet.
        if (state != null && (installed || cfg.delete())) {
            List<Partition> due = this.due.counted(name);
            duePartitions = due.size();
            dueRows = due.stream().mapToLong(Partition::rows).sum();
            oldest = oldestDue(c, state, now);
            if (!state.table().references().keeping().isEmpty()) {
                kept = state.table().references().keptDue(c, cfg, state.table(), now);
            }
        }
        return new JobStatus(name, cfg == null ? null : cfg.qualifiedTable(), cfg != null && cfg.enabled(),
                cfg == null ? null : cfg.keepText(), duePartitions, dueRows, oldest,
                oldest == null ? null : Duration.between(oldest, now).toSeconds(),
                a.objects(), a.rows(), a.gzipBytes(), a.restored(),
                last == null ? null : last.at(), last == null ? null : last.result(), last == null ? null : last.millis(),
                failures, cfg == null || !cfg.enabled() ? null : nextRun(cfg, now), kept);
    }

    /** The oldest due row's timestamp: the first of the rows before the job's cutoff. */
    private static OffsetDateTime oldestDue(Connection c, JobState state, ZonedDateTime now) throws SQLException {
        JobConfig job = state.config();
        LocalDateTime cutoff = PartitionFinder.cutoff(job, now);
        if (cutoff == null) {
            return null;
        }
        boolean zoned = state.table().timestampHasZone();
        String ts = Sql.ident(job.timestampColumn());
        try (PreparedStatement ps = c.prepareStatement("SELECT min(" + ts + ") FROM " + state.table().qualifiedName()
                + " WHERE " + ts + " < ?")) {
            ps.setObject(1, zoned ? cutoff.atZone(job.zone()).toOffsetDateTime() : cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (zoned) {
                    OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
                    return t == null ? null : t.atZoneSameInstant(job.zone()).toOffsetDateTime();
                }
                LocalDateTime t = rs.getObject(1, LocalDateTime.class);
                return t == null ? null : t.atZone(job.zone()).toOffsetDateTime();
            }
        }
    }

    /** When quartz fires the job next; like the schedule route, in this JVM's default time zone. */
    private static OffsetDateTime nextRun(JobConfig job, ZonedDateTime now) {
        try {
            Date next = new CronExpression(job.schedule()).getNextValidTimeAfter(Date.from(now.toInstant()));
            return next == null ? null : next.toInstant().atZone(ZoneId.systemDefault()).toOffsetDateTime();
        } catch (ParseException e) {
            return null;
        }
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Runs a query whose first column is the job: what {@code row} reads of each row, by job. */
    private static <T> Map<String, T> byJob(Connection c, String sql, Row<T> row) throws SQLException {
        Map<String, T> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), row.read(rs));
            }
        }
        return out;
    }
}
