package io.strata.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3 protocol server inside this JVM (s3proxy), bound to loopback. Objects live as files under a
 * directory (one sub-directory per bucket), or in memory for tests. Clients reach it over real HTTP
 * with AWS V4 signatures, exactly as they reach AWS.
 */
public final class EmbeddedS3 implements AutoCloseable {

    public static final String ACCESS_KEY = "strata";
    public static final String SECRET_KEY = "strata-embedded-secret";

    private final S3Proxy proxy;

    private EmbeddedS3(S3Proxy proxy) {
        this.proxy = proxy;
    }

    /** Starts over {@code dir} (created if missing); {@code port} 0 picks a free one. */
    public static EmbeddedS3 start(Path dir, int port) throws Exception {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create the embedded S3 directory " + dir.toAbsolutePath() + ": " + e, e);
        }
        return start(new FilesystemNio2BlobStore(dir.toAbsolutePath().normalize().toString()), port);
    }

    /** Starts an in-memory store, for tests. */
    public static EmbeddedS3 startTransient(int port) throws Exception {
        return start(new TransientNio2BlobStore(), port);
    }

    private static EmbeddedS3 start(BlobStore store, int port) throws Exception {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!"STARTED".equals(proxy.getState()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        if (!"STARTED".equals(proxy.getState())) {
            proxy.stop();
            throw new IOException("embedded S3 did not start on 127.0.0.1:" + port + " (state " + proxy.getState() + ")");
        }
        return new EmbeddedS3(proxy);
    }

    public int port() {
        return proxy.getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
