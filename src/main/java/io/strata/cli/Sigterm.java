package io.strata.cli;

import io.strata.app.Instance;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What SIGTERM (or Ctrl-C) does to the {@code archive} command: no new batch starts, the batches in
 * flight go on to their commit or rollback, the runs close as {@code stopped} and the summary is
 * printed; then the JVM exits, with 128 + the signal's number (143 after SIGTERM). A shutdown hook
 * does it: it asks the runtime to stop and holds the JVM open until the command is done, at most
 * {@code strata.shutdownTimeout}; past that the JVM exits anyway and PostgreSQL rolls back what is
 * still open (the run row stays {@code running} until the next run of its job closes it as failed).
 */
final class Sigterm implements AutoCloseable {

    /** The exit code of a command or service that SIGTERM stopped: 128 + 15, as a shell reports it. */
    static final int EXIT_CODE = 143;

    private final Thread hook;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean received;

    private Sigterm(Instance rt, Duration timeout, PrintStream err) {
        this.hook = new Thread(() -> {
            received = true;
            rt.requestStop();
            err.println("strata: stopping; no new batch starts, a batch in flight commits or rolls back first"
                    + " (strata.shutdownTimeout " + timeout + ")");
            try {
                if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    err.println("strata: the batches in flight did not end within strata.shutdownTimeout (" + timeout
                            + "); exiting, and PostgreSQL rolls back what they had not committed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "strata-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Stops {@code rt}'s batches on SIGTERM until {@link #close()}. */
    static Sigterm watch(Instance rt, Duration timeout, PrintStream err) {
        return new Sigterm(rt, timeout, err);
    }

    /** Whether the signal came: the command was stopped. */
    boolean received() {
        return received;
    }

    /** The command is done (its summary printed): lets a JVM that is shutting down exit, or removes the hook. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that the command is done
        }
    }
}
