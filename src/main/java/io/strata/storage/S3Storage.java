package io.strata.storage;

import io.strata.text.Redact;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.StrataConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Strata's view of the bucket: the checks at start-up, the read-back that verifies an upload, the
 * sidecars, and listings. Uploads of archive objects go through camel-aws2-s3 with the same client.
 * It is the one place that speaks the SDK's language (its exceptions mapped to Strata's codes), which
 * is what its length is made of; the hashing it relies on is {@link Digests}.
 */
public final class S3Storage implements AutoCloseable {

    /** How an object starts when S3 kept an aws-chunked upload's framing: a hex length, then its signature. */
    private static final Pattern CHUNK_FRAMING = Pattern.compile("^[0-9a-fA-F]{1,16};chunk-signature=");

    private final S3Client client;
    private final String bucket;
    private final String endpoint;
    private final boolean createBucket;
    private final Durability durability;
    private final AtomicBoolean conditionalWritesWarned = new AtomicBoolean();

    public S3Storage(S3Client client, String bucket, String endpoint, boolean createBucket, Durability durability) {
        this.client = client;
        this.bucket = bucket;
        this.endpoint = endpoint;
        this.createBucket = createBucket;
        this.durability = durability;
    }

    /**
     * Builds the client for {@code s3}; {@code endpoint} overrides s3.endpoint (the embedded server's URL),
     * {@code durability} says how an object is made durable once stored.
     */
    public static S3Storage connect(StrataConfig.S3Config s3, String endpoint, String accessKey, String secretKey,
            Durability durability) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(s3.region()))
                .forcePathStyle(s3.pathStyle())
                // Strata reads every object back from S3 and compares it with the uploaded file before
                // anything is deleted; the SDK's extra CRC32 over every upload and download would only cost CPU.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(32)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)));
        if (endpoint != null && !endpoint.isEmpty()) {
            b.endpointOverride(URI.create(endpoint));
        }
        b.putAuthScheme(PayloadSigner.scheme(s3.payloadSigning()));
        AwsCredentialsProvider credentials = accessKey != null && !accessKey.isEmpty()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey))
                : DefaultCredentialsProvider.builder().build();
        b.credentialsProvider(credentials);
        String shown = endpoint == null || endpoint.isEmpty() ? "AWS S3 (" + s3.region() + ")" : Redact.url(endpoint);
        return new S3Storage(b.build(), s3.bucket(), shown, s3.createBucket(), durability);
    }

    public S3Client client() {
        return client;
    }

    public String bucket() {
        return bucket;
    }

    public String endpoint() {
        return endpoint;
    }

    /** Fails with a clear code when S3 cannot be reached, refuses us, or has no bucket (unless we may create it). */
    public void checkBucket() {
        try {
            client.headBucket(r -> r.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                if (!createBucket) {
                    throw new StrataException(ErrorCode.S3_NO_BUCKET, "bucket '" + bucket + "' does not exist at "
                            + endpoint + "; create it, or set strata.s3.createBucket: true");
                }
                try {
                    client.createBucket(r -> r.bucket(bucket));
                } catch (BucketAlreadyOwnedByYouException raced) {
                    // another instance created it a moment ago
                } catch (S3Exception ce) {
                    throw failure("cannot create bucket '" + bucket + "'", ce);
                }
                return;
            }
            throw failure("cannot open bucket '" + bucket + "'", e);
        } catch (SdkClientException e) {
            throw failure("cannot open bucket '" + bucket + "'", e);
        }
    }

    /** Maps an SDK exception to a coded one that says where and why. */
    public StrataException failure(String what, Exception e) {
        return failure(what, e, ErrorCode.S3_UPLOAD);
    }

    /** @param otherwise the code of a failure that is neither refused credentials nor an unreachable S3 */
    public StrataException failure(String what, Exception e, ErrorCode otherwise) {
        if (e instanceof S3Exception s3 && (s3.statusCode() == 403 || s3.statusCode() == 401)) {
            String code = s3.awsErrorDetails() == null ? "" : " (" + s3.awsErrorDetails().errorCode() + ")";
            return new StrataException(ErrorCode.S3_AUTH,
                    what + ": " + endpoint + " refused the credentials" + code, e);
        }
        if (e instanceof SdkClientException) {
            return new StrataException(ErrorCode.S3_CONNECTION, what + ": cannot reach S3 at " + endpoint + ": "
                    + rootMessage(e), e);
        }
        return new StrataException(otherwise, what + " at " + endpoint + ": " + rootMessage(e), e);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = StrataException.rootCause(t);
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root + ")";
    }

    /** Reads the object back from S3, streaming, and returns what S3 holds: its size and SHA-256. */
    public ObjectDigest digest(String key) {
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(r -> r.bucket(bucket).key(key))) {
            return Digests.digest(in);
        } catch (NoSuchKeyException e) {
            return null;
        } catch (IOException e) {
            throw new StrataException(ErrorCode.S3_CONNECTION, "reading back " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the object back from S3, streaming, hashes what S3 holds and compares it byte for byte with
     * {@code uploaded}; null when there is no such object.
     */
    public ReadBack readBack(String key, Path uploaded) {
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(r -> r.bucket(bucket).key(key));
                InputStream local = Files.newInputStream(uploaded)) {
            return Digests.compare(in, local);
        } catch (NoSuchKeyException e) {
            return null;
        } catch (IOException e) {
            throw new StrataException(ErrorCode.S3_CONNECTION, "reading back " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Why the object under {@code key} differs from what was uploaded, when its first bytes show it, as a
     * sentence to add to the CHECKSUM_MISMATCH message; empty when they do not, or cannot be read.
     */
    public String mismatchHint(String key) {
        byte[] head;
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(r -> r.bucket(bucket).key(key).range("bytes=0-127"))) {
            head = in.readNBytes(128);
            // A server that ignores the range sends the whole object: drop the connection, not read it all.
            in.abort();
        } catch (SdkException | IOException e) {
            return "";
        }
        if (!chunkFramed(head)) {
            return "";
        }
        String start = new String(head, 0, head.length, StandardCharsets.ISO_8859_1).split("\r", 2)[0];
        return ". The object starts \"" + start.substring(0, Math.min(start.length(), 36)) + "…\": " + endpoint
                + " stored the upload's aws-chunked framing (chunk signatures) as its bytes instead of decoding it;"
                + " set strata.s3.payloadSigning: unsigned";
    }

    /** Whether {@code head}, the first bytes of an object, are the framing of an aws-chunked upload. */
    static boolean chunkFramed(byte[] head) {
        return CHUNK_FRAMING.matcher(new String(head, StandardCharsets.ISO_8859_1)).find();
    }

    /**
     * Streams the object into {@code file} and returns what S3 held, its size and SHA-256, read on the
     * way; null when there is no such object.
     */
    public ObjectDigest download(String key, Path file) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in = open(key); OutputStream out = Files.newOutputStream(file)) {
            return Digests.digest(in, out);
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw failure("downloading " + key, e, ErrorCode.S3_CONNECTION);
        } catch (SdkClientException e) {
            throw failure("downloading " + key, e);
        }
    }

    /** Makes the object at {@code key}, just stored and read back, durable in its store (see {@link Durability}). */
    public void durable(String key) throws IOException {
        durability.sync(bucket, key);
    }

    /** Who wrote the object at {@code key}, as its metadata says. */
    public ObjectOwner owner(String key) {
        try {
            return ObjectOwner.of(client.headObject(r -> r.bucket(bucket).key(key)).metadata());
        } catch (SdkException e) {
            throw failure("reading the metadata of " + key, e);
        }
    }

    /** Said once per process: conditional writes were refused as not implemented, so uploads go without them. */
    public void conditionalWritesUnsupported() {
        if (conditionalWritesWarned.compareAndSet(false, true)) {
            LoggerFactory.getLogger(S3Storage.class).warn("{} does not implement conditional writes (If-None-Match: *);"
                    + " uploads go without them, and keys stay apart by the manifest's claim alone. Set"
                    + " strata.s3.conditionalWrites: false to stop trying", endpoint);
        }
    }

    public void putJson(String key, byte[] json) {
        client.putObject(r -> r.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(json));
    }

    public ResponseInputStream<GetObjectResponse> open(String key) {
        return client.getObject(r -> r.bucket(bucket).key(key));
    }

    public List<S3Object> list(String prefix) {
        List<S3Object> out = new ArrayList<>();
        client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().forEach(out::add);
        return out;
    }

    public void delete(String key) {
        client.deleteObject(r -> r.bucket(bucket).key(key));
    }

    @Override
    public void close() {
        client.close();
    }
}
