package io.strata.figures;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.export.JobState;
import io.strata.manifest.Manifests;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes jobs' figures — what is due and its two lags, the manifest's totals, the last run and the last
 * success — once, for every surface: {@code status}, the report, JMX and the Prometheus metrics. Reads only.
 */
public final class Figures {

    private final Database database;
    private final StrataConfig config;
    private final Map<String, JobState> jobs;
    private final Manifests manifests;
    private final Recorded recorded;
    private final DueReader due;

    /** @param jobs the enabled jobs, with their inspected tables */
    public Figures(Database database, StrataConfig config, Map<String, JobState> jobs) {
        this.database = database;
        this.config = config;
        this.jobs = jobs;
        this.manifests = new Manifests(config.schema());
        this.recorded = new Recorded(config.schema());
        this.due = new DueReader(config.schema());
    }

    /** Every configured job's figures, in config order (row jobs, then tenant jobs), then those of jobs the manifest knows that the config no longer has. */
    public List<JobFigures> all(Instant now) {
        try (Connection c = database.connection()) {
            return all(c, now);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public List<JobFigures> all(Connection c, Instant now) throws SQLException {
        boolean installed = manifests.installed(c);
        Set<String> names = new LinkedHashSet<>(config.jobs().stream().map(JobConfig::name).toList());
        config.tenantJobs().forEach(j -> names.add(j.name()));
        if (installed) {
            names.addAll(manifests.jobs(c));
        }
        return read(c, List.copyOf(names), installed, now);
    }

    /** One job's figures (the MBean's and the metrics' figures of a job). */
    public JobFigures job(String name, Instant now) {
        try (Connection c = database.connection()) {
            return read(c, List.of(name), manifests.installed(c), now).get(0);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private List<JobFigures> read(Connection c, List<String> names, boolean installed, Instant now) throws SQLException {
        Map<String, Totals> totals = installed ? recorded.totals(c, names) : Map.of();
        Map<String, Recorded.Runs> runs = installed ? recorded.runs(c, names, now) : Map.of();
        List<JobFigures> out = new ArrayList<>();
        for (String name : names) {
            JobState state = jobs.get(name);
            // An export-only job finds what it exported in the manifest: before there is one, nothing is known.
            Due d = state == null || (!installed && !state.config().delete()) ? null
                    : due.read(c, state.config(), state.table(), now);
            Recorded.Runs r = runs.getOrDefault(name, Recorded.Runs.NONE);
            JobConfig cfg = config.job(name).orElse(null);
            Offloaded offloaded = installed && cfg != null && cfg.offloads() ? Offloaded.read(c, config.schema(), cfg) : null;
            out.add(new JobFigures(name, now, d, totals.getOrDefault(name, Totals.NONE), r.last(), r.lastSuccess(),
                    r.firstRun(), r.failures24h(), offloaded));
        }
        c.rollback();
        return out;
    }

    private static StrataException failure(SQLException e) {
        return new StrataException(ErrorCode.DB_CONNECTION, "reading the jobs' figures: " + e.getMessage(), e);
    }
}
