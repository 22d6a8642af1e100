package io.strata.verify;

import java.time.OffsetDateTime;

/**
 * What to verify: the objects of {@code job} (every job when null) whose windows overlap {@code [from, to)}
 * (either end may be null: open). With {@code deep}, each object is also gunzipped and parsed.
 */
public record VerifyRequest(String job, OffsetDateTime from, OffsetDateTime to, boolean deep) {}
