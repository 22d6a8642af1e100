package io.strata.cli;

import io.strata.text.Human;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.strata.ErrorCode;
import io.strata.Progress;
import io.strata.StrataException;
import io.strata.StrataRuntime;
import io.strata.Version;
import io.strata.config.ConfigLoader;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.demo.Demo;
import io.strata.export.Partition;
import io.strata.export.RunSummary;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * The command line: parses arguments, loads the config, runs one command and renders its result as a
 * table or JSON. Returns the exit code: 0 all well, 1 a failure at run time, 2 bad input, 143 stopped
 * by SIGTERM.
 */
public final class Cli {

    static final String USAGE = """
            Usage: bin/strata [--config PATH] [COMMAND] [OPTIONS]    (or: java -jar target/strata.jar …)

            Commands:
              run                         the long-lived service: every enabled job on its schedule (default)
              archive [--job NAME] [--dry-run] [--json]
                                          archive every enabled job (or one) once, then exit
              restore --job NAME --from T --to T [--tenant X | --null-tenant] [--into TABLE] [--dry-run] [--json]
                                          load the archived objects whose windows overlap [from, to) back
                                          into their table (or into TABLE); T is 2026-11-01, 2026-11-01T03:00
                                          or 2026-11-01T03:00+01:00 (without an offset, in the job's zone);
                                          --tenant X one tenant's objects (X may be ""), --null-tenant those
                                          of the rows whose tenant is NULL
              verify [--job NAME] [--from T --to T] [--deep] [--json]
                                          check every manifested object in S3 (size, SHA-256; --deep: parse
                                          its rows) and find objects no manifest lists
              status [--json]             each job: what is due, archived, restored; last and next run
              report [--out DIR] [--json] write the report (JSON, CSV, HTML) into DIR (default strata.report.out)
                                          and to S3 under reports/, and print its jobs and alerts
              demo                        create the sample table strata_demo.events and archive it
              help                        this text
              version                     the version

            Options:
              --config PATH               the configuration file (default config/application.yaml,
                                          or the STRATA_CONFIG environment variable)
              --json                      print the result as JSON on stdout (progress goes to stderr)

            Exit codes: 0 success, 1 a partition or object failed, 2 bad configuration or arguments,
              143 stopped by SIGTERM (no new batch started; those in flight committed or rolled back)
            """;

    private static final Set<String> FLAGS = Set.of("dry-run", "json", "help", "version", "deep", "null-tenant");
    private static final Set<String> VALUED = Set.of("config", "job", "from", "to", "tenant", "into", "out");

    private final PrintStream out;
    private final PrintStream err;
    private final Function<String, String> env;

    public Cli(PrintStream out, PrintStream err, Function<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public int run(String[] argv) {
        try {
            Args args = Args.parse(argv, FLAGS, VALUED);
            String command = args.command() == null ? "run" : args.command();
            if (args.flag("help") || command.equals("help")) {
                out.print(USAGE);
                return 0;
            }
            if (args.flag("version") || command.equals("version")) {
                out.println("strata " + Version.VERSION);
                return 0;
            }
            StrataConfig config = new ConfigLoader(env).load(ConfigLoader.resolvePath(args.value("config"), env));
            return switch (command) {
                case "run" -> service(config);
                case "archive" -> archive(config, args);
                case "demo" -> new Demo(config, out).run();
                case "restore" -> new RestoreCommand(config, out, err).run(args);
                case "verify" -> new VerifyCommand(config, out).run(args);
                case "status" -> new StatusCommand(config, out).run(args);
                case "report" -> new ReportCommand(out).run(config, args);
                default -> throw new StrataException(ErrorCode.BAD_ARGUMENT, "unknown command '" + command
                        + "'; commands are run, archive, restore, verify, status, report, demo (see --help)");
            };
        } catch (StrataException e) {
            err.println("strata: " + e.getMessage());
            return e.code().exitCode();
        } catch (RuntimeException e) {
            err.println("strata: unexpected failure: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    private int service(StrataConfig config) {
        StrataRuntime rt = StrataRuntime.start(config, StrataRuntime.Mode.SERVICE);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            rt.requestStop();
            err.println("strata: stopping; a batch in flight commits or rolls back first");
            rt.close();
            stopped.countDown();
        }, "strata-shutdown"));
        out.println("Strata " + Version.VERSION + " running " + rt.jobs().size() + " job(s) on their schedules:");
        for (var job : rt.jobs().values()) {
            out.println("  " + job.config().name() + "  " + job.config().qualifiedTable() + "  schedule \""
                    + job.config().schedule() + "\"");
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Sigterm.EXIT_CODE; // the JVM exits with it anyway: the signal's 128 + 15
    }

    private List<String> selectJobs(StrataConfig config, Args args) {
        String name = args.value("job");
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

    private int archive(StrataConfig config, Args args) {
        List<String> names = selectJobs(config, args);
        boolean json = args.flag("json");
        if (args.flag("dry-run")) {
            try (StrataRuntime rt = StrataRuntime.start(config, StrataRuntime.Mode.READ_ONLY)) {
                Map<String, List<Partition>> due = new LinkedHashMap<>();
                Map<String, DryRunReferences> references = new LinkedHashMap<>();
                for (String name : names) {
                    due.put(name, rt.runner().due(name));
                    references.put(name, DryRunReferences.of(rt, name));
                }
                printDryRun(due, json, references);
                return 0;
            }
        }
        PrintStream progress = json ? err : out;
        StrataRuntime rt = StrataRuntime.start(config, StrataRuntime.Mode.COMMAND);
        try (Sigterm sigterm = Sigterm.watch(rt, config.shutdownTimeout(), err); rt) {
            rt.onProgress(run -> progress.println(Progress.line(run)));
            List<RunSummary> summaries = new ArrayList<>();
            for (String name : names) {
                RunSummary s = rt.archive(name, "command");
                summaries.add(s);
                if (s.partitions() == 0 && s.errors().isEmpty()) {
                    progress.println(name + ": nothing due");
                }
            }
            if (json) {
                out.println(toJson(Map.of("runs", summaries)));
            } else {
                out.println();
                out.print(summaryTable(summaries));
                for (RunSummary s : summaries) {
                    if (s.kept() > 0) {
                        out.println("  " + s.job() + ": " + Human.count(s.kept()) + " row(s) of the archived windows stay"
                                + " in the table: other rows reference them (archive --dry-run names the references)");
                    }
                    for (String e : s.errors()) {
                        out.println("  " + s.job() + ": " + e);
                    }
                }
            }
            if (sigterm.received()) {
                return Sigterm.EXIT_CODE;
            }
            return summaries.stream().allMatch(RunSummary::ok) ? 0 : 1;
        }
    }

    public static String summaryTable(List<RunSummary> summaries) {
        Table t = new Table("Job", "Status", "Partitions", "Archived", "Skipped", "Failed", "Rows", "Raw", "Gzip",
                "Ratio", "Time", "Rows/s");
        for (RunSummary s : summaries) {
            t.row(s.job(), s.status(), s.partitions(), s.archived(), s.skipped(), s.failed(), Human.count(s.rows()),
                    Human.bytes(s.rawBytes()), Human.bytes(s.gzipBytes()), Human.ratio(s.rawBytes(), s.gzipBytes()),
                    Human.duration(s.millis()), s.millis() == 0 ? "-" : Human.count(s.rows() * 1000 / Math.max(1, s.millis())));
        }
        return t.render();
    }

    private void printDryRun(Map<String, List<Partition>> due, boolean json, Map<String, DryRunReferences> references) {
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            due.forEach((job, parts) -> parts.forEach(p -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("job", job);
                r.put("windowStart", p.window().startAt(p.job().zone()).toString());
                r.put("windowEnd", p.window().endAt(p.job().zone()).toString());
                if (p.tenantSplit()) {
                    r.put("tenant", p.tenant());
                }
                r.put("rows", p.rows());
                rows.add(r);
            }));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("dryRun", true);
            result.put("partitions", rows);
            result.put("references", references);
            out.println(toJson(result));
            return;
        }
        Table t = new Table("Job", "Window start", "Window end", "Tenant", "Rows");
        long total = 0;
        int count = 0;
        for (var e : due.entrySet()) {
            for (Partition p : e.getValue()) {
                t.row(e.getKey(), p.window().start(), p.window().end(), p.tenantSplit() ? Human.tenant(p.tenant()) : "",
                        Human.count(p.rows()));
                total += p.rows();
                count++;
            }
        }
        if (!t.isEmpty()) {
            out.print(t.render());
        }
        references.forEach((job, r) -> r.print(job, out));
        out.println("Dry run: " + count + " partition(s), " + Human.count(total)
                + " row(s) due; nothing was exported, deleted or written.");
    }

    public static String toJson(Object value) {
        try {
            return new ObjectMapper().registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
