package io.strata.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The read-back's comparison: what S3 returned against the uploaded file, across buffer boundaries. */
class ReadBackTest {

    private static final byte[] FILE = new byte[200_000];

    static {
        new Random(7).nextBytes(FILE);
    }

    private static ReadBack compare(byte[] stored) throws Exception {
        return Digests.compare(new ByteArrayInputStream(stored), new ByteArrayInputStream(FILE));
    }

    @Test
    void identicalBytesHaveNoDifferenceAndTheirOwnSha256() throws Exception {
        ReadBack r = compare(FILE.clone());
        assertTrue(r.identical());
        assertEquals(FILE.length, r.size());
        assertEquals(Digests.digest(new ByteArrayInputStream(FILE)).sha256(), r.sha256());
    }

    @Test
    void oneChangedByteIsFoundWhereItIs() throws Exception {
        for (int at : new int[] {0, 65_535, 65_536, 150_001, FILE.length - 1}) {
            byte[] stored = FILE.clone();
            stored[at] ^= 1;
            ReadBack r = compare(stored);
            assertFalse(r.identical());
            assertEquals(at, r.firstDifference());
            assertEquals(Digests.digest(new ByteArrayInputStream(stored)).sha256(), r.sha256(), "the hash of what S3 holds");
        }
    }

    @Test
    void aShorterOrLongerObjectDiffersWhereTheShorterEnds() throws Exception {
        ReadBack shorter = compare(Arrays.copyOf(FILE, 70_000));
        assertEquals(70_000, shorter.firstDifference());
        assertEquals(70_000, shorter.size());

        ReadBack longer = compare(Arrays.copyOf(FILE, FILE.length + 3));
        assertEquals(FILE.length, longer.firstDifference());
        assertEquals(FILE.length + 3, longer.size());

        assertEquals(0, compare(new byte[0]).firstDifference());
    }

    @Test
    void theFramingOfAChunkedUploadIsRecognisedAndAGzipStreamIsNot() {
        assertTrue(S3Storage.chunkFramed("1d9;chunk-signature=0a1b".getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(S3Storage.chunkFramed("10000;chunk-signature=".getBytes(StandardCharsets.ISO_8859_1)));
        assertFalse(S3Storage.chunkFramed(new byte[] {0x1f, (byte) 0x8b, 8, 0}));
        assertFalse(S3Storage.chunkFramed("1d9\r\nchunk-signature=".getBytes(StandardCharsets.ISO_8859_1)));
        assertFalse(S3Storage.chunkFramed(new byte[0]));
    }
}
