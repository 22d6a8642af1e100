package io.strata.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * An S3 protocol server inside this JVM (s3proxy), bound to loopback. Objects live as files under a
 * directory (one sub-directory per bucket). Clients reach it over real HTTP with AWS V4 signatures,
 * exactly as they reach AWS.
 */
public final class EmbeddedS3 implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final S3Proxy proxy;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedS3(S3Proxy proxy, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /**
     * Starts over {@code dir} (created if missing); {@code port} 0 picks a free one. Its credentials are
     * new random ones each time: only this process, which started it, knows them.
     */
    public static EmbeddedS3 start(Path dir, int port) throws Exception {
        return start(dir, port, "strata-" + random(8), random(30));
    }

    /** Starts over {@code dir} with the given credentials (for a server that other processes reach too). */
    public static EmbeddedS3 start(Path dir, int port, String accessKey, String secretKey) throws Exception {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create the embedded S3 directory " + dir.toAbsolutePath() + ": " + e, e);
        }
        BlobStore store = new FilesystemNio2BlobStore(dir.toAbsolutePath().normalize().toString());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
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
        return new EmbeddedS3(proxy, accessKey, secretKey);
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
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
