package io.strata.management;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * In front of {@code /observe/metrics}: the rules Jolokia follows (jolokia-access.xml), for the metrics. A request
 * from a page of another site ({@code Origin}, or without it {@code Referer}, other than this host) is refused
 * with 403; with {@code strata.management.user} and {@code password} set, one without them gets 401, as Jolokia's
 * does. Prometheus sends neither header, and its {@code basic_auth} for the password. The metrics route itself
 * answers GET only.
 */
final class MetricsGuard implements AuthenticationHandler {

    /** This host's pages, as jolokia-access.xml allows them: 127.0.0.1, localhost and [::1], on any port. */
    private static final Pattern THIS_HOST = Pattern.compile("http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:\\d+)?");

    private final byte[] credentials;

    /** @param user null when the console asks for no password */
    MetricsGuard(String user, String password) {
        this.credentials = user == null ? null : (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!sameHost(request.getHeader("Origin"), request.getHeader("Referer"))) {
            ctx.response().setStatusCode(403).putHeader("Content-Type", "text/plain")
                    .end("a page of another site may not read the metrics\n");
            return;
        }
        if (credentials != null && !authenticated(request.getHeader("Authorization"))) {
            ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"strata\"").end();
            return;
        }
        ctx.next();
    }

    /** No Origin and no Referer (curl, Prometheus), or a page of this host. */
    static boolean sameHost(String origin, String referer) {
        if (origin != null) {
            return THIS_HOST.matcher(origin).matches();
        }
        if (referer == null) {
            return true;
        }
        try {
            URI page = URI.create(referer);
            return page.getScheme() != null && page.getRawAuthority() != null
                    && THIS_HOST.matcher(page.getScheme() + "://" + page.getRawAuthority()).matches();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** HTTP basic authentication with the console's user and password, compared in constant time. */
    private boolean authenticated(String header) {
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith("basic ")) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, credentials);
    }
}
