package io.strata.storage;

/** The size and SHA-256 (lower-case hex) of a stream of bytes. */
public record ObjectDigest(long size, String sha256) {}
