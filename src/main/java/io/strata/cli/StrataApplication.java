package io.strata.cli;

/** Starts Strata: a one-shot command, or the long-lived service when no command is given. */
public final class StrataApplication {

    private StrataApplication() {}

    public static void main(String[] args) {
        System.setProperty("strata.log.level", Commands.startsService(args) ? "INFO" : "WARN");
        System.exit(new Cli(System.out, System.err, System::getenv).run(args));
    }
}
