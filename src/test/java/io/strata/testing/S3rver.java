package io.strata.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * s3rver (npm), a third-party S3 server, as a child process on a loopback port: it stores each request
 * body as it arrives, without decoding aws-chunked uploads, and checks only the access key of a SigV4
 * request. {@code .ci/run} installs it under {@code ~/.cache/strata-test}; {@code STRATA_TEST_S3RVER}
 * names another directory of the s3rver package.
 */
public final class S3rver implements AutoCloseable {

    public static final String ACCESS_KEY = "S3RVER";
    public static final String SECRET_KEY = "S3RVER";
    public static final Path PACKAGE = Path.of(System.getenv().getOrDefault("STRATA_TEST_S3RVER",
            Path.of(System.getProperty("user.home"), ".cache", "strata-test", "node_modules", "s3rver").toString()));

    private static final Pattern LISTENING = Pattern.compile("S3rver listening on [^:]+:(\\d+)");

    private final Process process;
    private final int port;
    private final Path dir;

    private S3rver(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts s3rver over {@code dir} (one sub-directory per bucket); fails saying how to install it if it is missing. */
    public static S3rver start(Path dir) throws IOException, InterruptedException {
        Path bin = PACKAGE.resolve("bin/s3rver.js");
        if (!Files.isRegularFile(bin)) {
            throw new IllegalStateException("s3rver is not installed: no " + bin + ". Install it as .ci/run does:"
                    + " npm install --prefix ~/.cache/strata-test s3rver@3.7.1 (needs node and npm), or set"
                    + " STRATA_TEST_S3RVER to the directory of an installed s3rver package");
        }
        Files.createDirectories(dir);
        Process p;
        try {
            p = new ProcessBuilder("node", bin.toString(), "-d", dir.toString(), "-a", "127.0.0.1", "-p", "0", "--silent")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node for s3rver (" + e.getMessage() + "): install Node.js", e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder said = new StringBuilder();
        // Reads until s3rver says its port, then keeps reading so that its output never blocks it.
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(Integer.parseInt(m.group(1)));
                    } else if (!listening.isDone()) {
                        said.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            listening.completeExceptionally(new IOException("s3rver ended: " + said));
        }, "s3rver-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new S3rver(p, listening.get(30, TimeUnit.SECONDS), dir);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("s3rver did not start: " + (e.getCause() != null ? e.getCause().getMessage() : said), e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The file in which s3rver keeps the bytes of {@code key} in {@code bucket}. */
    public Path object(String bucket, String key) {
        return dir.resolve(bucket).resolve(key + "._S3rver_object");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
