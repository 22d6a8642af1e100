package io.strata.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The temp files that objects pass through on their way to and from S3: {@code strata-<pid>-<uuid>.part}
 * in {@code strata.tempDir}, named after their process so that the files of a process that is gone
 * (killed mid-batch) can be told apart and removed.
 */
public final class TempFiles {

    private TempFiles() {}

    /** A new temp file's path in {@code dir} (the file is not created). */
    public static Path next(Path dir) {
        return dir.resolve("strata-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID() + ".part");
    }

    /** Creates {@code dir} and removes the temp files of processes that are no longer alive. */
    public static void prepare(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "strata-*.part")) {
            for (Path f : files) {
                String[] parts = f.getFileName().toString().split("-");
                boolean alive = parts.length > 2 && parts[1].matches("\\d+")
                        && ProcessHandle.of(Long.parseLong(parts[1])).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
