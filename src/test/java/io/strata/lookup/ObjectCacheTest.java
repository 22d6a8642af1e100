package io.strata.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache of decompressed objects: bounded by bytes, least recently used out first, keyed by key and SHA-256. */
class ObjectCacheTest {

    @TempDir
    Path dir;

    private Path file(String name, int bytes) throws Exception {
        return Files.write(dir.resolve(name), new byte[bytes]);
    }

    @Test
    void theLeastRecentlyUsedGoOnceTheFilesTakeMoreThanTheLimitAndTheirFilesWithThem() throws Exception {
        try (ObjectCache cache = new ObjectCache(250)) {
            Path a = file("a", 100);
            Path b = file("b", 100);
            Path c = file("c", 100);
            assertTrue(cache.put("k/a", "sa", a));
            assertTrue(cache.put("k/b", "sb", b));
            assertNotNull(cache.get("k/a", "sa"));  // a is now the most recently used
            assertTrue(cache.put("k/c", "sc", c));
            assertNull(cache.get("k/b", "sb"), "b went: it was used least recently");
            assertFalse(Files.exists(b));
            assertNotNull(cache.get("k/a", "sa"));
            assertNotNull(cache.get("k/c", "sc"));
            assertEquals(200, cache.bytes());
            assertEquals(3, cache.hits());
            assertEquals(1, cache.misses());

            assertNull(cache.get("k/a", "other"), "another SHA-256 is another object");
            assertFalse(cache.put("k/big", "s", file("big", 251)), "larger than the whole cache: not kept");
            assertEquals(200, cache.bytes());
        }
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "closed: only the file the cache refused is left, for its caller to delete");
        }
    }

    @Test
    void aCacheOfZeroBytesKeepsNothing() throws Exception {
        try (ObjectCache cache = new ObjectCache(0)) {
            assertFalse(cache.put("k", "s", file("a", 1)));
            assertNull(cache.get("k", "s"));
        }
    }
}
