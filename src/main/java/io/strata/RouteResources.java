package io.strata;

import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The route files Strata ships, {@code routes/*.camel.yaml}, named one by one for Camel. Given the
 * wildcard, Camel finds them by inflating every entry of the jar, and does so twice per start (over
 * 100 MB for the shaded jar: seconds of CPU for every one-shot command); the jar's directory lists
 * them in milliseconds. Anything unexpected falls back to the wildcard.
 */
final class RouteResources {

    static final String PATTERN = "classpath:routes/*.camel.yaml";
    private static final String DIR = "routes/";
    private static final String SUFFIX = ".camel.yaml";

    private RouteResources() {}

    /** A comma-separated list of {@code classpath:routes/…} resources, or the wildcard pattern. */
    static String includePattern() {
        try {
            URL dir = RouteResources.class.getClassLoader().getResource(DIR);
            if (dir == null) {
                return PATTERN;
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
                return PATTERN;
            }
            return names.isEmpty() ? PATTERN
                    : names.stream().sorted().map(n -> "classpath:" + n).collect(Collectors.joining(","));
        } catch (Exception | LinkageError e) {
            return PATTERN;
        }
    }

    /** The entry itself when it is a route file directly under routes/, else null. */
    private static String routeName(String entry) {
        return entry.startsWith(DIR) && entry.endsWith(SUFFIX) && entry.indexOf('/', DIR.length()) < 0 ? entry : null;
    }
}
