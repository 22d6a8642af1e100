package io.strata.restore;

import io.strata.manifest.TenantFilter;
import java.time.OffsetDateTime;
import java.util.function.Consumer;

/**
 * What to restore: every manifested bundle of {@code tenant} in tenant job {@code job} — or, for a time job with
 * {@code tables:}, every bundle of a window that meets {@code [from, to)} (of the tenants {@code tenants} selects) —
 * into the tables the rows came from, or into same-named tables in schema {@code intoSchema} (of each table's own
 * database) when set.
 *
 * @param tenant   the tenant job's tenant; null for windows
 * @param from     for windows: the range's start (null for a tenant job)
 * @param tenants  for windows: which tenants' bundles ({@link TenantFilter#ALL} when the job does not split)
 * @param progress told after each table is loaded or skipped (may be null)
 */
public record TenantRestoreRequest(String job, String tenant, String intoSchema, Consumer<TableResult> progress,
        OffsetDateTime from, OffsetDateTime to, TenantFilter tenants) {

    public TenantRestoreRequest(String job, String tenant, String intoSchema, Consumer<TableResult> progress) {
        this(job, tenant, intoSchema, progress, null, null, null);
    }

    /** The bundles of a time job's windows in {@code [from, to)}. */
    public static TenantRestoreRequest windows(String job, OffsetDateTime from, OffsetDateTime to, TenantFilter tenants,
            String intoSchema, Consumer<TableResult> progress) {
        return new TenantRestoreRequest(job, null, intoSchema, progress, from, to, tenants);
    }

    public boolean windows() {
        return from != null;
    }

    /** {@code tenant 13}, or {@code 2024-01-01T00:00Z to 2024-04-01T00:00Z}, for messages. */
    public String describe() {
        return windows() ? "windows from " + from + " to " + to + (tenants.all() ? "" : " of tenant " + tenants.value())
                : "tenant " + tenant;
    }
}
