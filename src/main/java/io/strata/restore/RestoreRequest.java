package io.strata.restore;

import io.strata.manifest.TenantFilter;
import java.time.OffsetDateTime;
import java.util.function.Consumer;

/**
 * What to restore: the objects of {@code job} whose windows overlap {@code [from, to)}, of the tenants
 * {@code tenant} selects, into the tables they came from, or into {@code into} when set.
 *
 * @param progress told after each object (may be null)
 */
public record RestoreRequest(String job, OffsetDateTime from, OffsetDateTime to, TenantFilter tenant, String into,
        Consumer<RestorePlan> progress) {}
