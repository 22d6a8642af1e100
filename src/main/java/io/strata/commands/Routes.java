package io.strata.commands;

import io.strata.StrataException;
import io.strata.storage.S3Storage;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one way commands reach the routes: send a request to a {@code direct:} endpoint and take its
 * reply; a failure comes back as the coded exception the route threw (an S3 failure mapped to its code).
 */
public final class Routes implements AutoCloseable {

    private final ProducerTemplate template;
    private final S3Storage storage;

    public Routes(CamelContext camel, S3Storage storage) {
        this.template = camel.createProducerTemplate();
        this.storage = storage;
    }

    /** Sends {@code body} with {@code headers} to {@code uri} and returns the route's reply as a {@code type}. */
    public <T> T request(String uri, Object body, Map<String, Object> headers, Class<T> type) {
        try {
            return template.requestBodyAndHeaders(uri, body, headers, type);
        } catch (CamelExecutionException e) {
            throw unwrap(uri, e);
        }
    }

    /** As {@link #request}, without waiting: the future completes with the reply or the unwrapped failure. */
    public <T> CompletableFuture<T> requestAsync(String uri, Object body, Map<String, Object> headers, Class<T> type) {
        return template.asyncRequestBodyAndHeaders(uri, body, headers, type).handle((reply, failure) -> {
            if (failure == null) {
                return reply;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            throw unwrap(uri, cause);
        });
    }

    private RuntimeException unwrap(String uri, Throwable failure) {
        Throwable cause = failure instanceof CamelExecutionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof StrataException se) {
            return se;
        }
        SdkException s3 = StrataException.causeOf(cause, SdkException.class);
        if (s3 != null) {
            return storage.failure(uri.replace("direct:", "") + ": S3", s3);
        }
        return cause instanceof RuntimeException re ? re : new IllegalStateException(cause.getMessage(), cause);
    }

    @Override
    public void close() {
        try {
            template.stop();
        } catch (Exception ignored) {
            // nothing left to release
        }
    }
}
