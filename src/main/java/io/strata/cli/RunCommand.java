package io.strata.cli;

import io.strata.Version;
import io.strata.app.Instance;
import io.strata.export.JobState;
import java.util.concurrent.CountDownLatch;

/** {@code run} (or no command): the service, every enabled job on its schedule, until SIGTERM. */
final class RunCommand implements Command {

    @Override
    public int run(Invocation in) {
        Instance instance = Instance.start(in.config(), Instance.Mode.SERVICE);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            instance.requestStop();
            in.err.println("strata: stopping; a batch in flight commits or rolls back first");
            instance.close();
            stopped.countDown();
        }, "strata-shutdown"));
        in.out.println("Strata " + Version.VERSION + " running " + instance.strata().jobs().all().size()
                + " job(s) on their schedules:");
        for (JobState job : instance.strata().jobs().all()) {
            in.out.println("  " + job.config().name() + "  " + job.config().qualifiedTable() + "  schedule \""
                    + job.config().schedule() + "\"");
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Sigterm.EXIT_CODE; // the JVM exits with it anyway: the signal's 128 + 15
    }
}
