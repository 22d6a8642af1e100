package io.strata.kinds.tenant;

import java.util.List;
import java.util.Map;

/**
 * One run of a tenant job: every tenant's result, and the rows kept (shared with other tenants) per table.
 *
 * @param keptByTable {@code database:schema.table} → rows exported but kept, over the run
 */
public record TenantRun(String job, boolean pretend, List<TenantResult> tenants, Map<String, Long> keptByTable,
        long millis, PendingDeletes.Completed pendingCompleted) {

    public long count(TenantResult.Status status) {
        return tenants.stream().filter(t -> t.status() == status).count();
    }

    public long rows() {
        return tenants.stream().mapToLong(TenantResult::rows).sum();
    }

    public long bytes() {
        return tenants.stream().filter(t -> t.key() != null).mapToLong(TenantResult::bytes).sum();
    }

    public boolean ok() {
        return count(TenantResult.Status.FAILED) == 0;
    }
}
