package io.strata.storage;

/**
 * An object read back from S3 and compared, byte for byte, with the file that was uploaded: the size
 * and SHA-256 (lower-case hex) of what S3 holds, and the offset of the first byte that differs from
 * the file ({@code -1} when none does; the shorter length when one is a prefix of the other).
 */
public record ReadBack(long size, String sha256, long firstDifference) {

    /** S3 holds exactly the uploaded file. */
    public boolean identical() {
        return firstDifference < 0;
    }
}
