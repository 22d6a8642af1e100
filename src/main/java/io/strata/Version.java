package io.strata;

/** The version written into sidecars and shown by the CLI and JMX. */
public final class Version {

    public static final String VERSION = read();

    private Version() {}

    private static String read() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0";
    }
}
