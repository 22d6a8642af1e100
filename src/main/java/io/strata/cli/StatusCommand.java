package io.strata.cli;

import io.strata.text.Table;
import io.strata.text.Json;
import io.strata.text.Human;
import io.strata.app.Instance;
import io.strata.config.StrataConfig;
import io.strata.status.JobStatus;
import io.strata.status.StatusReport;
import java.io.PrintStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** {@code status [--json]}: one line per job, like Flyway's info. */
final class StatusCommand implements Command {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private PrintStream out;

    @Override
    public int run(Invocation in) {
        StrataConfig config = in.config();
        this.out = in.out;
        Args args = in.args;
        StatusReport r;
        try (Instance.Reading reading = Instance.read(config)) {
            r = reading.strata().status();
        }
        if (args.flag("json")) {
            out.println(Json.pretty(r));
            return 0;
        }
        Table t = new Table("Job", "Table", "Enabled", "Keep", "Due", "Due rows", "Lag", "Objects", "Rows", "Gzip",
                "Restored", "Last run", "Result", "Took", "Failed 24h", "Next run");
        for (JobStatus j : r.jobs()) {
            t.row(j.job(), j.table(), j.enabled() ? "yes" : "no", j.keep(), dash(j.duePartitions()),
                    j.dueRows() == null ? "-" : Human.count(j.dueRows()), j.lagSeconds() == null ? "-" : age(j.lagSeconds()),
                    j.objects(), Human.count(j.rows()), Human.bytes(j.gzipBytes()), j.restoredObjects(), when(j.lastRun()),
                    j.lastResult() == null ? "-" : j.lastResult(), j.lastRunMillis() == null ? "-" : Human.duration(j.lastRunMillis()),
                    j.failures24h(), when(j.nextRun()));
        }
        out.print(t.render());
        for (JobStatus j : r.jobs()) {
            if (j.kept() != null) {
                out.println(j.job() + ": " + Human.count(j.kept().rows()) + " of the due rows stay, referenced by other rows ("
                        + String.join(", ", j.kept().byReference().stream()
                                .map(k -> Human.count(k.rows()) + " through " + k.constraint()).toList()) + ")");
            }
        }
        out.println("Status at " + when(r.at()) + " (" + r.at().getOffset() + ") of " + r.database() + ", schema " + r.schema()
                + ". Due: partitions and rows older than keep; Lag: the oldest due row's age.");
        return 0;
    }

    private static String dash(Object o) {
        return o == null ? "-" : o.toString();
    }

    private static String when(OffsetDateTime t) {
        return t == null ? "-" : t.format(WHEN);
    }

    /** An age as a person reads it: 45m, 5h12m, 3d04h. */
    static String age(long seconds) {
        if (seconds < 3600) {
            return seconds / 60 + "m";
        }
        if (seconds < 86_400) {
            return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format("%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
    }
}
