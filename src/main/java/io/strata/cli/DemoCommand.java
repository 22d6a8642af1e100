package io.strata.cli;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.app.Instance;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.demo.DemoTable;
import io.strata.export.ObjectKeys;
import io.strata.export.Progress;
import io.strata.export.RunSummary;
import io.strata.text.Human;
import java.io.PrintStream;
import java.sql.SQLException;
import java.util.List;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@code demo}: creates {@code strata_demo.events} and archives it with the config's job for that table. */
final class DemoCommand implements Command {

    @Override
    public int run(Invocation in) {
        StrataConfig config = in.config();
        PrintStream out = in.out;
        JobConfig job = config.jobs().stream().filter(j -> j.qualifiedTable().equals(DemoTable.TABLE)).findFirst()
                .orElseThrow(() -> new StrataException(ErrorCode.CONFIG_INVALID, config.source()
                        + ": no job archives " + DemoTable.TABLE + "; the demo needs one (see the shipped config/application.yaml)"));
        if (!job.enabled()) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, config.source() + ": job '" + job.name()
                    + "' for " + DemoTable.TABLE + " has enabled: false; the demo needs it enabled");
        }
        try (Database db = Database.open(config.database())) {
            out.println("Creating " + DemoTable.TABLE + " in " + config.database().shownUrl() + " ...");
            DemoTable.create(db);
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "creating " + DemoTable.TABLE + ": " + e.getMessage(), e);
        }
        try (Instance instance = Instance.start(config, Instance.Mode.COMMAND)) {
            int removed = DemoTable.forgetEarlier(instance.database(), instance.storage(), config.schema(), job);
            if (removed > 0) {
                out.println("Removed " + removed + " object(s) and their manifest rows left by an earlier demo run.");
            }
            long before = DemoTable.count(instance.database());
            out.println(Human.count(before) + " rows over 30 days; job '" + job.name() + "' keeps " + job.keepText()
                    + " and archives the rest in " + job.batch().fixed().toMinutes() + "-minute " + job.format().extension()
                    + " objects.");
            out.println();
            instance.onProgress(run -> out.println(Progress.line(run)));
            RunSummary s = instance.strata().archive(job.name(), "demo");
            long after = DemoTable.count(instance.database());
            out.println();
            out.print(ArchiveCommand.summaryTable(List.of(s)));
            out.println();
            out.println("Rows in " + DemoTable.TABLE + ": " + Human.count(before) + " before, " + Human.count(after) + " now.");
            String prefix = ObjectKeys.jobPrefix(config.s3().prefix(), job.name());
            String where = config.s3().embedded()
                    ? config.s3().embeddedDir().resolve(config.s3().bucket()).toAbsolutePath().normalize() + "/" + prefix
                    : "s3://" + config.s3().bucket() + "/" + prefix;
            out.println("Objects (gzipped " + job.format().extension() + ", each with a .json sidecar) are under " + where);
            List<S3Object> objects = instance.storage().list(prefix);
            objects.stream().filter(o -> o.key().endsWith(".gz")).limit(3)
                    .forEach(o -> out.println("  " + o.key() + "  " + Human.bytes(o.size())));
            out.println("The manifest is the table " + config.schema() + ".manifest; each run is in "
                    + config.schema() + ".run.");
            return s.ok() ? 0 : 1;
        }
    }
}
