package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.app.Instance;
import io.strata.config.ConfigLoader;
import io.strata.export.RunSummary;
import io.strata.testing.FaultyProxy;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** S3 failing under a batch: nothing is deleted, the run is marked failed, the next run succeeds. */
class S3FaultsTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_s3faults";
    static final String T = SCHEMA + ".events";

    @Override
    protected String schema() {
        return SCHEMA;
    }
    FaultyProxy proxy;
    Path config;

    @BeforeEach
    void setUp() throws Exception {
        // One hour of hard-to-compress rows: ~20 MB raw, ~10 MB gzipped, so the upload is multipart.
        events(200000, "date_trunc('hour', now()) - interval '3 days' + (g % 3600) * interval '1 second'",
                "md5(g::text) || md5((g + 1)::text) || md5((g * 7)::text)");
        proxy = new FaultyProxy(s3.port());
        config = TestEnv.config(dir, proxy.endpoint(), SCHEMA, """
                  - name: ev
                    table: %s
                    timestampColumn: at
                    keep: P2D
                """.formatted(T));
        Files.writeString(config, Files.readString(config).replace("    createBucket: true\n",
                "    createBucket: true\n    partSize: 5MB\n"));
    }

    @AfterEach
    void tearDown() throws Exception {
        proxy.close();
    }

    private void assertNothingArchived() {
        assertEquals(200000, TestEnv.count("SELECT count(*) FROM " + T), "every row is still in the table");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"));
        assertEquals("failed", TestEnv.column("SELECT status FROM " + SCHEMA + ".run ORDER BY id DESC LIMIT 1").get(0));
    }

    private void assertArchived() {
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T));
        assertEquals(200000, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"));
        assertEquals("succeeded", TestEnv.column("SELECT status FROM " + SCHEMA + ".run ORDER BY id DESC LIMIT 1").get(0));
    }

    @Test
    void s3FailingMidUploadDeletesNothingAndTheNextRunSucceeds() {
        proxy.cutAfter(7L << 20);
        TestEnv.Run failed = TestEnv.cli("--config", config.toString(), "archive");
        assertEquals(1, failed.exit(), failed.toString());
        assertTrue(failed.out().contains("FAILED, rolled back"), failed.out());
        assertNothingArchived();

        proxy.heal();
        TestEnv.Run ok = TestEnv.cli("--config", config.toString(), "archive");
        assertEquals(0, ok.exit(), ok.toString());
        assertArchived();
    }

    @Test
    void anObjectReadBackWithOtherBytesThanUploadedDeletesNothing() throws Exception {
        // The upload arrives intact; one byte of what S3 returns on the read-back differs.
        proxy.corruptNextLargeResponse();
        TestEnv.Run failed = TestEnv.cli("--config", config.toString(), "archive");
        assertEquals(1, failed.exit(), failed.toString());
        assertTrue(failed.out().contains("CHECKSUM_MISMATCH") && failed.out().contains("which differ from the"),
                failed.out());
        assertNothingArchived();

        TestEnv.Run ok = TestEnv.cli("--config", config.toString(), "archive");
        assertEquals(0, ok.exit(), ok.toString());
        assertArchived();
        // The manifest's SHA-256 is that of the object S3 holds.
        String key = TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest").get(0);
        assertEquals(TestEnv.column("SELECT sha256 FROM " + SCHEMA + ".manifest").get(0), ArchiveFormatsTest.sha256(object(key)));
    }

    @Test
    void s3DownWhenTheRunStartsDeletesNothingAndTheNextRunSucceeds() {
        try (Instance rt = Instance.start(new ConfigLoader().load(config), Instance.Mode.COMMAND)) {
            proxy.down();
            RunSummary failed = rt.strata().archive("ev", "test");
            assertEquals("failed", failed.status(), failed.toString());
            assertTrue(failed.errors().get(0).contains("S3_"), failed.errors().toString());
            assertNothingArchived();

            proxy.heal();
            RunSummary ok = rt.strata().archive("ev", "test");
            assertEquals("succeeded", ok.status(), ok.toString());
            assertArchived();
        }
    }
}
