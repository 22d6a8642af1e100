package io.strata.cli;

import io.strata.text.Table;
import io.strata.text.Json;
import io.strata.text.Human;
import io.strata.app.Instance;
import io.strata.config.StrataConfig;
import io.strata.export.References;
import io.strata.figures.Due;
import io.strata.figures.LastRun;
import io.strata.status.JobStatus;
import io.strata.status.StatusReport;
import java.io.PrintStream;
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
        Table t = new Table("Job", "Table", "Enabled", "Keep", "Due", "Due rows", "Oldest due age", "Lag past keep", "Objects",
                "Rows", "Gzip", "Restored", "Last run", "Result", "Took", "Failed 24h", "Next run");
        for (JobStatus j : r.jobs()) {
            if (j.tenant()) {
                continue;
            }
            Due due = j.due();
            LastRun last = j.lastRun();
            t.row(j.job(), j.table(), j.enabled() ? "yes" : "no", j.keep(), due == null ? "-" : due.partitions(),
                    due == null ? "-" : Human.count(due.rows()),
                    due == null || due.oldestDueRow() == null ? "-" : age(due.oldestDueAgeSeconds()),
                    due == null ? "-" : due.oldestDueRow() == null ? "none" : age(due.lagPastKeepSeconds())
                            + (due.beyondAllowance() ? " (allowed " + age(due.allowanceSeconds()) + ")" : ""),
                    j.archived().objects(), Human.count(j.archived().rows()), Human.bytes(j.archived().gzipBytes()),
                    j.archived().restoredObjects(), last == null ? "-" : when(last.start().atZone(r.at().getOffset())),
                    last == null ? "-" : last.status(), last == null || last.millis() == null ? "-" : Human.duration(last.millis()),
                    j.failures24h(), j.nextRun() == null ? "-" : when(j.nextRun().toZonedDateTime()));
        }
        if (!t.isEmpty() || r.jobs().stream().noneMatch(JobStatus::tenant)) {
            out.print(t.render());
        }
        Table tenants = new Table("Tenant job", "Root table", "Enabled", "Tenants", "Bundles", "Rows", "Zip", "Restored",
                "Last archived", "Next run");
        for (JobStatus j : r.jobs()) {
            if (j.tenant()) {
                tenants.row(j.job(), j.table() == null ? "-" : j.table(), j.enabled() ? "yes" : "no",
                        Human.count(j.archived().tenants()), j.archived().objects(), Human.count(j.archived().rows()),
                        Human.bytes(j.archived().gzipBytes()), j.archived().restoredObjects(),
                        j.archived().lastArchived() == null ? "-" : when(j.archived().lastArchived().atZone(r.at().getOffset())),
                        j.nextRun() == null ? "-" : when(j.nextRun().toZonedDateTime()));
            }
        }
        if (!tenants.isEmpty()) {
            out.print(tenants.render());
        }
        for (JobStatus j : r.jobs()) {
            if (j.due() != null && j.due().kept() != null) {
                References.Kept kept = j.due().kept();
                out.println(j.job() + ": " + Human.count(kept.rows()) + " of the due rows stay, referenced by other rows ("
                        + String.join(", ", kept.byReference().stream()
                                .map(k -> Human.count(k.rows()) + " through " + k.constraint()).toList()) + ")");
            }
        }
        for (JobStatus j : r.jobs()) {
            if (j.offloaded() != null) {
                out.println(offloaded(j.job(), j.offloaded()));
            }
        }
        out.println("Status at " + when(r.at().toZonedDateTime()) + " (" + r.at().getOffset() + ") of " + r.database()
                + ", schema " + r.schema() + ". Due: partitions and rows a run would archive now; oldest due age: how old"
                + " the oldest of them is; lag past keep: how far it is past keep (allowed: one batch and one schedule"
                + " interval).");
        return 0;
    }

    /** An offload job's space, in one line: what its offloaded values took in the table, and when it comes back. */
    static String offloaded(String job, io.strata.figures.Offloaded o) {
        return job + ": " + String.join(", ", o.columns()) + " of " + Human.count(o.values()) + " rows offloaded, "
                + Human.bytes(o.bytes()) + " in the table (TOAST included)"
                + (o.tableBytes() == null ? "" : "; the table is " + Human.bytes(o.tableBytes()) + " now"
                + (o.toastBytes() == null ? "" : ", " + Human.bytes(o.toastBytes()) + " of it TOAST")) + "; " + o.space();
    }

    private static String when(java.time.ZonedDateTime t) {
        return t.format(WHEN);
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
