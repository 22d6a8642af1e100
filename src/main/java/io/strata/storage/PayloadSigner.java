package io.strata.storage;

import io.strata.config.StrataConfig.S3Config.PayloadSigning;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.BaseSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 for every endpoint, with the payload signed as {@code strata.s3.payloadSigning} says. The request
 * line and headers are always signed, so the server still refuses other credentials; only what
 * {@code x-amz-content-sha256} holds, and whether the body is framed in signed chunks, differ:
 * <ul>
 * <li>{@code UNSIGNED}: {@code UNSIGNED-PAYLOAD} and the body as it is, which is what the SDK sends over
 * HTTPS. Over plain HTTP the SDK would otherwise frame every upload as {@code aws-chunked} with a
 * signature per chunk, which some S3-compatible servers store as the object's bytes.</li>
 * <li>{@code SIGNED}: the body's SHA-256 and the body as it is (the SDK reads it once more to hash it).</li>
 * <li>{@code CHUNKED}: the SDK's {@code aws-chunked} streaming signature for uploads, over HTTP and HTTPS.</li>
 * </ul>
 * Whatever the mode, Strata reads each object back from S3 and compares it with the uploaded file
 * before a row is deleted; the payload's signature adds no integrity that this does not already give.
 */
final class PayloadSigner implements HttpSigner<AwsCredentialsIdentity> {

    private final AwsV4HttpSigner sigv4 = AwsV4HttpSigner.create();
    private final PayloadSigning mode;

    PayloadSigner(PayloadSigning mode) {
        this.mode = mode;
    }

    /** The SigV4 scheme with this signer, for {@code S3ClientBuilder.putAuthScheme}. */
    static AuthScheme<AwsCredentialsIdentity> scheme(PayloadSigning mode) {
        PayloadSigner signer = new PayloadSigner(mode);
        return new AuthScheme<>() {
            @Override
            public String schemeId() {
                return AwsV4AuthScheme.SCHEME_ID;
            }

            @Override
            public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
                return providers.identityProvider(AwsCredentialsIdentity.class);
            }

            @Override
            public HttpSigner<AwsCredentialsIdentity> signer() {
                return signer;
            }
        };
    }

    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        return signAs(request);
    }

    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        return signAsyncAs(request);
    }

    private <T extends AwsCredentialsIdentity> SignedRequest signAs(SignRequest<T> request) {
        String protocol = request.request().protocol();
        SignedRequest signed = sigv4.sign(request.copy(b -> prepare(b, request.request())));
        return signed.copy(b -> b.request(signed.request().toBuilder().protocol(protocol).build()));
    }

    private <T extends AwsCredentialsIdentity> CompletableFuture<AsyncSignedRequest> signAsyncAs(AsyncSignRequest<T> request) {
        String protocol = request.request().protocol();
        return sigv4.signAsync(request.copy(b -> prepare(b, request.request())))
                .thenApply(signed -> signed.copy(b -> b.request(signed.request().toBuilder().protocol(protocol).build())));
    }

    /** Sets the SDK signer's two payload properties for the mode; the protocol is put back after signing. */
    private <B extends BaseSignRequest.Builder<B, ?, ?>> void prepare(B b, SdkHttpRequest http) {
        switch (mode) {
            // Over plain HTTP the SDK signs the payload whatever it is told, so the request is signed as if
            // it went over HTTPS. The request line and headers are signed the same whatever the scheme; only
            // the payload rule looks at it. The Host header (host:port) is the same for both, the port being
            // explicit.
            case UNSIGNED -> b.request(http.toBuilder().protocol("https").build())
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                    .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false);
            case SIGNED -> b.putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                    .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false);
            // Chunk encoding stays as the S3 client set it for the operation: on for uploads, off for the rest.
            case CHUNKED -> b.putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true);
        }
    }
}
