package io.strata.kinds.tenant;

import io.strata.export.Partition;
import io.strata.export.RunContext;
import io.strata.text.Human;

/**
 * One bundle to archive, the body the tenant route ({@code direct:strata-tenant}) takes: a tenant of a tenant job, or
 * one window (and tenant) of a time job with {@code tables:}, then with the run it belongs to.
 *
 * @param tenant the tenant job's root key; for a window, its tenant's value (null when the job does not split, or
 *               for the NULL tenant)
 * @param window the window's partition; null for a tenant job
 * @param run    the window's run (its id, the table's timestamp type); null for a tenant job
 */
public record TenantRequest(String job, String tenant, boolean pretend, Partition window, RunContext run) {

    public TenantRequest(String job, String tenant, boolean pretend) {
        this(job, tenant, pretend, null, null);
    }

    /** A window of a time job with {@code tables:}. */
    public static TenantRequest of(Partition p, RunContext run) {
        return new TenantRequest(p.job().name(), p.tenant(), false, p, run);
    }

    /** {@code tenant 13}, or {@code 2024-01-01T00:00 tenant=7} for a window. */
    public String describe() {
        if (window == null) {
            return "tenant " + tenant;
        }
        return window.window().start() + (window.tenantSplit() ? " tenant=" + Human.tenant(tenant) : "");
    }
}
