package io.strata.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * SHA-256 over streams, in one loop for every use: what S3 holds when an object is read back (compared byte
 * for byte with the uploaded file on the way), downloaded for a restore, or checked by verify.
 */
public final class Digests {

    private Digests() {}

    /**
     * Reads both streams to their ends: the size and SHA-256 of {@code stored}, and where it first
     * differs from {@code expected}.
     */
    static ReadBack compare(InputStream stored, InputStream expected) throws IOException {
        Comparison comparison = new Comparison(expected);
        ObjectDigest digest = digest(stored, comparison);
        return new ReadBack(digest.size(), digest.sha256(), comparison.firstDifference());
    }

    /** Compares the bytes written to it with {@code expected}'s, and remembers where they first differ. */
    private static final class Comparison extends OutputStream {

        private final InputStream expected;
        private final byte[] buf = new byte[1 << 16];
        private long offset;
        private long firstDifference = -1;

        Comparison(InputStream expected) {
            this.expected = expected;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int n; len > 0 && firstDifference < 0; off += n, len -= n, offset += n) {
                n = Math.min(len, buf.length);
                int m = expected.readNBytes(buf, 0, n);
                int at = Arrays.mismatch(b, off, off + n, buf, 0, m);
                if (at >= 0) {
                    firstDifference = offset + at;
                }
            }
        }

        /** The offset of the first byte that differs, {@code -1} when none does; call after the last write. */
        long firstDifference() throws IOException {
            if (firstDifference < 0 && expected.read() >= 0) {
                firstDifference = offset;
            }
            return firstDifference;
        }
    }

    public static ObjectDigest digest(InputStream in) throws IOException {
        return digest(in, null);
    }

    /** Reads {@code in} to its end, copying it to {@code copy} unless that is null, and returns its size and SHA-256. */
    public static ObjectDigest digest(InputStream in, OutputStream copy) throws IOException {
        MessageDigest sha = sha256();
        byte[] buf = new byte[1 << 16];
        long size = 0;
        try (DigestInputStream din = new DigestInputStream(in, sha)) {
            for (int n; (n = din.read(buf)) > 0; ) {
                size += n;
                if (copy != null) {
                    copy.write(buf, 0, n);
                }
            }
        }
        return new ObjectDigest(size, HexFormat.of().formatHex(sha.digest()));
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
