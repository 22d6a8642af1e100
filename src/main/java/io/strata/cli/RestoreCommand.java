package io.strata.cli;

import io.strata.text.Table;
import io.strata.text.Json;
import io.strata.text.Human;
import io.strata.ErrorCode;
import io.strata.export.Progress;
import io.strata.StrataException;
import io.strata.app.Instance;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.restore.ObjectResult;
import io.strata.restore.RestorePlan;
import io.strata.manifest.TenantFilter;
import io.strata.restore.RestoreRequest;
import io.strata.restore.RestoreResult;
import io.strata.restore.TableResult;
import io.strata.restore.Target;
import io.strata.restore.TenantRestoreRequest;
import io.strata.restore.TenantRestoreResult;
import java.io.PrintStream;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.function.Function;

/**
 * {@code restore --job NAME --from T --to T [--tenant X] [--into TABLE] [--dry-run] [--json]}; of a time job with
 * {@code tables:} the same with {@code [--into-schema S]} in place of {@code --into}; and of a tenant job
 * {@code restore --job NAME --tenant X [--into-schema S] [--dry-run] [--json]}. Three kinds of restore with their
 * own checks and tables make it some 300 lines.
 */
final class RestoreCommand implements Command {

    private StrataConfig config;
    private PrintStream out;

    /** {@code --tenant VALUE} (any text, the empty string included) or {@code --null-tenant}; neither: all. */
    static TenantFilter tenant(Args args) {
        String value = args.value("tenant");
        if (args.flag("null-tenant")) {
            if (value != null) {
                throw new StrataException(ErrorCode.BAD_ARGUMENT, "--tenant and --null-tenant exclude each other");
            }
            return TenantFilter.NULL;
        }
        return value == null ? TenantFilter.ALL : TenantFilter.of(value);
    }

    @Override
    public int run(Invocation in) {
        this.config = in.config();
        this.out = in.out;
        Args args = in.args;
        String job = args.value("job");
        if (job == null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "restore needs --job NAME (and --from, --to)");
        }
        if (args.value("from") == null && args.value("to") == null && tenantJob(job, args)) {
            return restoreTenant(in, job);
        }
        JobConfig windowBundles = config.job(job).filter(JobConfig::bundles).orElse(null);
        if (windowBundles != null) {
            return restoreWindows(in, windowBundles);
        }
        if (args.value("into-schema") != null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "--into-schema " + args.value("into-schema")
                    + ": only a tenant job's restore takes it (job '" + job + "' archives windows of rows; use --into TABLE)");
        }
        JobConfig cfg = config.job(job).orElse(null);
        ZoneId zone = cfg != null ? cfg.zone() : config.zone();
        OffsetDateTime[] range = TimeArgs.range(args, zone, true);
        TenantFilter tenant = tenant(args);
        if (tenant.one() && cfg != null && cfg.tenantColumn() == null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, (tenant.value() == null ? "--null-tenant"
                    : "--tenant " + tenant.value()) + ": job '" + job + "' does not split by tenant (it has no tenantColumn)");
        }
        String into = args.value("into");
        if (into != null) {
            Target.parse(into, "--into");
        }
        boolean json = args.flag("json");
        if (args.flag("dry-run")) {
            try (Instance.Reading reading = Instance.read(config)) {
                RestoreResult r = reading.strata().restorePlan(new RestoreRequest(job, range[0], range[1], tenant, into, null));
                printDryRun(r, json);
                return 0;
            }
        }
        PrintStream progress = in.progress();
        RestoreRequest request = new RestoreRequest(job, range[0], range[1], tenant, into,
                plan -> progress.println(line(job, plan)));
        try (Instance instance = Instance.start(config, Instance.Mode.COMMAND)) {
            RestoreResult r = instance.strata().restore(request);
            if (json) {
                out.println(Json.pretty(r));
            } else {
                printSummary(r, cfg);
            }
            return r.ok() ? 0 : 1;
        }
    }

    /** True when {@code job} is a tenant job: in the file, or (a job gone from it) by its manifested bundles. */
    private boolean tenantJob(String job, Args args) {
        if (config.tenantJob(job).isPresent()) {
            return true;
        }
        if (config.job(job).isPresent() || args.value("tenant") == null) {
            return false;
        }
        try (Instance.Reading reading = Instance.read(config)) {
            return reading.strata().restoresTenants(job);
        }
    }

    /** A whole tenant: its bundles, parents first, into each table's database (README, "Restoring a tenant"). */
    private int restoreTenant(Invocation in, String job) {
        Args args = in.args;
        String tenant = args.value("tenant");
        if (tenant == null || args.flag("null-tenant")) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "restore of tenant job '" + job + "' needs --tenant VALUE"
                    + " (the root key of the tenant to bring back)");
        }
        if (args.values("tenant").size() > 1) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "--tenant: restore brings back one tenant at a time");
        }
        if (args.value("into") != null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "--into " + args.value("into") + ": job '" + job
                    + "' is a tenant job, whose tables load into a schema: use --into-schema SCHEMA");
        }
        String schema = args.value("into-schema");
        return restoreBundles(in, lines -> new TenantRestoreRequest(job, tenant, schema, lines == null ? null
                : t -> lines.println(line(job, tenant, t))));
    }

    /**
     * Restores bundles (a tenant's, or a range of windows'): the dry run, or the restore with a line per table, then
     * the summary or the JSON. {@code request} makes the request, given where its lines go (null: none).
     */
    private int restoreBundles(Invocation in, Function<PrintStream, TenantRestoreRequest> request) {
        boolean json = in.args.flag("json");
        if (in.args.flag("dry-run")) {
            try (Instance.Reading reading = Instance.read(config)) {
                TenantRestoreResult r = reading.strata().restoreTenantPlan(request.apply(null));
                if (json) {
                    out.println(Json.pretty(r));
                } else {
                    printTenantDryRun(r);
                }
                return 0;
            }
        }
        PrintStream progress = in.progress();
        try (Instance instance = Instance.start(config, Instance.Mode.COMMAND)) {
            TenantRestoreResult r = instance.strata().restoreTenant(request.apply(progress));
            if (json) {
                out.println(Json.pretty(r));
            } else {
                printTenantSummary(r);
            }
            return r.ok() ? 0 : 1;
        }
    }

    /**
     * The windows of a time job with {@code tables:}: every bundle of a window in the range (of one tenant with
     * --tenant), parents first, into each table's own database, all or nothing (README, "Windows with their
     * dependents").
     */
    private int restoreWindows(Invocation in, JobConfig job) {
        Args args = in.args;
        OffsetDateTime[] range = TimeArgs.range(args, job.zone(), true);
        TenantFilter tenant = tenant(args);
        if (tenant.one() && job.tenantColumn() == null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, (tenant.value() == null ? "--null-tenant"
                    : "--tenant " + tenant.value()) + ": job '" + job.name() + "' does not split by tenant (it has no tenantColumn)");
        }
        if (args.value("into") != null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "--into " + args.value("into") + ": job '" + job.name()
                    + "' archives windows as bundles of several tables: use --into-schema SCHEMA");
        }
        String schema = args.value("into-schema");
        return restoreBundles(in, lines -> TenantRestoreRequest.windows(job.name(), range[0], range[1], tenant, schema,
                lines == null ? null : t -> lines.println(line(job.name(), null, t))));
    }

    /** The line printed as each table of a bundle is loaded or skipped (not yet committed: the summary says). */
    static String line(String job, String tenant, TableResult t) {
        String head = tenant == null ? String.format("%-12s c%d  %s:%s", job, t.chunk(), t.database(), t.table())
                : String.format("%-12s tenant=%s c%d  %s:%s", job, Human.tenant(tenant), t.chunk(), t.database(), t.table());
        String into = t.target().equals(t.table()) ? "" : " -> " + t.target();
        if (t.status() == ObjectResult.Status.SKIPPED) {
            return head + into + "  skipped: " + t.message();
        }
        return String.format("%s%s  %s rows%s  %d ms", head, into, Human.count(t.rows()),
                t.present() == 0 ? "" : " (" + Human.count(t.present()) + " already there, left as they are)", t.millis());
    }

    private void printTenantSummary(TenantRestoreResult r) {
        out.println();
        Table t = new Table("Job", r.tenant() == null ? "Windows" : "Tenant", "Into", "Bundles", "Restored", "Skipped",
                "Failed", "Rows", "Present", "Zip", "Time");
        t.row(r.job(), r.tenant() == null ? r.bundles().size() + " bundle(s)" : Human.tenant(r.tenant()), r.intoSchema() == null ? "its tables" : "schema " + r.intoSchema(),
                r.bundles().size(), r.restored(), r.skipped(), r.failed(), Human.count(r.rows()), Human.count(r.present()),
                Human.bytes(r.gzipBytes()), Human.duration(r.millis()));
        out.print(t.render());
        for (ObjectResult b : r.bundles()) {
            String name = r.tenant() == null ? b.key() : "c" + b.chunk();
            if (b.status() == ObjectResult.Status.FAILED) {
                out.println("  REFUSED " + name + ": " + b.message());
            } else if (b.status() == ObjectResult.Status.SKIPPED) {
                out.println("  skipped " + name + ": " + b.message());
            }
        }
        if (r.bundles().isEmpty()) {
            out.println(r.job() + ": no archived bundle in that range; nothing was loaded.");
        }
        if (r.failed() > 0) {
            out.println(r.tenant() == null ? "Nothing was loaded." : "Nothing of tenant " + Human.tenant(r.tenant()) + " was loaded.");
        }
    }

    private void printTenantDryRun(TenantRestoreResult r) {
        boolean windows = r.tenant() == null;
        Table t = windows ? new Table("Window", "Tenant", "Chunk", "Object", "Rows", "Zip", "Action")
                : new Table("Tenant", "Chunk", "Object", "Rows", "Zip", "Action");
        for (ObjectResult o : r.bundles()) {
            String action = o.status() == ObjectResult.Status.PENDING ? "restore" : "skip: " + o.message();
            if (windows) {
                t.row(o.window(), o.tenant() == null ? "" : Human.tenant(o.tenant()), o.chunk(), o.key(),
                        Human.count(o.rows()), Human.bytes(o.gzipBytes()), action);
            } else {
                t.row(Human.tenant(o.tenant()), o.chunk(), o.key(), Human.count(o.rows()), Human.bytes(o.gzipBytes()), action);
            }
        }
        if (!t.isEmpty()) {
            out.print(t.render());
        }
        out.println("Dry run: " + r.bundles().stream().filter(o -> o.status() == ObjectResult.Status.PENDING).count()
                + " bundle(s), " + Human.count(r.rows()) + " row(s) would be restored into "
                + (r.intoSchema() == null ? "their tables" : "schema " + r.intoSchema() + " of each table's database")
                + "; " + r.skipped() + " skipped; nothing was changed.");
    }

    /** The line printed as each object is done. */
    static String line(String job, RestorePlan plan) {
        ObjectResult r = plan.lastResult();
        String where = Progress.where(plan.results().size(), plan.objects().size(), plan.etaMs());
        String head = String.format("%-12s %s%s c%d", job, r.window(), r.tenant() == null ? "" : " tenant=" + Human.tenant(r.tenant()), r.chunk());
        return switch (r.status()) {
            case RESTORED -> r.missing() == null ? String.format("%s  %s rows  %s  %d ms  restored  %s", head,
                    Human.count(r.rows()), Human.bytes(r.gzipBytes()), r.millis(), where)
                    : String.format("%s  %s rows  %s  %d ms  restored, %s missing, %s kept  %s", head,
                    Human.count(r.rows()), Human.bytes(r.gzipBytes()), r.millis(), Human.count(r.missing()),
                    Human.count(r.kept()), where);
            case FAILED -> String.format("%s  REFUSED, nothing inserted: %s  %s", head, r.message(), where);
            default -> String.format("%s  skipped: %s  %s", head, r.message(), where);
        };
    }

    private void printSummary(RestoreResult r, JobConfig cfg) {
        if (r.objects() == 0) {
            out.println(r.job() + ": no archived object overlaps [" + r.from() + ", " + r.to() + ")"
                    + (r.tenant() == null ? "" : " for tenant " + Human.tenant(r.tenant())));
        }
        out.println();
        Table t = new Table("Job", "Into", "Objects", "Restored", "Skipped", "Failed", "Rows", "Gzip", "Time", "Rows/s");
        t.row(r.job(), r.target(), r.objects(), r.restored(), r.skipped(), r.failed(), Human.count(r.rows()),
                Human.bytes(r.gzipBytes()), Human.duration(r.millis()),
                r.millis() == 0 ? "-" : Human.count(r.rows() * 1000 / Math.max(1, r.millis())));
        out.print(t.render());
        r.results().stream().filter(o -> o.status() == ObjectResult.Status.FAILED).forEach(o -> out.println("  " + o.message()));
        if (r.results().stream().anyMatch(o -> o.missing() != null)) {
            out.println("Offloaded values: " + Human.count(r.rows()) + " put back; " + Human.count(r.missing())
                    + " missing (their rows were deleted since; not brought back); " + Human.count(r.kept())
                    + " kept (their rows hold a value written or offloaded since, left as it is).");
        }
        if (r.restored() > 0 && cfg != null && cfg.enabled() && !cfg.keepForever()
                && cfg.qualifiedTable().equals(r.target())) {
            out.println("Note: job '" + cfg.name() + "' is enabled and keeps " + cfg.keepText() + ": its next run archives"
                    + " these rows again (as new chunks). Set enabled: false while they are needed, or restore --into"
                    + " another table.");
        }
    }

    private void printDryRun(RestoreResult r, boolean json) {
        if (json) {
            out.println(Json.pretty(r));
            return;
        }
        Table t = new Table("Window", "Tenant", "Chunk", "Rows", "Gzip", "Action");
        for (ObjectResult o : r.results()) {
            t.row(o.window(), o.tenant() == null ? "" : Human.tenant(o.tenant()), o.chunk(), Human.count(o.rows()), Human.bytes(o.gzipBytes()),
                    o.status() == ObjectResult.Status.PENDING ? "restore" : "skip: " + o.message());
        }
        if (!t.isEmpty()) {
            out.print(t.render());
        }
        out.println("Dry run: " + r.restored() + " object(s), " + Human.count(r.rows()) + " row(s), "
                + Human.bytes(r.gzipBytes()) + " would be restored into " + (r.target().isEmpty() ? "-" : r.target())
                + "; " + r.skipped() + " skipped; nothing was changed.");
    }
}
