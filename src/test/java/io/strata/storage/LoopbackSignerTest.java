package io.strata.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strata.testing.TestEnv;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The embedded S3's signer still authenticates every request, but leaves the payload unsigned. */
class LoopbackSignerTest {

    @TempDir
    Path dir;
    EmbeddedS3 s3;
    final List<SdkHttpRequest> sent = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        s3 = TestEnv.s3(dir.resolve("s3"));
    }

    @AfterEach
    void stop() throws Exception {
        s3.close();
    }

    private S3Client client(String secret) {
        return S3Client.builder()
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .endpointOverride(URI.create(s3.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestEnv.ACCESS_KEY, secret)))
                .putAuthScheme(LoopbackSigner.scheme())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        sent.add(context.httpRequest());
                    }
                }))
                .build();
    }

    @Test
    void anUploadIsSignedButItsBytesAreNotHashedAndS3HoldsThemExactly() throws Exception {
        byte[] body = new byte[3_000_000];
        new Random(7).nextBytes(body);
        Path file = Files.write(dir.resolve("object.bin"), body);
        try (S3Client client = client(TestEnv.SECRET_KEY)) {
            client.createBucket(r -> r.bucket("bkt"));
            client.putObject(r -> r.bucket("bkt").key("a b/ü+1.bin"), RequestBody.fromFile(file));
            assertArrayEquals(body, client.getObjectAsBytes(r -> r.bucket("bkt").key("a b/ü+1.bin")).asByteArray());
        }
        SdkHttpRequest put = sent.stream().filter(r -> r.method().name().equals("PUT") && r.encodedPath().endsWith(".bin"))
                .findFirst().orElseThrow();
        assertEquals("http", put.protocol());
        assertEquals(List.of("UNSIGNED-PAYLOAD"), put.headers().get("x-amz-content-sha256"));
        assertFalse(put.firstMatchingHeader("Content-Encoding").orElse("").contains("aws-chunked"), put.headers().toString());
        assertEquals(List.of(String.valueOf(body.length)), put.headers().get("Content-Length"));
    }

    @Test
    void aWrongSecretIsStillRefused() {
        try (S3Client good = client(TestEnv.SECRET_KEY); S3Client bad = client("not-the-secret")) {
            good.createBucket(r -> r.bucket("bkt"));
            S3Exception e = assertThrows(S3Exception.class,
                    () -> bad.putObject(r -> r.bucket("bkt").key("k"), RequestBody.fromString("x")));
            assertEquals(403, e.statusCode());
            assertFalse(good.listObjectsV2(r -> r.bucket("bkt")).hasContents(), "nothing was stored");
        }
    }
}
