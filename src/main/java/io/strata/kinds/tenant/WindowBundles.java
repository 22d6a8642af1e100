package io.strata.kinds.tenant;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.export.BatchResult;
import io.strata.export.Partition;
import io.strata.export.RunContext;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive route's part for a time job with {@code tables:} (routes/archive.camel.yaml): each due window goes
 * through the tenant route as a bundle of its rows and their dependents, and comes back as the window's batch
 * result, so that the run log, progress, status and metrics count it as any window. Before the windows, the
 * deletes an earlier bundle left pending in another database are completed (docs/tenants.md).
 */
public final class WindowBundles {

    private static final Logger PROGRESS = LoggerFactory.getLogger("strata.progress");

    private final PendingDeletes pending;

    public WindowBundles(PendingDeletes pending) {
        this.pending = pending;
    }

    /** Completes what an earlier bundle left to delete in another database; once per run, before its windows. */
    public void completePending(String job) {
        try {
            PendingDeletes.Completed done = pending.complete();
            if (done.pending() > 0) {
                PROGRESS.info("{}: completed {} pending delete(s) of an earlier run ({} rows deleted in their databases)", job,
                        done.pending(), done.deleted());
            }
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "completing the pending deletes: " + e.getMessage(), e);
        }
    }

    /** The window as the tenant route's body. */
    public TenantRequest request(Partition p, RunContext run) {
        return TenantRequest.of(p, run);
    }

    /** What the tenant route made of the window, as its batch result, added to the run (which logs the line). */
    public BatchResult record(Partition p, Object outcome, RunContext run) {
        BatchResult r;
        if (outcome instanceof TenantResult t) {
            BatchResult.Status status = switch (t.status()) {
                case ARCHIVED, PRETEND -> BatchResult.Status.ARCHIVED;
                case EMPTY -> BatchResult.Status.EMPTY;
                case LOCKED -> BatchResult.Status.LOCKED;
                case NOT_STARTED -> BatchResult.Status.NOT_STARTED;
                case FAILED -> BatchResult.Status.FAILED;
            };
            r = new BatchResult(t.job(), p.window().label(), p.tenant(), status, t.chunk(), t.key(), t.rows(), t.rawBytes(), t.bytes(),
                    t.millis(), t.error(), t.kept());
        } else {
            r = new BatchResult(p.job().name(), p.window().label(), p.tenant(), BatchResult.Status.FAILED, 0, null, 0, 0, 0, 0,
                    "bundle ended without a result", 0);
        }
        run.add(r);
        return r;
    }
}
