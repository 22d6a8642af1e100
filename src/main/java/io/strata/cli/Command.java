package io.strata.cli;

/** One command of the command line: reads its options, calls the commands' facade, prints the result. */
interface Command {

    /** Runs with the parsed arguments; returns the exit code (0 all well, 1 a failure at run time). */
    int run(Invocation in);
}
