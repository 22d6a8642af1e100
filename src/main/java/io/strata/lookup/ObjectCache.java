package io.strata.lookup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The objects {@code get} read lately, as files of their decompressed content in the temp directory: the least
 * recently used go first once the files take more than {@code maxBytes}; an object larger than that is not kept.
 * Entries are keyed by object key and SHA-256, so an object whose manifest row changed is read again. Only the
 * file names are in memory; a file is read by offset, never loaded whole. A file removed while a look-up reads
 * it stays readable to that look-up (it holds it open).
 */
public final class ObjectCache implements AutoCloseable {

    private final long maxBytes;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private long bytes;

    private record Entry(Path file, long size) {}

    public ObjectCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    static String id(String objectKey, String sha256) {
        return sha256 + " " + objectKey;
    }

    /** The decompressed file of the object, when cached (and still there); counts a hit or a miss. */
    synchronized Path get(String objectKey, String sha256) {
        Entry e = entries.get(id(objectKey, sha256));
        if (e != null && Files.exists(e.file())) {
            hits.incrementAndGet();
            return e.file();
        }
        if (e != null) {
            entries.remove(id(objectKey, sha256));
            bytes -= e.size();
        }
        misses.incrementAndGet();
        return null;
    }

    /**
     * Keeps {@code file} (the object's verified, decompressed content) as the object's entry, and returns true;
     * false when it is larger than the whole cache (the caller deletes it then).
     */
    synchronized boolean put(String objectKey, String sha256, Path file) throws IOException {
        long size = Files.size(file);
        if (maxBytes <= 0 || size > maxBytes) {
            return false;
        }
        Entry old = entries.put(id(objectKey, sha256), new Entry(file, size));
        if (old != null) {
            bytes -= old.size();
            Files.deleteIfExists(old.file());
        }
        bytes += size;
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); bytes > maxBytes && it.hasNext(); ) {
            Entry e = it.next().getValue();
            if (e.file().equals(file)) {
                continue;
            }
            it.remove();
            bytes -= e.size();
            Files.deleteIfExists(e.file());
        }
        return true;
    }

    /** Look-ups answered from the cache since the start. */
    public long hits() {
        return hits.get();
    }

    /** Look-ups of objects that were not in the cache. */
    public long misses() {
        return misses.get();
    }

    /** The bytes the cached files take. */
    public synchronized long bytes() {
        return bytes;
    }

    @Override
    public synchronized void close() {
        for (Entry e : entries.values()) {
            try {
                Files.deleteIfExists(e.file());
            } catch (IOException ignored) {
                // a temp file: TempFiles.prepare removes it at the next start
            }
        }
        entries.clear();
        bytes = 0;
    }
}
