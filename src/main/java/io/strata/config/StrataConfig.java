package io.strata.config;

import io.strata.text.Redact;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's configuration, validated: every value here is usable as it is.
 *
 * @param tenantJobs the jobs with {@code tenant:} (not in {@code jobs}, which are the row jobs)
 * @param databases every database by name: {@code main} is {@code strata.database}, the others {@code strata.databases}
 * @param routes   a directory whose {@code *.camel.yaml} files take the place of the routes of the same name
 *                 that ship in the jar (and add others)
 * @param settings every setting of the file as {@code strata.…} keys, placeholders resolved, secrets left
 *                 out: the routes read them as Camel properties
 */
public record StrataConfig(
        Path source,
        DatabaseConfig database,
        S3Config s3,
        String schema,
        ZoneId zone,
        Path tempDir,
        int gzipLevel,
        Duration shutdownTimeout,
        List<JobConfig> jobs,
        List<TenantJobConfig> tenantJobs,
        Map<String, DatabaseConfig> databases,
        ReportConfig report,
        ManagementConfig management,
        Path routes,
        Map<String, String> settings) {

    public Optional<JobConfig> job(String name) {
        return jobs.stream().filter(j -> j.name().equals(name)).findFirst();
    }

    /** The tenant job named so (tenant jobs are apart from {@link #jobs()}: README, Whole tenants). */
    public Optional<TenantJobConfig> tenantJob(String name) {
        return tenantJobs.stream().filter(j -> j.name().equals(name)).findFirst();
    }

    public List<JobConfig> enabledJobs() {
        return jobs.stream().filter(JobConfig::enabled).toList();
    }

    public record DatabaseConfig(String url, String user, String password, int poolSize) {

        /** The URL as Strata shows it: a password in it masked. */
        public String shownUrl() {
            return Redact.url(url);
        }

        @Override
        public String toString() {
            return "DatabaseConfig[url=" + shownUrl() + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
                    + ", poolSize=" + poolSize + "]";
        }
    }

    /** @param pricePerGbMonth what one GB (2^30 bytes) stored for a month costs, for the report's estimate */
    public record ReportConfig(String schedule, Path out, double pricePerGbMonth) {}

    /**
     * @param jolokiaPort the HTTP port of Jolokia and the health endpoint, 0 = off; {@code rmiPort} 0 = no remote JMX
     * @param user        with {@code password}, the basic-auth credentials Jolokia asks for; both null = none
     * @param rmiPasswordFile the JDK's JMX password file ({@code jmx.remote.x.password.file}); with
     *                    {@code rmiAccessFile}, required when {@code rmiPort} is set
     * @param rmiTls      remote JMX over TLS, with the JVM's {@code javax.net.ssl.*} key store
     */
    public record ManagementConfig(int jolokiaPort, String jolokiaHost, int rmiPort, String user, String password,
            Path rmiPasswordFile, Path rmiAccessFile, boolean rmiTls) {

        public boolean authenticated() {
            return user != null;
        }

        /** Never shows the password. */
        @Override
        public String toString() {
            return "ManagementConfig[jolokiaPort=" + jolokiaPort + ", jolokiaHost=" + jolokiaHost + ", rmiPort=" + rmiPort
                    + ", user=" + user + ", password=" + (password == null ? "none" : "***") + ", rmiPasswordFile="
                    + rmiPasswordFile + ", rmiAccessFile=" + rmiAccessFile + ", rmiTls=" + rmiTls + "]";
        }
    }

    /**
     * @param endpoint          {@code embedded} for the in-process S3 over {@link #embeddedDir}, else an http(s)
     *                          URL, or empty for AWS itself
     * @param payloadSigning    how the body of an upload is signed, for every endpoint
     * @param conditionalWrites upload with {@code If-None-Match: *}, so that the store itself never replaces an object
     */
    public record S3Config(
            String bucket,
            String endpoint,
            String region,
            String prefix,
            boolean pathStyle,
            String accessKey,
            String secretKey,
            boolean createBucket,
            Path embeddedDir,
            int embeddedPort,
            long partSize,
            PayloadSigning payloadSigning,
            boolean conditionalWrites) {

        public boolean embedded() {
            return "embedded".equals(endpoint);
        }

        @Override
        public String toString() {
            return "S3Config[bucket=" + bucket + ", endpoint=" + Redact.url(endpoint) + ", region=" + region + ", prefix="
                    + prefix + ", pathStyle=" + pathStyle + ", accessKey=" + (accessKey.isEmpty() ? "" : "***")
                    + ", secretKey=" + (secretKey.isEmpty() ? "" : "***") + ", createBucket=" + createBucket
                    + ", embeddedDir=" + embeddedDir + ", embeddedPort=" + embeddedPort + ", partSize=" + partSize
                    + ", payloadSigning=" + payloadSigning + ", conditionalWrites=" + conditionalWrites + "]";
        }

        /**
         * What {@code x-amz-content-sha256} says of an upload's body. Headers are SigV4-signed in every mode;
         * integrity comes from the read-back, which compares what S3 holds with the uploaded file.
         */
        public enum PayloadSigning {
            /** {@code UNSIGNED-PAYLOAD}, the body as it is (what the SDK sends over HTTPS). */
            UNSIGNED,
            /** The body's SHA-256, the body as it is. */
            SIGNED,
            /** {@code aws-chunked} framing with a signature per chunk (what the SDK sends over plain HTTP). */
            CHUNKED
        }
    }
}
