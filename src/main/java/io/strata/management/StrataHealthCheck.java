package io.strata.management;

import io.strata.db.Database;
import io.strata.storage.S3Storage;
import java.sql.Connection;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Camel health checks of what Strata cannot work without: the database ({@code SELECT 1}) and the
 * bucket ({@code HeadBucket}). Either one down makes {@code /observe/health} DOWN.
 */
final class StrataHealthCheck extends AbstractHealthCheck {

    private interface Probe {
        void run() throws Exception;
    }

    private final Probe probe;

    private StrataHealthCheck(String id, Probe probe) {
        super("strata", id);
        this.probe = probe;
    }

    static StrataHealthCheck database(Database database) {
        return new StrataHealthCheck("database", () -> {
            try (Connection c = database.connection(); var st = c.createStatement()) {
                st.execute("SELECT 1");
                c.rollback();
            }
        });
    }

    static StrataHealthCheck storage(S3Storage storage) {
        return new StrataHealthCheck("s3", () -> storage.client().headBucket(r -> r.bucket(storage.bucket())));
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            probe.run();
            builder.up();
        } catch (Exception e) {
            builder.down().message(e.getMessage()).error(e);
        }
    }
}
