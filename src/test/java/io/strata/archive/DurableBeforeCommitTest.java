package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Invariant 10 with the embedded store: before a batch's COMMIT reaches PostgreSQL, its object and its
 * sidecar, and every directory entry down to them, are fsynced. Shown by tracing the system calls of a
 * real archive run ({@code strace -f}): for every manifested object, its thread fsyncs the object, its
 * directories and its sidecar before it sends the manifest row's INSERT, after which the transaction
 * commits.
 */
class DurableBeforeCommitTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_durable";
    static final Pattern LINE = Pattern.compile("^(\\d+)\\s+(.*)$");

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @Test
    void everyObjectAndItsDirectoriesAreFsyncedBeforeItsBatchCommits() throws Exception {
        String table = events(400, "date_trunc('hour', now()) - interval '3 days' - (g % 8) * interval '1 hour'",
                "md5(g::text)");
        Path store = dir.resolve("embedded");
        Path cfg = dir.resolve("embedded.yaml");
        Files.writeString(cfg, "strata:\n"
                // Statements as text every time (no server-prepared ones), so the trace shows each COMMIT.
                + "  database: { url: \"" + TestEnv.URL + "?prepareThreshold=0\", user: " + TestEnv.USER + " }\n"
                + "  s3: { endpoint: embedded, bucket: archive, embedded: { dir: \"" + store + "\" } }\n"
                + "  schema: " + SCHEMA + "\n"
                + "  tempDir: " + dir.resolve("tmp") + "\n"
                + "  jobs:\n" + job("ev", table));
        Path trace = dir.resolve("strace.txt");
        ProcessBuilder pb = TestEnv.child(List.of("-Xmx256m"), "--config", cfg.toString(), "archive");
        List<String> command = new ArrayList<>(List.of(strace(), "-f", "-qq", "-y", "-s", "256",
                "-e", "trace=fsync,fdatasync,write,sendto", "-o", trace.toString()));
        command.addAll(pb.command());
        Process p = pb.command(command).redirectErrorStream(true).redirectOutput(dir.resolve("archive.log").toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "archive under strace finished");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("archive.log")));

        List<String> keys = TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest");
        assertEquals(8, keys.size());
        List<String[]> calls = new ArrayList<>();   // {thread, call}
        for (String line : Files.readAllLines(trace)) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                calls.add(new String[] {m.group(1), m.group(2)});
            }
        }
        Path bucket = store.resolve("archive").toAbsolutePath();
        for (String key : keys) {
            Path object = bucket.resolve(key);
            int synced = find(calls, 0, null, "fsync(", "<" + object + ">");
            assertTrue(synced >= 0, "no fsync of " + object);
            String thread = calls.get(synced)[0];
            int sidecar = find(calls, synced, thread, "fsync(", "<" + object + ".json>");
            assertTrue(sidecar > synced, "the sidecar of " + key + " fsynced after the object, on the batch's thread");
            for (Path d = object.getParent(); d.startsWith(bucket); d = d.getParent()) {
                int at = find(calls, synced, thread, "fsync(", "<" + d + ">");
                assertTrue(at > synced && at < sidecar, "directory " + d + " fsynced after " + key + " was");
            }
            int manifest = find(calls, sidecar, thread, "write(", SCHEMA + "\\\".manifest (job");
            int commit = manifest < 0 ? -1 : find(calls, manifest, thread, "write(", "COMMIT");
            assertTrue(manifest > sidecar && commit > manifest, "the batch of " + key + " records its manifest row and"
                    + " commits only after its object and sidecar are fsynced: " + String.join("\n", calls.subList(sidecar,
                            Math.min(calls.size(), sidecar + 30)).stream().filter(c -> c[0].equals(thread)).map(c -> c[1])
                            .toList()));
        }
    }

    /** The index of the first call from {@code from} on (of {@code thread}, when given) that starts and contains as asked. */
    private static int find(List<String[]> calls, int from, String thread, String starts, String contains) {
        for (int i = from; i < calls.size(); i++) {
            String[] c = calls.get(i);
            if ((thread == null || thread.equals(c[0])) && c[1].startsWith(starts) && c[1].contains(contains)) {
                return i;
            }
        }
        return -1;
    }

    private static String strace() {
        for (String candidate : List.of("/usr/bin/strace", "/bin/strace")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return fail("strace is not installed; install it (apt-get install strace) — .ci/run does");
    }
}
