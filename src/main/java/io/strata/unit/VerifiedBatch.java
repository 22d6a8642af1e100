package io.strata.unit;

/**
 * A batch whose object S3 holds as written, durable in its store: what is left is to record it and commit.
 *
 * @param sha256 of the object as S3 holds it
 */
public record VerifiedBatch(Batch batch, String sha256, long uploadMs, long verifyMs) {}
