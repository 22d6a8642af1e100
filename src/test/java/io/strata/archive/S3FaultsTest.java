package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.app.Instance;
import io.strata.config.ConfigLoader;
import io.strata.export.RunSummary;
import io.strata.testing.Configs;
import io.strata.testing.FaultyProxy;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * S3 failing under a batch, for real, through a proxy that breaks the connection: one test per kind of fault
 * (cut in the middle of a multipart upload, other bytes on the read-back, S3 down when the run starts).
 * Nothing is deleted, the run is marked failed, the next run succeeds. BatchRouteTest makes each step of the
 * batch fail in-process, with the code each cause gets.
 */
class S3FaultsTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_s3faults";
    static final String T = SCHEMA + ".events";

    @Override
    protected String schema() {
        return SCHEMA;
    }
    FaultyProxy proxy;
    Path config;
    int rows;

    @BeforeEach
    void setUp() throws Exception {
        proxy = new FaultyProxy(s3.port());
        config = Configs.config(proxy.endpoint(), SCHEMA).s3("partSize", "5MB").job("ev", T).write(dir);
    }

    /**
     * One hour of hard-to-compress rows, about 50 bytes gzipped each: 200,000 make an object of some 10 MB,
     * which uploads in 5 MB parts; 20,000 one of 1 MB, in one request.
     */
    private void rows(int n) {
        rows = n;
        events(n, "date_trunc('hour', now()) - interval '3 days' + (g % 3600) * interval '1 second'",
                "md5(g::text) || md5((g + 1)::text) || md5((g * 7)::text)");
    }

    @AfterEach
    void tearDown() throws Exception {
        proxy.close();
    }

    private void assertNothingArchived() {
        assertEquals(rows, TestEnv.count("SELECT count(*) FROM " + T), "every row is still in the table");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"));
        assertEquals("failed", TestEnv.column("SELECT status FROM " + SCHEMA + ".run ORDER BY id DESC LIMIT 1").get(0));
    }

    private void assertArchived() {
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T));
        assertEquals(rows, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"));
        assertEquals("succeeded", TestEnv.column("SELECT status FROM " + SCHEMA + ".run ORDER BY id DESC LIMIT 1").get(0));
    }

    @Test
    void s3FailingMidUploadDeletesNothingAndTheNextRunSucceeds() {
        rows(200_000);
        proxy.cutAfter(7L << 20);  // in the second part
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
        rows(20_000);
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
        rows(20_000);
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
