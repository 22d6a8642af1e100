package io.strata.management;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.commands.Strata;
import io.strata.lookup.ArchivedRows;
import io.strata.text.Json;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /strata/jobs/{job}/rows/{key}} on the management server: the archived row, as {@code get --json} prints
 * it, 404 when no object holds the key. Read-only: any other method gets 405. It is behind {@link MetricsGuard} (the
 * console's user and password, as Jolokia asks for them; no page of another site), put in front of {@link #PATH}
 * when the server is made. The look-up runs on a worker thread, not on Vert.x's event loop.
 */
final class RowsEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(RowsEndpoint.class);

    /** Where the guard goes (Vert.x path syntax). */
    static final String GUARDED = "/strata/*";
    static final String PATH = "/strata/jobs/:job/rows/:key";

    private final Strata strata;

    RowsEndpoint(Strata strata) {
        this.strata = strata;
    }

    void install(Router router) {
        router.route(PATH).blockingHandler(this::handle, false);
    }

    private void handle(RoutingContext ctx) {
        if (ctx.request().method() != HttpMethod.GET) {
            ctx.response().setStatusCode(405).putHeader("Allow", "GET").putHeader("Content-Type", "text/plain")
                    .end("read-only: GET only\n");
            return;
        }
        String job = ctx.pathParam("job");
        String key = ctx.pathParam("key");
        if (strata.config().job(job).isEmpty()) {
            json(ctx, 404, Map.of("error", "no job named '" + job + "'", "code", ErrorCode.BAD_ARGUMENT.name()));
            return;
        }
        try {
            ArchivedRows r = strata.get(job, key);
            json(ctx, r.found() ? 200 : 404, r);
        } catch (StrataException e) {
            int status = switch (e.code()) {
                case BAD_ARGUMENT -> 400;
                case S3_CONNECTION, S3_AUTH, DB_CONNECTION -> 503;
                default -> 500;
            };
            LOG.warn("GET /strata/jobs/{}/rows/…: {}", job, e.getMessage());
            json(ctx, status, Map.of("error", e.getMessage(), "code", e.code().name()));
        } catch (RuntimeException e) {
            LOG.warn("GET /strata/jobs/{}/rows/…", job, e);
            json(ctx, 500, Map.of("error", "the look-up failed (see the log)", "code", "INTERNAL"));
        }
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.pretty(body) + "\n");
    }
}
