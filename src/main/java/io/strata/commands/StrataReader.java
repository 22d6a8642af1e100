package io.strata.commands;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.export.DuePartitions;
import io.strata.export.JobState;
import io.strata.export.Jobs;
import io.strata.export.Partition;
import io.strata.export.References;
import io.strata.restore.RestorePlanner;
import io.strata.restore.RestoreRequest;
import io.strata.restore.RestoreResult;
import io.strata.restore.TenantRestoreRequest;
import io.strata.restore.TenantRestoreResult;
import io.strata.restore.TenantRestorer;
import io.strata.status.StatusReport;
import io.strata.status.StatusReporter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * The commands that only read — status, the dry runs — over the database alone: no schema is created,
 * nothing is written, no S3 is reached. {@link Strata} adds the ones that work.
 */
public class StrataReader {

    protected final StrataConfig config;
    protected final Database database;
    protected final Jobs jobs;
    private final DuePartitions due;

    public StrataReader(StrataConfig config, Database database, Jobs jobs, DuePartitions due) {
        this.config = config;
        this.database = database;
        this.jobs = jobs;
        this.due = due;
    }

    public StrataConfig config() {
        return config;
    }

    public Jobs jobs() {
        return jobs;
    }

    /** {@code status}: every job's state, from its table, the manifest and the run log. */
    public StatusReport status() {
        return new StatusReporter(database, config, jobs.asMap()).report();
    }

    /** {@code archive --dry-run}: what a run of {@code job} would archive now. */
    public DryRun dryRun(String job) {
        JobState s = jobs.get(job);
        List<Partition> partitions = due.counted(job);
        List<DryRun.Window> windows = partitions.stream().map(p -> new DryRun.Window(
                p.window().startAt(s.config().zone()).toString(), p.window().endAt(s.config().zone()).toString(),
                p.tenantSplit(), p.tenant(), p.rows())).toList();
        References refs = s.table().references();
        try (Connection c = database.connection()) {
            References.Kept kept = refs.keptDue(c, s.config(), s.table(), ZonedDateTime.now());
            c.rollback();
            return new DryRun(job, partitions.size(), partitions.stream().mapToLong(Partition::rows).sum(), windows,
                    kept.rows(), kept.byReference(), refs.accepted(), refs.warnings());
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "job '" + job + "': " + e.getMessage(), e);
        }
    }

    /**
     * True when {@code job} archives whole tenants: a tenant job of the file, or a job whose manifested objects are
     * tenant bundles (a job since removed from the file).
     */
    public boolean restoresTenants(String job) {
        return config.tenantJob(job).isPresent() || TenantRestorer.tenantJob(database, config, job);
    }

    /** {@code restore --job J --tenant X --dry-run} of a tenant job: the bundles it would load and skip. */
    public TenantRestoreResult restoreTenantPlan(TenantRestoreRequest request) {
        return TenantRestorer.dryRun(database, config, request);
    }

    /** {@code restore --dry-run}: the objects a restore would load and those it would skip. */
    public RestoreResult restorePlan(RestoreRequest request) {
        return RestorePlanner.dryRun(new RestorePlanner(database, config).plan(request));
    }

    /** {@code tenants --job J}: the job's tenant bundles, as the manifest records them. */
    public java.util.List<io.strata.kinds.tenant.TenantListing.Bundle> tenants(String job) {
        if (config.tenantJob(job).isEmpty()) {
            throw new io.strata.StrataException(io.strata.ErrorCode.BAD_ARGUMENT, "--job " + job + ": no tenant job of that"
                    + " name in " + config.source() + " (tenant jobs: " + String.join(", ", config.tenantJobs().stream()
                    .map(io.strata.config.TenantJobConfig::name).toList()) + ")");
        }
        return io.strata.kinds.tenant.TenantListing.list(database, config.schema(), job);
    }
}
