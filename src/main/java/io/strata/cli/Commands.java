package io.strata.cli;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The commands there are: their names, how they are called, what they do. The command line dispatches on
 * it, {@code help} prints it, and {@link StrataApplication} (like bin/strata) tells the service from the
 * one-shot commands by it.
 */
final class Commands {

    record Entry(String name, String usage, String summary, Supplier<Command> command) {}

    static final String SERVICE = "run";

    static final List<Entry> ALL = List.of(
            new Entry(SERVICE, "run", "the long-lived service: every enabled job on its schedule (default)", RunCommand::new),
            new Entry("archive", "archive [--job NAME] [--dry-run] [--json] | archive --job TENANTJOB [--tenant X ...] [--pretend]",
                    "archive every enabled job (or one) once, then exit; a tenant job: the tenants named, or what its"
                    + " due query returns", ArchiveCommand::new),
            new Entry("tenants", "tenants --job NAME [--json]", "the bundles of a tenant job: tenant, chunk, tables, rows,"
                    + " size, SHA-256, extract and test-restore times", TenantsCommand::new),
            new Entry("restore", "restore --job NAME --from T --to T [--tenant X | --null-tenant] [--into TABLE] [--dry-run] [--json]",
                    "load the archived objects whose windows overlap [from, to) back into their table (or into"
                            + " TABLE); T is 2026-11-01, 2026-11-01T03:00 or 2026-11-01T03:00+01:00 (without an offset,"
                            + " in the job's zone); --tenant X one tenant's objects (X may be \"\"), --null-tenant those"
                            + " of the rows whose tenant is NULL; of a tenant job: restore --job NAME --tenant X [--into-schema S]"
                            + " [--dry-run] [--json] loads the tenant's bundles, parents first, into each table's database"
                            + " (or into same-named tables in schema S there), all or nothing", RestoreCommand::new),
            new Entry("verify", "verify [--job NAME] [--from T --to T] [--deep] [--json]",
                    "check every manifested object in S3 (size, SHA-256; --deep: parse its rows) and find objects no"
                            + " manifest lists", VerifyCommand::new),
            new Entry("get", "get --job NAME --key K [--json]",
                    "print the archived row of the job whose key (the job's key column, or its table's primary key) is"
                            + " K, read from the object that holds it, without restoring anything; every archived"
                            + " version, newest first. Exit 1 when no object holds it", GetCommand::new),
            new Entry("status", "status [--json]", "each job: what is due, archived, restored; last and next run",
                    StatusCommand::new),
            new Entry("report", "report [--out DIR] [--json]", "write the report (JSON, CSV, HTML) into DIR (default"
                    + " strata.report.out) and to S3 under reports/, and print its jobs and alerts", ReportCommand::new),
            new Entry("demo", "demo", "create the sample table strata_demo.events and archive it", DemoCommand::new),
            new Entry("help", "help", "this text", () -> in -> {
                in.out.print(usage());
                return 0;
            }),
            new Entry("version", "version", "the version", () -> in -> {
                in.out.println("strata " + io.strata.Version.VERSION);
                return 0;
            }));

    private Commands() {}

    static Optional<Entry> find(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** True when the arguments start the service: {@code run}, or no command at all (and no --help, --version). */
    static boolean startsService(String[] argv) {
        try {
            Args args = Args.parse(argv, Cli.FLAGS, Cli.VALUED);
            return !args.flag("help") && !args.flag("version") && (args.command() == null || args.command().equals(SERVICE));
        } catch (RuntimeException badArguments) {
            return false;
        }
    }

    static String names() {
        return String.join(", ", ALL.stream().map(Entry::name).toList());
    }

    static String usage() {
        StringBuilder s = new StringBuilder("Usage: bin/strata [--config PATH] [COMMAND] [OPTIONS]    (or: java -jar target/strata.jar …)\n\n"
                + "Commands:\n");
        for (Entry e : ALL) {
            s.append("  ").append(e.usage()).append('\n');
            for (String line : wrap(e.summary(), 72)) {
                s.append("      ").append(line).append('\n');
            }
        }
        s.append("""

                Options:
                  --config PATH   the configuration file (default config/application.yaml, or the STRATA_CONFIG
                                  environment variable)
                  --json          print the result as JSON on stdout (progress goes to stderr)

                Exit codes: 0 success, 1 a partition or object failed, 2 bad configuration or arguments,
                  143 stopped by SIGTERM (no new batch started; those in flight committed or rolled back)
                """);
        return s.toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
