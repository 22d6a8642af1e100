package io.strata.cli;

import io.strata.config.ConfigLoader;
import io.strata.config.StrataConfig;
import java.io.PrintStream;
import java.util.function.Function;

/**
 * One call of the command line: its arguments, where its output goes, the environment it reads, and the
 * config (loaded on first use, so that {@code help} and {@code version} need none).
 */
final class Invocation {

    final Args args;
    final PrintStream out;
    final PrintStream err;
    private final Function<String, String> env;
    private StrataConfig config;

    Invocation(Args args, PrintStream out, PrintStream err, Function<String, String> env) {
        this.args = args;
        this.out = out;
        this.err = err;
        this.env = env;
    }

    StrataConfig config() {
        if (config == null) {
            config = new ConfigLoader(env).load(ConfigLoader.resolvePath(args.value("config"), env));
        }
        return config;
    }

    boolean json() {
        return args.flag("json");
    }

    /** Where progress lines go: stdout, or stderr when stdout carries JSON. */
    PrintStream progress() {
        return json() ? err : out;
    }
}
