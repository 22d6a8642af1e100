package io.strata;

import io.strata.cli.Cli;

/** Starts Strata: a one-shot command, or the long-lived service when no command is given. */
public final class StrataApplication {

    private StrataApplication() {}

    public static void main(String[] args) {
        boolean service = java.util.Arrays.stream(args).noneMatch(java.util.Set.of(
                "archive", "demo", "status", "verify", "restore", "report", "help", "version", "--help", "--version")::contains);
        System.setProperty("strata.log.level", service ? "INFO" : "WARN");
        int code = new Cli(System.out, System.err, System::getenv).run(args);
        System.exit(code);
    }
}
