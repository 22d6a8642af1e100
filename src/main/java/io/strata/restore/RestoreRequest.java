package io.strata.restore;

import java.time.OffsetDateTime;
import java.util.function.Consumer;

/**
 * What to restore: the objects of {@code job} whose windows overlap {@code [from, to)}, of one tenant when
 * {@code tenant} is set, into the tables they came from, or into {@code into} when set.
 *
 * @param progress told after each object (may be null)
 */
public record RestoreRequest(String job, OffsetDateTime from, OffsetDateTime to, String tenant, String into,
        Consumer<RestorePlan> progress) {}
