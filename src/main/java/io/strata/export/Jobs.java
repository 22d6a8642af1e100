package io.strata.export;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enabled jobs of a config, each checked against its table at start-up (columns, the timestamp's
 * index, the references that its DELETE would touch): what every command and the service work with.
 */
public final class Jobs {

    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);

    private final Map<String, JobState> jobs;

    private Jobs(Map<String, JobState> jobs) {
        this.jobs = jobs;
    }

    /** Inspects every enabled job's table; a job that cannot run as configured fails here, naming why. */
    public static Jobs inspect(StrataConfig config, Database database) {
        Map<String, JobState> jobs = new LinkedHashMap<>();
        try (Connection c = database.connection()) {
            for (JobConfig job : config.enabledJobs()) {
                TableInfo table = TableInfo.inspect(c, job, config.source() + ": strata.jobs[" + config.jobs().indexOf(job) + "]");
                if (!table.timestampIndexed()) {
                    LOG.warn("job {}: {} has no index on {}; finding due rows will scan the table; run: {}",
                            job.name(), job.qualifiedTable(), job.timestampColumn(), TableInfo.suggestedIndex(job));
                }
                if (job.offloads()) {
                    OffloadTable.check(c, job, table, config.source() + ": strata.jobs[" + config.jobs().indexOf(job) + "]")
                            .forEach(line -> LOG.warn("job {}: {}", job.name(), line));
                } else if (job.delete() && !job.bundles()) {
                    // A bundle holds the tables that reference the job's table, deleted first (TenantPlan).
                    table = table.withReferences(references(c, config, job, table));
                }
                jobs.put(job.name(), new JobState(job, table));
            }
        } catch (SQLException e) {
            throw Database.connectionError(config.database().shownUrl(), config.database().user(), e);
        }
        return new Jobs(jobs);
    }

    /**
     * Refuses a job whose DELETE would change rows it does not archive, and says what else its DELETE does
     * (README: Tables that other tables reference).
     */
    private static References references(Connection c, StrataConfig config, JobConfig job, TableInfo table)
            throws SQLException {
        String key = config.source() + ": strata.jobs[" + config.jobs().indexOf(job) + "]";
        // A job archives one table: every table that references it is another one.
        References refs = References.inspect(c, job, table).check(job, key, Set.of());
        refs.accepted().forEach(line -> LOG.info("job {}: {}", job.name(), line));
        refs.warnings().forEach(line -> LOG.warn("job {}: {}", job.name(), line));
        return refs;
    }

    /** The job named so, or BAD_ARGUMENT naming the jobs there are. */
    public JobState get(String name) {
        JobState s = jobs.get(name);
        if (s == null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "no job named '" + name + "' (jobs: "
                    + String.join(", ", jobs.keySet()) + ")");
        }
        return s;
    }

    public boolean has(String name) {
        return jobs.containsKey(name);
    }

    public Collection<JobState> all() {
        return jobs.values();
    }

    public List<String> names() {
        return List.copyOf(jobs.keySet());
    }

    public Map<String, JobState> asMap() {
        return jobs;
    }
}
