package io.strata.cli;

import io.strata.text.Table;
import io.strata.text.Json;
import io.strata.text.Human;
import io.strata.app.Instance;
import io.strata.config.StrataConfig;
import io.strata.report.HtmlRenderer;
import io.strata.report.Report;
import io.strata.report.ReportStore;
import java.io.PrintStream;
import java.nio.file.Path;

/** {@code report [--out DIR] [--json]}: runs the report route once and prints the jobs, the alerts and where it went. */
final class ReportCommand implements Command {

    @Override
    public int run(Invocation in) {
        StrataConfig config = in.config();
        PrintStream out = in.out;
        Args args = in.args;
        try (Instance instance = Instance.start(config, Instance.Mode.COMMAND)) {
            Report r = instance.strata().report(args.value("out"));
            if (args.flag("json")) {
                out.println(Json.pretty(r));
                return 0;
            }
            Path dir = args.value("out") != null ? Path.of(args.value("out")) : config.report().out();
            out.println("Report " + r.date() + " (" + r.from() + " to " + r.date() + ", " + r.zone() + ")");
            Table t = new Table("Job", "Last run", "Rows due", "Oldest due age", "Lag past keep", "Table", "Freed", "Archived rows", "In S3", "Per month");
            for (Report.Job j : r.jobs()) {
                t.row(j.job(), j.lastRun() == null ? "none" : j.lastRun().status(),
                        j.due() == null ? "-" : Human.count(j.due().rows()),
                        j.due() == null || j.due().oldestDueRow() == null ? "-" : Human.span(j.due().oldestDueAgeSeconds()),
                        j.due() == null ? "-" : j.due().lagPastKeepSeconds() == 0 ? "none"
                                : Human.span(j.due().lagPastKeepSeconds()) + (j.due().beyondAllowance() ? " (allowed "
                                        + Human.span(j.due().allowanceSeconds()) + ")" : ""),
                        j.space() == null || j.space().bytes() == null ? "-" : Human.bytes(j.space().bytes()),
                        j.space() == null || j.space().freedSinceLastReport() == null ? "-"
                                : Human.bytes(j.space().freedSinceLastReport()),
                        Human.count(j.archived().rows()), Human.bytes(j.storage().bytes()),
                        HtmlRenderer.money(j.storage().monthlyCost()));
            }
            out.print(t.render());
            for (Report.Job j : r.jobs()) {
                if (j.offloaded() != null) {
                    out.println(StatusCommand.offloaded(j.job(), j.offloaded()));
                }
            }
            out.println(r.alerts().isEmpty() ? "No alerts." : "Alerts:");
            for (Report.Alert a : r.alerts()) {
                out.println("  " + a.kind() + " " + a.job() + ": " + a.message());
            }
            String base = dir.resolve(ReportStore.name(r.date())).toAbsolutePath().normalize().toString();
            out.println("Written: " + base + ".html (and .json, .csv), uploaded to s3://" + config.s3().bucket() + "/"
                    + (config.s3().prefix().isEmpty() ? "" : config.s3().prefix() + "/") + "reports/");
            return 0;
        }
    }
}
