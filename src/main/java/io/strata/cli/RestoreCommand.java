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
import io.strata.restore.Target;
import java.io.PrintStream;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/** {@code restore --job NAME --from T --to T [--tenant X] [--into TABLE] [--dry-run] [--json]}. */
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
