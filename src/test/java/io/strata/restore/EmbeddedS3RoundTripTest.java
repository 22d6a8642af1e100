package io.strata.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.TestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default set-up: `endpoint: embedded`, the S3 server inside Strata, which its client reaches with
 * an unsigned payload. Objects big enough for multipart and small ones archive, verify and restore.
 */
class EmbeddedS3RoundTripTest {

    static final String SCHEMA = "strata_t_embedded";
    static final String T = SCHEMA + ".events";

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        TestEnv.resetSchema(SCHEMA);
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, payload text NOT NULL)",
                "CREATE INDEX ON " + T + " (at)",
                // hour 00: 160,000 rows of barely compressible text (~10 MB gzipped: three parts of up to 5 MB);
                // hours 01-05: 10 rows each
                "INSERT INTO " + T + " SELECT g, timestamptz '2025-03-01 00:00+00' + (g % 3600) * interval '1 second',"
                        + " md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) FROM generate_series(1, 160000) g",
                "INSERT INTO " + T + " SELECT g, timestamptz '2025-03-01 00:00+00' + (g % 5 + 1) * interval '1 hour',"
                        + " 'small ' || g FROM generate_series(160001, 160050) g");
    }

    @AfterEach
    void tearDown() {
        TestEnv.resetSchema(SCHEMA);
    }

    @Test
    void archiveVerifyAndRestoreThroughTheEmbeddedServer() throws IOException {
        String before = RoundTripTest.md5(T, "id");
        Path s3dir = dir.resolve("s3");
        Path config = Files.writeString(dir.resolve("strata.yaml"), """
                strata:
                  database: { url: "%s", user: %s }
                  s3:
                    endpoint: embedded
                    partSize: 5MB
                    embedded: { dir: "%s" }
                  schema: %s
                  tempDir: "%s"
                  jobs:
                    - name: ev
                      table: %s
                      timestampColumn: at
                      keep: P2D
                """.formatted(TestEnv.URL, TestEnv.USER, s3dir, SCHEMA, dir.resolve("tmp"), T));

        TestEnv.archiveAll(config, SCHEMA, T, 6);
        long big = TestEnv.count("SELECT max(gzip_bytes) FROM " + SCHEMA + ".manifest");
        assertTrue(big > 5L << 20, "the first hour uploads in more than one 5 MB part: " + big + " bytes");
        try (Stream<Path> files = Files.walk(s3dir)) {
            assertEquals(12, files.filter(Files::isRegularFile).filter(f -> !f.toString().contains(".multipart")).count(),
                    "six objects and their sidecars on disk");
        }

        TestEnv.Run verify = TestEnv.cli("--config", config.toString(), "verify", "--deep");
        assertEquals(0, verify.exit(), verify.toString());

        TestEnv.Run restore = TestEnv.cli("--config", config.toString(), "restore", "--job", "ev",
                "--from", "2025-03-01", "--to", "2025-03-02");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(before, RoundTripTest.md5(T, "id"));
    }
}
