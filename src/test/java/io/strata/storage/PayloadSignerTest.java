package io.strata.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.config.StrataConfig.S3Config.PayloadSigning;
import io.strata.testing.TestEnv;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Each payload signing mode sends what it says, over plain HTTP, for a PUT of a file and for a multipart
 * part read from a stream (as camel-aws2-s3 sends parts); every request is still authenticated, and S3
 * holds exactly the bytes sent.
 */
class PayloadSignerTest {

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

    private S3Client client(PayloadSigning mode, String secret) {
        return S3Client.builder()
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .endpointOverride(URI.create(s3.endpoint()))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestEnv.ACCESS_KEY, secret)))
                .putAuthScheme(PayloadSigner.scheme(mode))
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        sent.add(context.httpRequest());
                    }
                }))
                .build();
    }

    private static byte[] random(int size, long seed) {
        byte[] body = new byte[size];
        new Random(seed).nextBytes(body);
        return body;
    }

    private SdkHttpRequest sentPut(String pathEnd) {
        return sent.stream().filter(r -> r.method().name().equals("PUT") && r.encodedPath().endsWith(pathEnd))
                .findFirst().orElseThrow(() -> new AssertionError("no PUT of " + pathEnd + " in " + sent));
    }

    /** Asserts the headers of an upload of {@code body} say what {@code mode} promises. */
    private static void assertSigned(PayloadSigning mode, SdkHttpRequest put, byte[] body) throws Exception {
        assertEquals("http", put.protocol());
        String encoding = put.firstMatchingHeader("Content-Encoding").orElse("");
        List<String> contentSha = put.headers().get("x-amz-content-sha256");
        switch (mode) {
            case UNSIGNED -> {
                assertEquals(List.of("UNSIGNED-PAYLOAD"), contentSha);
                assertFalse(encoding.contains("aws-chunked"), put.headers().toString());
                assertEquals(List.of(String.valueOf(body.length)), put.headers().get("Content-Length"));
            }
            case SIGNED -> {
                String sha = HexFormat.of().formatHex(Digests.sha256().digest(body));
                assertEquals(List.of(sha), contentSha);
                assertFalse(encoding.contains("aws-chunked"), put.headers().toString());
                assertEquals(List.of(String.valueOf(body.length)), put.headers().get("Content-Length"));
            }
            case CHUNKED -> {
                assertEquals(List.of("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), contentSha);
                assertTrue(encoding.contains("aws-chunked"), put.headers().toString());
                assertEquals(List.of(String.valueOf(body.length)), put.headers().get("x-amz-decoded-content-length"));
                long framed = Long.parseLong(put.firstMatchingHeader("Content-Length").orElseThrow());
                assertTrue(framed > body.length, "the framing adds to the body: " + framed);
            }
        }
        assertTrue(put.firstMatchingHeader("Authorization").orElse("").startsWith("AWS4-HMAC-SHA256 "),
                put.headers().toString());
    }

    @ParameterizedTest
    @EnumSource(PayloadSigning.class)
    void anUploadOfAFileIsSignedAsTheModeSaysAndS3HoldsItsBytesExactly(PayloadSigning mode) throws Exception {
        byte[] body = random(3_000_000, 7);
        Path file = Files.write(dir.resolve("object.bin"), body);
        try (S3Client client = client(mode, TestEnv.SECRET_KEY)) {
            client.createBucket(r -> r.bucket("bkt"));
            client.putObject(r -> r.bucket("bkt").key("a b/ü+1.bin"), RequestBody.fromFile(file));
            assertArrayEquals(body, client.getObjectAsBytes(r -> r.bucket("bkt").key("a b/ü+1.bin")).asByteArray());
        }
        assertSigned(mode, sentPut(".bin"), body);
    }

    @ParameterizedTest
    @EnumSource(PayloadSigning.class)
    void aMultipartPartReadFromAStreamIsSignedAsTheModeSays(PayloadSigning mode) throws Exception {
        byte[] first = random(5 << 20, 11);
        byte[] second = random(1_000_000, 13);
        Path file = dir.resolve("parts.bin");
        Files.write(file, first);
        Files.write(file, second, StandardOpenOption.APPEND);
        try (S3Client client = client(mode, TestEnv.SECRET_KEY); InputStream in = new FileInputStream(file.toFile())) {
            client.createBucket(r -> r.bucket("bkt"));
            String id = client.createMultipartUpload(r -> r.bucket("bkt").key("parts.bin")).uploadId();
            // camel-aws2-s3 sends each part of one file stream this way.
            String e1 = client.uploadPart(r -> r.bucket("bkt").key("parts.bin").uploadId(id).partNumber(1),
                    RequestBody.fromInputStream(in, first.length)).eTag();
            String e2 = client.uploadPart(r -> r.bucket("bkt").key("parts.bin").uploadId(id).partNumber(2),
                    RequestBody.fromInputStream(in, second.length)).eTag();
            client.completeMultipartUpload(r -> r.bucket("bkt").key("parts.bin").uploadId(id).multipartUpload(m -> m.parts(
                    CompletedPart.builder().partNumber(1).eTag(e1).build(), CompletedPart.builder().partNumber(2).eTag(e2).build())));
            assertArrayEquals(Files.readAllBytes(file), client.getObjectAsBytes(r -> r.bucket("bkt").key("parts.bin")).asByteArray());
        }
        List<SdkHttpRequest> parts = sent.stream().filter(r -> r.method().name().equals("PUT")
                && r.encodedQueryParameters().orElse("").contains("partNumber")).toList();
        assertEquals(2, parts.size(), sent.toString());
        assertSigned(mode, parts.get(0), first);
        assertSigned(mode, parts.get(1), second);
    }

    @ParameterizedTest
    @EnumSource(PayloadSigning.class)
    void aWrongSecretIsStillRefused(PayloadSigning mode) {
        try (S3Client good = client(mode, TestEnv.SECRET_KEY); S3Client bad = client(mode, "not-the-secret")) {
            good.createBucket(r -> r.bucket("bkt"));
            S3Exception e = assertThrows(S3Exception.class,
                    () -> bad.putObject(r -> r.bucket("bkt").key("k"), RequestBody.fromString("x")));
            assertEquals(403, e.statusCode());
            assertFalse(good.listObjectsV2(r -> r.bucket("bkt")).hasContents(), "nothing was stored");
        }
    }
}
