package io.strata.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** {@code strata.management}: the operators' console (Jolokia, health, metrics, remote JMX) and what protects it. */
final class ManagementReader {

    private final ConfigFile f;

    ManagementReader(ConfigFile f) {
        this.f = f;
    }

    StrataConfig.ManagementConfig management(ConfigFile.Section m) {
        int jolokiaPort = m.integer("jolokiaPort", 8778, 0, 65535);
        String host = m.string("jolokiaHost", "127.0.0.1");
        int rmiPort = m.integer("rmiPort", 0, 0, 65535);
        String user = m.string("user", "");
        String password = m.string("password", "");
        if (user.isEmpty() != password.isEmpty()) {
            throw f.error(user.isEmpty() ? "strata.management.user" : "strata.management.password", null,
                    "is required when " + (user.isEmpty() ? "strata.management.password" : "strata.management.user")
                            + " is set");
        }
        if (!user.isEmpty() && !user.matches("[A-Za-z0-9._@-]+")) {
            throw f.error("strata.management.user", user, "must be letters, digits, '.', '_', '@' or '-'");
        }
        if (password.contains(",") || password.contains("\n") || password.contains("\r") || !password.equals(password.trim())) {
            // Vert.x's property-file authentication reads "user.NAME=PASSWORD,ROLES" a line at a time
            throw f.error("strata.management.password", null, "must not contain ',' or a line break, nor begin or end with a space");
        }
        if (jolokiaPort != 0 && user.isEmpty() && !loopback(host)) {
            throw f.error("strata.management.jolokiaHost", host, "is not a loopback address, and Jolokia there would"
                    + " answer anyone who reaches it: set strata.management.user and strata.management.password"
                    + " (from the environment, e.g. \"{{env:STRATA_CONSOLE_PASSWORD}}\"), or keep 127.0.0.1");
        }
        String passwordFile = m.string("rmiPasswordFile", "");
        String accessFile = m.string("rmiAccessFile", "");
        Path rmiPasswordFile = null;
        Path rmiAccessFile = null;
        if (rmiPort != 0) {
            rmiPasswordFile = jmxFile("strata.management.rmiPasswordFile", passwordFile, true);
            rmiAccessFile = jmxFile("strata.management.rmiAccessFile", accessFile, false);
        }
        return new StrataConfig.ManagementConfig(jolokiaPort, host, rmiPort, user.isEmpty() ? null : user,
                password.isEmpty() ? null : password, rmiPasswordFile, rmiAccessFile, m.bool("rmiTls", false),
                m.bytes("rowCache", StrataConfig.ManagementConfig.DEFAULT_ROW_CACHE));
    }

    private boolean loopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw f.error("strata.management.jolokiaHost", host, "is not a known host or address");
        }
    }

    /** A JMX password or access file, checked as the JDK checks its own agent's: a password file only its owner reads. */
    private Path jmxFile(String key, String value, boolean ownerOnly) {
        if (value.isBlank()) {
            throw f.error(key, null, "is required when strata.management.rmiPort is set: remote JMX asks for a user"
                    + " and password (README: JConsole and Hawtio)");
        }
        Path file = Path.of(value).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw f.error(key, value, "is not a file");
        }
        if (!Files.isReadable(file)) {
            throw f.error(key, value, "cannot be read");
        }
        if (ownerOnly) {
            try {
                Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                if (perms.stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
                    throw f.error(key, value, "must be readable by its owner only (chmod 600)");
                }
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the JDK checks the ACL; the operator keeps the file private
            } catch (IOException e) {
                throw f.error(key, value, "cannot be read: " + e.getMessage());
            }
        }
        return file;
    }
}
