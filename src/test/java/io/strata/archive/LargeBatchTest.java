package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Invariant 6: one batch much larger than the heap archives in a JVM started with -Xmx256m. */
class LargeBatchTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_large";
    static final String T = SCHEMA + ".events";
    static final int ROWS = 1_200_000;

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() {
        // ~1.2 M rows of ~330 bytes as CSV in one hour: ~400 MB raw, far more than a 256 MB heap.
        events(ROWS, "date_trunc('hour', now()) - interval '3 days' + (g % 3600) * interval '1 second'",
                "repeat(md5(g::text), 10)");
    }

    @AfterEach
    void tearDown() throws Exception {
        TestEnv.resetSchema(SCHEMA);
    }

    @Test
    void aBatchFarLargerThanTheHeapArchivesWithXmx256m() throws Exception {
        Path cfg = config("""
                  - name: big
                    table: %s
                    timestampColumn: at
                    keep: P2D
                """.formatted(T));
        Path log = dir.resolve("big.log");
        Process p = TestEnv.child(List.of("-Xmx256m"), "--config", cfg.toString(), "archive", "--json")
                .redirectError(dir.resolve("big.err").toFile()).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "finished");
        assertEquals(0, p.exitValue(), Files.readString(log) + Files.readString(dir.resolve("big.err")));
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T));
        assertEquals(ROWS, TestEnv.count("SELECT row_count FROM " + SCHEMA + ".manifest"));
        long raw = TestEnv.count("SELECT raw_bytes FROM " + SCHEMA + ".manifest");
        assertTrue(raw > 3L * (256 << 20) / 2, "the batch is far larger than the heap: " + raw + " bytes");
        assertTrue(TestEnv.count("SELECT gzip_bytes FROM " + SCHEMA + ".manifest") > (16 << 20), "large enough for a multipart upload");
    }
}
