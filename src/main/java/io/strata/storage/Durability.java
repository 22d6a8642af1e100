package io.strata.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What makes a stored object durable before the batch that stored it commits (invariant 10). For a
 * remote store, S3's success answer is its promise: the object is stored redundantly before it answers.
 * The embedded store is files on this machine: the file and every directory entry down to it are
 * fsynced, so a power loss after the commit cannot take the rows' only copy with the page cache.
 */
public interface Durability {

    /** Makes the object at {@code key} of {@code bucket} durable; returns once it is. */
    void sync(String bucket, String key) throws IOException;

    /** A remote S3: its 200 is the promise, nothing to do. */
    Durability REMOTE = (bucket, key) -> { };

    /** The embedded store over {@code root}: one directory per bucket, one file per object at its key. */
    static Durability files(Path root) {
        Path top = root.toAbsolutePath().normalize();
        return (bucket, key) -> {
            Path dir = top.resolve(bucket);
            Path file = dir.resolve(key).normalize();
            if (!file.startsWith(dir)) {
                throw new IOException(key + " is not a key inside bucket " + bucket);
            }
            force(file);
            // The file's entry in its directory, and each directory's entry in its parent, the bucket's included.
            for (Path d = file.getParent(); d != null && d.startsWith(top); d = d.getParent()) {
                force(d);
            }
        };
    }

    private static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
