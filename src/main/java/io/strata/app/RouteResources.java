package io.strata.app;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The route files Camel loads: the {@code routes/*.camel.yaml} that ship in the jar, each replaced by the
 * file of the same name in the operator's routes directory ({@code strata.routes}) when there is one, plus
 * any other {@code *.camel.yaml} there. Named one by one: given a wildcard, Camel finds classpath files by
 * inflating every entry of the jar, twice per start (over 100 MB for the shaded jar); the jar's directory
 * lists them in milliseconds.
 */
final class RouteResources {

    static final String PATTERN = "classpath:routes/*.camel.yaml";
    private static final String DIR = "routes/";
    private static final String SUFFIX = ".camel.yaml";

    private RouteResources() {}

    /** A comma-separated list of route resources for Camel's {@code routesIncludePattern}. */
    static String includePattern(Path operatorDir) {
        Map<String, String> byName = new TreeMap<>();
        List<String> shipped = shipped();
        if (shipped == null) {
            return operatorDir != null && Files.isDirectory(operatorDir)
                    ? PATTERN + ",file:" + operatorDir.toAbsolutePath().normalize() + "/*" + SUFFIX : PATTERN;
        }
        shipped.forEach(n -> byName.put(n, "classpath:" + DIR + n));
        if (operatorDir != null && Files.isDirectory(operatorDir)) {
            try (Stream<Path> files = Files.list(operatorDir)) {
                files.filter(f -> f.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(f))
                        .forEach(f -> byName.put(f.getFileName().toString(), "file:" + f.toAbsolutePath().normalize()));
            } catch (IOException e) {
                throw new IllegalStateException("strata.routes " + operatorDir + " cannot be read: " + e.getMessage(), e);
            }
        }
        return String.join(",", byName.values());
    }

    /** The file names of the routes in the jar (or on the class path), or null when they cannot be listed. */
    private static List<String> shipped() {
        try {
            URL dir = RouteResources.class.getClassLoader().getResource(DIR);
            if (dir == null) {
                return null;
            }
            List<String> names;
            if ("jar".equals(dir.getProtocol())) {
                JarURLConnection jar = (JarURLConnection) dir.openConnection();
                jar.setUseCaches(false);
                try (JarFile file = jar.getJarFile()) {
                    names = file.stream().map(JarEntry::getName).map(RouteResources::routeName)
                            .filter(n -> n != null).collect(Collectors.toList());
                }
            } else if ("file".equals(dir.getProtocol())) {
                try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
                    names = files.map(f -> routeName(DIR + f.getFileName())).filter(n -> n != null)
                            .collect(Collectors.toList());
                }
            } else {
                return null;
            }
            return names.isEmpty() ? null : names;
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    /** The file name when the entry is a route file directly under routes/, else null. */
    private static String routeName(String entry) {
        return entry.startsWith(DIR) && entry.endsWith(SUFFIX) && entry.indexOf('/', DIR.length()) < 0
                ? entry.substring(DIR.length()) : null;
    }
}
