package io.strata.cli;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.app.Instance;
import io.strata.commands.DryRun;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.export.Progress;
import io.strata.export.References;
import io.strata.export.RunSummary;
import io.strata.text.Human;
import io.strata.text.Json;
import io.strata.text.Table;
import io.strata.config.TenantJobConfig;
import io.strata.kinds.tenant.PendingDeletes;
import io.strata.kinds.tenant.TenantResult;
import io.strata.kinds.tenant.TenantRun;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code archive [--job NAME] [--dry-run] [--json]}: every enabled job (or one) once, a line per batch, a summary. */
final class ArchiveCommand implements Command {

    @Override
    public int run(Invocation in) {
        StrataConfig config = in.config();
        String named = in.args.value("job");
        if (named != null && config.tenantJob(named).isPresent()) {
            return tenants(in, config, config.tenantJob(named).get());
        }
        if (!in.args.values("tenant").isEmpty() || in.args.flag("pretend")) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, (in.args.flag("pretend") ? "--pretend" : "--tenant")
                    + " is for a tenant job: name one with --job (tenant jobs: " + String.join(", ",
                    config.tenantJobs().stream().map(TenantJobConfig::name).toList()) + ")");
        }
        List<String> names = named == null && config.enabledJobs().isEmpty() && !config.tenantJobs().isEmpty()
                ? List.of() : jobs(config, named);
        if (in.args.flag("dry-run")) {
            Instance.planBundles(config, names);
            try (Instance.Reading reading = Instance.read(config)) {
                List<DryRun> runs = names.stream().map(reading.strata()::dryRun).toList();
                if (in.json()) {
                    in.out.println(Json.pretty(Map.of("dryRun", true, "jobs", runs)));
                } else {
                    printDryRun(runs, in.out, config);
                }
                return 0;
            }
        }
        Instance instance = Instance.start(config, Instance.Mode.COMMAND);
        try (Sigterm sigterm = Sigterm.watch(instance, config.shutdownTimeout(), in.err); instance) {
            PrintStream progress = in.progress();
            instance.onProgress(run -> progress.println(Progress.line(run)));
            List<RunSummary> summaries = new ArrayList<>();
            List<TenantRun> tenantRuns = new ArrayList<>();
            if (named == null) {
                for (TenantJobConfig t : config.tenantJobs()) {
                    if (t.enabled()) {
                        tenantRuns.add(instance.strata().archiveTenants(t.name(), List.of(), false, progress::println));
                    }
                }
            }
            for (String name : names) {
                if (config.job(name).map(JobConfig::bundles).orElse(false)) {
                    // What an earlier bundle left to delete in another database goes first (the route does it
                    // too, for the service; here its line is the command's).
                    PendingDeletes.Completed done = instance.strata().completePendingDeletes();
                    if (done.pending() > 0) {
                        progress.println(name + ": completed " + done.pending() + " pending delete(s) of an earlier run ("
                                + Human.count(done.deleted()) + " rows deleted in their databases)");
                    }
                }
                RunSummary s = instance.strata().archive(name, "command");
                summaries.add(s);
                if (s.partitions() == 0 && s.errors().isEmpty()) {
                    progress.println(name + ": nothing due");
                }
            }
            if (in.json()) {
                in.out.println(Json.pretty(Map.of("runs", summaries)));
            } else {
                in.out.println();
                in.out.print(summaryTable(summaries));
                for (RunSummary s : summaries) {
                    if (s.kept() > 0) {
                        in.out.println("  " + s.job() + ": " + Human.count(s.kept()) + " row(s) of the archived windows"
                                + " stay in the table: other rows reference them (archive --dry-run names the references)");
                    }
                    for (String e : s.errors()) {
                        in.out.println("  " + s.job() + ": " + e);
                    }
                }
            }
            if (!tenantRuns.isEmpty() && !in.json()) {
                printTenantRuns(tenantRuns, in.out);
            }
            if (sigterm.received()) {
                return Sigterm.EXIT_CODE;
            }
            return summaries.stream().allMatch(RunSummary::ok) && tenantRuns.stream().allMatch(TenantRun::ok) ? 0 : 1;
        }
    }

    /**
     * {@code archive --job J [--tenant X …] [--pretend]} of a tenant job: the tenants named, or what its {@code due}
     * returns; a line per tenant with an ETA, then a summary and the rows kept (shared) per table.
     */
    private static int tenants(Invocation in, StrataConfig config, TenantJobConfig job) {
        if (!job.enabled()) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "--job " + job.name() + ": the job has enabled: false in "
                    + config.source());
        }
        if (in.args.flag("dry-run")) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "--dry-run is for row jobs; a tenant job has --pretend");
        }
        List<String> named = in.args.values("tenant");
        if (named.isEmpty() && job.due() == null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "--job " + job.name() + ": name the tenants (--tenant X) or"
                    + " give the job a due query (" + job.at() + ".tenant.due)");
        }
        Instance instance = Instance.start(config, Instance.Mode.COMMAND);
        try (Sigterm sigterm = Sigterm.watch(instance, config.shutdownTimeout(), in.err); instance) {
            PrintStream progress = in.progress();
            TenantRun run = instance.strata().archiveTenants(job.name(), named, in.args.flag("pretend"), progress::println);
            if (in.json()) {
                in.out.println(Json.pretty(Map.of("tenantRuns", List.of(run))));
            } else {
                printTenantRuns(List.of(run), in.out);
            }
            if (sigterm.received()) {
                return Sigterm.EXIT_CODE;
            }
            return run.ok() ? 0 : 1;
        }
    }

    private static void printTenantRuns(List<TenantRun> runs, PrintStream out) {
        Table t = new Table("Job", "Tenants", "Archived", "Pretend", "Nothing new", "Skipped", "Failed", "Rows", "Size", "Time");
        for (TenantRun r : runs) {
            t.row(r.job(), r.tenants().size(), r.count(TenantResult.Status.ARCHIVED), r.count(TenantResult.Status.PRETEND),
                    r.count(TenantResult.Status.EMPTY), r.count(TenantResult.Status.LOCKED), r.count(TenantResult.Status.FAILED),
                    Human.count(r.rows()), Human.bytes(r.bytes()), Human.duration(r.millis()));
        }
        out.println();
        out.print(t.render());
        for (TenantRun r : runs) {
            r.keptByTable().forEach((table, kept) -> out.println("  " + r.job() + ": " + Human.count(kept) + " row(s) of "
                    + table + " exported but kept: rows of other tenants still reference them"));
            if (r.pretend()) {
                out.println("  " + r.job() + ": pretend: exported, uploaded, verified and test-restored; nothing was"
                        + " deleted or recorded, and the pretend objects were removed");
            }
            for (TenantResult f : r.tenants()) {
                if (f.status() == TenantResult.Status.FAILED) {
                    out.println("  " + r.job() + " tenant " + f.tenant() + ": " + f.error());
                }
            }
        }
    }

    /** {@code --job NAME}, which must be an enabled job; or every enabled job. */
    static List<String> jobs(StrataConfig config, String name) {
        if (name == null) {
            List<String> names = config.enabledJobs().stream().map(JobConfig::name).toList();
            if (names.isEmpty()) {
                throw new StrataException(ErrorCode.CONFIG_INVALID, config.source() + ": no enabled job in strata.jobs");
            }
            return names;
        }
        JobConfig job = config.job(name).orElseThrow(() -> new StrataException(ErrorCode.BAD_ARGUMENT,
                "--job " + name + ": no such job in " + config.source() + " (jobs: "
                        + String.join(", ", config.jobs().stream().map(JobConfig::name).toList()) + ")"));
        if (!job.enabled()) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "--job " + name + ": the job has enabled: false in "
                    + config.source());
        }
        return List.of(name);
    }

    static String summaryTable(List<RunSummary> summaries) {
        Table t = new Table("Job", "Status", "Partitions", "Archived", "Skipped", "Failed", "Rows", "Raw", "Gzip",
                "Ratio", "Time", "Rows/s");
        for (RunSummary s : summaries) {
            t.row(s.job(), s.status(), s.partitions(), s.archived(), s.skipped(), s.failed(), Human.count(s.rows()),
                    Human.bytes(s.rawBytes()), Human.bytes(s.gzipBytes()), Human.ratio(s.rawBytes(), s.gzipBytes()),
                    Human.duration(s.millis()), s.millis() == 0 ? "-" : Human.count(s.rows() * 1000 / Math.max(1, s.millis())));
        }
        return t.render();
    }

    private static void printDryRun(List<DryRun> runs, PrintStream out, StrataConfig config) {
        Table t = new Table("Job", "Window start", "Window end", "Tenant", "Rows");
        long total = 0;
        int count = 0;
        for (DryRun run : runs) {
            for (DryRun.Window w : run.windows()) {
                t.row(run.job(), w.start(), w.end(), w.tenantSplit() ? Human.tenant(w.tenant()) : "", Human.count(w.rows()));
            }
            total += run.rows();
            count += run.partitions();
        }
        if (!t.isEmpty()) {
            out.print(t.render());
        }
        for (DryRun run : runs) {
            if (!run.keptBy().isEmpty()) {
                out.println(run.job() + ": " + Human.count(run.keptRows())
                        + " of the due rows stay in the table: other rows reference them");
                for (References.KeptBy k : run.keptBy()) {
                    out.println("  " + Human.count(k.rows()) + " referenced through " + k.constraint() + ": " + k.table()
                            + " (" + String.join(", ", k.columns()) + ") ON DELETE " + k.action());
                }
            }
            config.job(run.job()).filter(JobConfig::bundles).ifPresent(j -> out.println(run.job() + ": each window is a"
                    + " bundle of its rows of " + j.qualifiedTable() + " (counted above) and every row that depends on them"));
            run.accepted().forEach(a -> out.println(run.job() + ": " + a));
            run.warnings().forEach(w -> out.println(run.job() + ": warning: " + w));
        }
        out.println("Dry run: " + count + " partition(s), " + Human.count(total)
                + " row(s) due; nothing was exported, deleted or written.");
    }
}
