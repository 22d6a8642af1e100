package io.strata.kinds.tenant;

import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's schedule of tenant jobs (route template {@code strata-tenant-schedule}): each firing archives what the
 * job's {@code due} query returns, through the tenant route, with its progress in the log.
 */
public final class TenantSchedule {

    private static final Logger PROGRESS = LoggerFactory.getLogger("strata.progress");

    private final TenantRunner runner;
    private volatile Function<TenantRequest, TenantResult> send;

    public TenantSchedule(TenantRunner runner) {
        this.runner = runner;
    }

    /** How a tenant reaches the tenant route; set once Camel runs. */
    public void sender(Function<TenantRequest, TenantResult> send) {
        this.send = send;
    }

    /** One scheduled run of {@code job}. */
    public TenantRun run(String job) {
        TenantRun run = runner.run(job, runner.due(job), false, send, PROGRESS::info);
        PROGRESS.info("{}: {} tenant(s) due, {} archived, {} failed, {} rows", job, run.tenants().size(),
                run.count(TenantResult.Status.ARCHIVED), run.count(TenantResult.Status.FAILED), run.rows());
        return run;
    }
}
