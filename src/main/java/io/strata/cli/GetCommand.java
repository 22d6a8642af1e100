package io.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.app.Instance;
import io.strata.lookup.ArchivedRows;
import io.strata.text.Human;
import io.strata.text.Json;
import io.strata.text.Table;
import java.io.PrintStream;

/** {@code get --job NAME --key K [--json]}: one archived row, read from its object; nothing is restored. */
final class GetCommand implements Command {

    @Override
    public int run(Invocation in) {
        Args args = in.args;
        String job = args.value("job");
        String key = args.value("key");
        if (job == null || key == null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "get needs --job NAME and --key K");
        }
        in.config().job(job).orElseThrow(() -> new StrataException(ErrorCode.BAD_ARGUMENT, "no job named '" + job + "'"));
        ArchivedRows r;
        try (Instance instance = Instance.start(in.config(), Instance.Mode.COMMAND)) {
            r = instance.strata().get(job, key);
        }
        PrintStream out = in.out;
        if (args.flag("json")) {
            out.println(Json.pretty(r));
        } else {
            print(out, r);
        }
        if (!r.found()) {
            in.err.println("no archived row of job '" + job + "' has " + r.keyColumn() + " = " + r.key() + " ("
                    + r.objectsRead() + " object(s) read)");
            return 1;
        }
        return 0;
    }

    private static void print(PrintStream out, ArchivedRows r) {
        int n = 0;
        for (ArchivedRows.Version v : r.rows()) {
            if (n++ > 0) {
                out.println();
            }
            out.println(r.table() + " " + r.keyColumn() + " = " + r.key() + (r.rows().size() > 1
                    ? "  (version " + n + " of " + r.rows().size() + ", newest first)" : ""));
            out.println("  from " + v.object() + " (manifest id " + v.manifestId() + ", chunk " + v.chunk() + ", archived "
                    + v.archivedAt() + (v.tenant() != null ? ", tenant " + Human.tenant(v.tenant()) : "")
                    + ("restored".equals(v.state()) ? ", since restored" : "") + ")");
            Table t = new Table("Column", "Value");
            for (String column : v.columns()) {
                // SQL NULL is NULL; a json column's JSON null is null (JSON lines version 2 leaves the SQL NULL out)
                JsonNode value = v.values().get(column);
                boolean json = v.jsonColumns().contains(column);
                t.row(column, value == null || (value.isNull() && !json) ? "NULL"
                        : value.isTextual() ? value.asText() : value.toString());
            }
            out.print(t.render());
        }
        if (r.found()) {
            out.println(r.rows().size() + " version(s) from " + r.objectsRead() + " object(s) read (" + r.downloaded()
                    + " downloaded) in " + Human.duration(r.millis()) + ".");
        }
    }
}
