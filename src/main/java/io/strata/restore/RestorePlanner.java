package io.strata.restore;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.manifest.ManifestEntry;
import io.strata.manifest.Manifests;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.List;

/** Finds what a restore would load, from the manifest and the tables; reads only (the dry run is this). */
public final class RestorePlanner {

    private final Database database;
    private final StrataConfig config;
    private final Manifests manifests;
    private final RestoreLog log;

    public RestorePlanner(Database database, StrataConfig config) {
        this.database = database;
        this.config = config;
        this.manifests = new Manifests(config.schema());
        this.log = new RestoreLog(config.schema());
    }

    /** Finds the objects to restore and checks that their tables can take them. */
    public RestorePlan plan(RestoreRequest r) {
        Target into = r.into() == null ? null : Target.parse(r.into(), "--into");
        ZoneId zone = config.job(r.job()).map(JobConfig::zone).orElse(config.zone());
        try (Connection c = database.connection()) {
            boolean installed = manifests.installed(c);
            if (config.job(r.job()).isEmpty() && (!installed || !manifests.jobs(c).contains(r.job()))) {
                throw new StrataException(ErrorCode.BAD_ARGUMENT, "--job " + r.job() + ": no such job in "
                        + config.source() + ", and none in the manifest");
            }
            List<ManifestEntry> objects = installed ? manifests.find(c, r.job(), r.from(), r.to(), r.tenant()) : List.of();
            if (objects.stream().anyMatch(o -> "bundle".equals(o.kind()))) {
                throw new StrataException(ErrorCode.BAD_ARGUMENT, "--job " + r.job() + " archives windows as bundles of"
                        + " several tables: they load into their own tables, or with --into-schema S into tables of that"
                        + " schema (not --into one table)");
            }
            if (objects.stream().anyMatch(ManifestEntry::bundle)) {
                throw new StrataException(ErrorCode.BAD_ARGUMENT, "--job " + r.job() + " archives whole tenants: restore"
                        + " one with restore --job " + r.job() + " --tenant X [--into-schema S] (no --from, --to, --into)");
            }
            int concurrency = config.job(r.job()).map(JobConfig::concurrency).orElse(JobConfig.DEFAULT_CONCURRENCY);
            RestorePlan plan = new RestorePlan(r, into, objects, zone, concurrency);
            for (ManifestEntry o : objects) {
                Target target = plan.target(o);
                if (plan.live(o) && RestoreLog.oid(c, target) == null) {
                    throw new StrataException(ErrorCode.UNKNOWN_TABLE, "table " + target + " (archived by job '"
                            + o.job() + "') does not exist; restore --into another table to see its rows");
                }
                plan.skip(o, log.skipReason(c, o, target, plan.live(o), false));
            }
            c.rollback();
            return plan;
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "finding the objects to restore: " + e.getMessage(), e);
        }
    }

    /** What {@link #plan} found, as a dry run reports it: each object pending or skipped. */
    public static RestoreResult dryRun(RestorePlan plan) {
        for (ManifestEntry o : plan.objects()) {
            String skip = plan.skip(o);
            plan.add(new ObjectResult(o.key(), plan.window(o), o.tenant(), o.chunk(), skip == null
                    ? ObjectResult.Status.PENDING : ObjectResult.Status.SKIPPED, skip == null ? o.rows() : 0,
                    o.gzipBytes(), 0, skip));
        }
        return RestoreResult.of(plan, true);
    }

}
