package io.strata.storage;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 for the embedded S3 server, which runs in this process and listens on loopback only: every
 * request is signed (the server still refuses other credentials), but the payload is sent as
 * {@code UNSIGNED-PAYLOAD}, as the SDK does over HTTPS. Over plain HTTP the SDK would hash every upload
 * with SHA-256 in signed chunks and the server would hash it again to check them: two passes over every
 * byte that protect nothing here, since Strata reads each object back from S3 and compares it with the
 * uploaded file before a row is deleted. Endpoints other than the embedded one keep the SDK's own signing.
 */
final class LoopbackSigner implements HttpSigner<AwsCredentialsIdentity> {

    private final AwsV4HttpSigner sigv4 = AwsV4HttpSigner.create();

    /** The SigV4 scheme with this signer, for {@code S3ClientBuilder.putAuthScheme}. */
    static AuthScheme<AwsCredentialsIdentity> scheme() {
        LoopbackSigner signer = new LoopbackSigner();
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
        return signUnsigned(request);
    }

    private <T extends AwsCredentialsIdentity> SignedRequest signUnsigned(SignRequest<T> request) {
        SdkHttpRequest http = request.request();
        // The request line and headers are signed the same whatever the scheme; only the payload rule
        // looks at it. The Host header (host:port) is the same for both, the port being explicit.
        SignRequest<T> asHttps = request.copy(b -> b
                .request(http.toBuilder().protocol("https").build())
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false));
        SignedRequest signed = sigv4.sign(asHttps);
        return signed.copy(b -> b.request(signed.request().toBuilder().protocol(http.protocol()).build()));
    }

    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        return sigv4.signAsync(request);
    }
}
