package io.strata.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * The temp files that objects pass through on their way to and from S3: {@code strata-<pid>-<uuid>.part}
 * in {@code strata.tempDir}, named after their process so that the files of a process that is gone
 * (killed mid-batch) can be told apart and removed. They hold rows, so they are the owner's alone: the
 * files are created 0600, the directory 0700 (on file systems with POSIX permissions).
 */
public final class TempFiles {

    private TempFiles() {}

    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    /** Creates a new, empty temp file in {@code dir} that only its owner can read. */
    public static Path create(Path dir) throws IOException {
        Path file = dir.resolve("strata-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID() + ".part");
        if (posix(dir)) {
            return Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        }
        return Files.createFile(file);
    }

    /**
     * Creates {@code dir} (0700) when missing — an existing one is left as it is (it may be shared, like
     * {@code /tmp}; the files in it are 0600) — and removes the temp files of processes that are gone.
     */
    public static void prepare(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                if (posix(parent)) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                } else {
                    Files.createDirectory(dir);
                }
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another instance created it a moment ago
            }
        }

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

    private static boolean posix(Path path) throws IOException {
        return path != null && Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class);
    }
}
