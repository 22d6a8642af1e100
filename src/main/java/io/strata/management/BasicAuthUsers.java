package io.strata.management;

import io.strata.ErrorCode;
import io.strata.StrataException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-user file that Camel's management server hands to Vert.x's property-file authentication
 * ({@code camel.management.basicPropertiesFile}): Strata's credentials come from its config (and so from the
 * environment), and Vert.x reads only a file. It is written readable by this user only and deleted once the
 * server has read it.
 */
final class BasicAuthUsers {

    private static final Logger LOG = LoggerFactory.getLogger(BasicAuthUsers.class);

    private BasicAuthUsers() {}

    static Path write(String user, String password) {
        try {
            Path file = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempFile("strata-console-", ".properties",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile("strata-console-", ".properties");
            // Vert.x's format: user.NAME=PASSWORD,ROLE... (the config refuses a ',' or line break in either)
            Files.writeString(file, "user." + user + "=" + password + ",operator\n");
            return file;
        } catch (IOException e) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, "strata.management.user: cannot write the credentials"
                    + " file for Jolokia in " + System.getProperty("java.io.tmpdir") + ": " + e.getClass().getSimpleName(), e);
        }
    }

    static void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.getMessage());
        }
    }
}
