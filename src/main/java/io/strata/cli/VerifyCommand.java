package io.strata.cli;

import io.strata.text.Table;
import io.strata.text.Json;
import io.strata.text.Human;
import io.strata.app.Instance;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.verify.VerifyReport;
import io.strata.verify.VerifyRequest;
import java.io.PrintStream;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/** {@code verify [--job NAME] [--from T --to T] [--deep] [--json]}. */
final class VerifyCommand implements Command {

    @Override
    public int run(Invocation in) {
        StrataConfig config = in.config();
        PrintStream out = in.out;
        Args args = in.args;
        String job = args.value("job");
        ZoneId zone = job == null ? config.zone() : config.job(job).map(JobConfig::zone).orElse(config.zone());
        OffsetDateTime[] range = TimeArgs.range(args, zone, false);
        VerifyReport r;
        try (Instance instance = Instance.start(config, Instance.Mode.COMMAND)) {
            // A tenant bundle's rows in another database whose delete a killed run left pending (docs/tenants.md).
            var pending = instance.strata().completePendingDeletes();
            if (pending.pending() > 0) {
                in.progress().println("Completed " + pending.pending() + " pending tenant delete(s): "
                        + Human.count(pending.deleted()) + " row(s) deleted in their databases");
            }
            r = instance.strata().verify(new VerifyRequest(job, range[0], range[1], args.flag("deep")));
        }
        if (args.flag("json")) {
            out.println(Json.pretty(r));
            return r.ok() ? 0 : 1;
        }
        Table t = new Table("Job", "Objects", "Gzip", "Rows", "Sound", "Corrupt", "Missing", "Orphans");
        long objects = 0;
        long bytes = 0;
        for (VerifyReport.JobCheck j : r.jobs()) {
            t.row(j.job(), j.objects(), Human.bytes(j.gzipBytes()), Human.count(j.rows()), j.sound(), j.corrupt(),
                    j.missing(), j.orphans());
            objects += j.objects();
            bytes += j.gzipBytes();
        }
        out.print(t.render());
        for (VerifyReport.Problem p : r.problems()) {
            out.println("  " + p.code() + "  " + p.key() + ": " + p.detail());
        }
        out.println("Verified " + objects + " object(s), " + Human.bytes(bytes) + " in " + Human.duration(r.millis())
                + (r.deep() ? ", every row parsed" : "") + ": "
                + (r.ok() ? "all sound." : r.problems().size() + " problem(s)."));
        return r.ok() ? 0 : 1;
    }
}
