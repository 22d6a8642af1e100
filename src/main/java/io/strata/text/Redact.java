package io.strata.text;

import java.util.regex.Pattern;

/**
 * Secrets out of what Strata shows: a JDBC URL or endpoint may carry a password (in its user-info or a
 * {@code password=} parameter); status, JMX, logs and error messages show it with the secret masked.
 */
public final class Redact {

    private static final Pattern USER_INFO = Pattern.compile("(://[^/@?#:]*):[^/@?#]*@");
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)([?&;](?:password|sslpassword|sslkey|secret[a-z_]*|access[-_]?key[a-z_]*|token|sig|signature)=)[^&;#]*");

    private Redact() {}

    /** {@code url} with any password or secret parameter replaced by {@code ***}. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        String out = USER_INFO.matcher(url).replaceAll("$1:***@");
        return SECRET_PARAM.matcher(out).replaceAll("$1***");
    }
}
