package io.strata.management;

import io.strata.db.Database;
import io.strata.storage.S3Storage;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel health checks of what Strata cannot work without: the database ({@code SELECT 1}) and the
 * bucket ({@code HeadBucket}). Either one down makes {@code /observe/health} DOWN.
 *
 * <p>The endpoint answers anyone who reaches it, so a failed check says only which one failed and a fixed
 * line: the exception (hosts, URLs, users) goes to the log, at WARN when the check goes down and at INFO
 * when it comes back, not at every probe.
 */
final class StrataHealthCheck extends AbstractHealthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(StrataHealthCheck.class);

    private interface Probe {
        void run() throws Exception;
    }

    private final Probe probe;
    private final String downMessage;
    private final AtomicBoolean down = new AtomicBoolean();

    private StrataHealthCheck(String id, String downMessage, Probe probe) {
        super("strata", id);
        this.downMessage = downMessage;
        this.probe = probe;
    }

    static StrataHealthCheck database(Database database) {
        return new StrataHealthCheck("database", "the database does not answer (see the log)", () -> {
            try (Connection c = database.connection(); var st = c.createStatement()) {
                st.execute("SELECT 1");
                c.rollback();
            }
        });
    }

    static StrataHealthCheck storage(S3Storage storage) {
        return new StrataHealthCheck("s3", "the bucket does not answer (see the log)",
                () -> storage.client().headBucket(r -> r.bucket(storage.bucket())));
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            probe.run();
            if (down.compareAndSet(true, false)) {
                LOG.info("health check {} is UP again", getId());
            }
            builder.up();
        } catch (Exception e) {
            if (down.compareAndSet(false, true)) {
                LOG.warn("health check {} is DOWN: {}", getId(), e.toString(), e);
            }
            builder.down().message(downMessage);
        }
    }
}
