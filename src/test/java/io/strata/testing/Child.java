package io.strata.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Strata in a child JVM ({@link TestEnv#child}), its stdout and stderr in one log file: started,
 * waited on with bounded waits whose failures print the log, killed or stopped.
 */
public final class Child {

    private final Process process;
    private final Path log;

    private Child(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code ARGS} with {@code -Xmx256m}, logging to {@code log}. */
    public static Child start(Path log, String... args) throws IOException {
        Process p = TestEnv.child(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), args)
                .directory(log.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Child(p, log);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return "--- log of " + log.getFileName() + "\n" + Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("still alive 30 s after SIGKILL\n" + log());
        }
    }

    /** SIGTERM; does not wait. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit and returns its exit code; fails (after a SIGKILL) past {@code timeout}. */
    public int exit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("did not exit within " + timeout.toSeconds() + " s (killed)\n" + log());
        }
        return process.exitValue();
    }

    /** Waits until the log contains {@code text}; fails when the process exits first or past {@code timeout}. */
    public void awaitLog(String text, Duration timeout) {
        Await.until("the log to show '" + text + "'", timeout, () -> log().contains(text), this::log);
    }

    /** Kills the process if it is still running (for a test's cleanup). */
    public void destroy() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
