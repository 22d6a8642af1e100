package io.strata.cli;

import io.strata.ErrorCode;
import io.strata.StrataException;
import java.io.PrintStream;
import java.util.Set;
import java.util.function.Function;

/**
 * The command line: parses the arguments, finds the command and runs it. Returns the exit code: 0 all well,
 * 1 a failure at run time, 2 bad configuration or arguments (the error's code says which), 143 stopped by
 * SIGTERM.
 */
public final class Cli {

    static final Set<String> FLAGS = Set.of("dry-run", "json", "help", "version", "deep", "null-tenant", "pretend");
    static final Set<String> VALUED = Set.of("config", "job", "from", "to", "tenant", "into", "out", "key",
            "into-schema");

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
            String name = args.flag("help") ? "help" : args.flag("version") ? "version"
                    : args.command() == null ? Commands.SERVICE : args.command();
            Commands.Entry entry = Commands.find(name).orElseThrow(() -> new StrataException(ErrorCode.BAD_ARGUMENT,
                    "unknown command '" + name + "'; commands are " + Commands.names() + " (see --help)"));
            return entry.command().get().run(new Invocation(args, out, err, env));
        } catch (StrataException e) {
            err.println("strata: " + e.getMessage());
            return e.code().exitCode();
        } catch (RuntimeException e) {
            err.println("strata: unexpected failure: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }
}
