package io.strata.cli;

import io.strata.ErrorCode;
import io.strata.StrataException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line arguments: {@code [--config PATH] COMMAND [--flag] [--option VALUE] ...}. */
public final class Args {

    private final String command;
    private final Map<String, String> options = new HashMap<>();
    private final Set<String> seen = new java.util.HashSet<>();
    private final Map<String, List<String>> every = new HashMap<>();

    private Args(String command) {
        this.command = command;
    }

    /**
     * @param flags   options that take no value
     * @param valued  options that take one value
     */
    public static Args parse(String[] argv, Set<String> flags, Set<String> valued) {
        List<String> positional = new ArrayList<>();
        Map<String, String> opts = new HashMap<>();
        Map<String, List<String>> every = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name)) {
                    if (value != null) {
                        throw new StrataException(ErrorCode.BAD_ARGUMENT, "--" + name + " takes no value");
                    }
                    opts.put(name, "true");
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
                            throw new StrataException(ErrorCode.BAD_ARGUMENT, "--" + name + " needs a value");
                        }
                        value = argv[++i];
                    }
                    opts.put(name, value);
                    every.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                } else {
                    throw new StrataException(ErrorCode.BAD_ARGUMENT, "unknown option " + a + " (see --help)");
                }
            } else {
                positional.add(a);
            }
        }
        if (positional.size() > 1) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "unexpected argument '" + positional.get(1) + "' (see --help)");
        }
        Args args = new Args(positional.isEmpty() ? null : positional.get(0));
        args.options.putAll(opts);
        args.every.putAll(every);
        return args;
    }

    public String command() {
        return command;
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    /** Every value of an option given more than once ({@code --tenant 13 --tenant 14}), in order. */
    public List<String> values(String name) {
        return every.getOrDefault(name, List.of());
    }

    public String value(String name) {
        return options.get(name);
    }
}
