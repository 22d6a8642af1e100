package io.strata.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.S3rver;
import io.strata.testing.TestEnv;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strata against s3rver, a third-party S3 server over plain HTTP that stores request bodies as they
 * arrive and does not decode aws-chunked uploads: with chunked signing every batch fails with the setting
 * to change and deletes nothing; with the default, archive, verify and restore work through it.
 */
class S3rverTest {

    static final String SCHEMA = "strata_t_s3rver";
    static final String T = SCHEMA + ".events";

    @TempDir
    Path dir;
    S3rver s3;

    @BeforeEach
    void setUp() throws Exception {
        TestEnv.resetSchema(SCHEMA);
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, payload text NOT NULL)",
                "CREATE INDEX ON " + T + " (at)");
        s3 = S3rver.start(dir.resolve("s3rver"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        TestEnv.resetSchema(SCHEMA);
    }

    /** A config against s3rver; {@code signing} is the payloadSigning line, or empty for the default. */
    private Path config(String signing) throws IOException {
        return Files.writeString(dir.resolve("strata.yaml"), """
                strata:
                  database: { url: "%s", user: %s }
                  s3:
                    endpoint: "%s"
                    bucket: test
                    accessKey: %s
                    secretKey: %s
                    createBucket: true
                    partSize: 5MB
                %s
                  schema: %s
                  tempDir: "%s"
                  jobs:
                    - name: ev
                      table: %s
                      timestampColumn: at
                      keep: P2D
                """.formatted(TestEnv.URL, TestEnv.USER, s3.endpoint(), S3rver.ACCESS_KEY, S3rver.SECRET_KEY,
                signing.isEmpty() ? "" : "    payloadSigning: " + signing, SCHEMA, dir.resolve("tmp"), T));
    }

    private static String md5() {
        return TestEnv.column("SELECT md5(string_agg(t::text, E'\\n' ORDER BY id)) FROM " + T + " t").get(0);
    }

    @Test
    void withChunkedSigningEveryBatchFailsNamingTheSettingAndNoRowIsDeleted() throws Exception {
        TestEnv.sql("INSERT INTO " + T + " SELECT g, timestamptz '2025-03-01 00:00+00' + (g % 3) * interval '1 hour',"
                + " 'row ' || g FROM generate_series(1, 300) g");
        String before = md5();

        TestEnv.Run run = TestEnv.cli("--config", config("chunked").toString(), "archive");

        assertEquals(1, run.exit(), run.toString());
        for (String hour : new String[] {"2025030100", "2025030101", "2025030102"}) {
            String key = "ev/2025/03/01/events-" + hour + "-c1.csv.gz";
            String line = run.out().lines().filter(l -> l.contains("CHECKSUM_MISMATCH") && l.contains(key))
                    .findFirst().orElseThrow(() -> new AssertionError("no CHECKSUM_MISMATCH for " + key + ":\n" + run));
            assertTrue(line.contains("aws-chunked") && line.contains("strata.s3.payloadSigning: unsigned"), line);
            // What made it so: s3rver kept the upload's framing as the object's bytes.
            try (InputStream in = Files.newInputStream(s3.object("test", key))) {
                String head = new String(in.readNBytes(64), StandardCharsets.ISO_8859_1);
                assertTrue(head.matches("(?s)[0-9a-f]+;chunk-signature=.*"), head);
            }
        }
        assertEquals(300, TestEnv.count("SELECT count(*) FROM " + T), "every row is still in the table");
        assertEquals(before, md5());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"));
        assertEquals("failed", TestEnv.column("SELECT status FROM " + SCHEMA + ".run ORDER BY id DESC LIMIT 1").get(0));
    }

    @Test
    void withTheDefaultSigningArchiveVerifyAndRestoreRoundTrip() throws Exception {
        TestEnv.sql(
                // hour 00: 160,000 rows of barely compressible text (~10 MB gzipped: multipart in 5 MB parts);
                // hours 01-05: 10 rows each
                "INSERT INTO " + T + " SELECT g, timestamptz '2025-03-01 00:00+00' + (g % 3600) * interval '1 second',"
                        + " md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) FROM generate_series(1, 160000) g",
                "INSERT INTO " + T + " SELECT g, timestamptz '2025-03-01 00:00+00' + (g % 5 + 1) * interval '1 hour',"
                        + " 'small ' || g FROM generate_series(160001, 160050) g");
        String before = md5();
        Path config = config("");

        // s3rver may answer the read-back of an object it has just acknowledged with no bytes yet (its file is
        // written while the next request is served): the read-back refuses that batch, which rolls back, and the next
        // run archives it. Any other failure fails the test.
        for (int attempt = 1; TestEnv.count("SELECT count(*) FROM " + T) > 0; attempt++) {
            TestEnv.Run run = TestEnv.cli("--config", config.toString(), "archive");
            if (run.exit() != 0) {
                assertTrue(attempt < 3, "still failing after " + attempt + " runs:\n" + run);
                run.out().lines().filter(l -> l.contains("FAILED")).forEach(l -> assertTrue(
                        l.contains("CHECKSUM_MISMATCH") && l.contains("S3 holds 0 bytes"), "s3rver's empty read-back only: " + l));
            }
        }
        assertEquals(6, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"));
        long big = TestEnv.count("SELECT max(gzip_bytes) FROM " + SCHEMA + ".manifest");
        assertTrue(big > 5L << 20, "the first hour uploads in more than one 5 MB part: " + big + " bytes");
        // s3rver holds each object's own bytes, whose SHA-256 the manifest lists.
        for (String row : TestEnv.column("SELECT object_key || ' ' || sha256 FROM " + SCHEMA + ".manifest")) {
            String[] keyAndSha = row.split(" ");
            try (InputStream in = Files.newInputStream(s3.object("test", keyAndSha[0]))) {
                assertEquals(keyAndSha[1], Digests.digest(in).sha256(), keyAndSha[0]);
            }
        }

        TestEnv.Run verify = TestEnv.cli("--config", config.toString(), "verify", "--deep");
        assertEquals(0, verify.exit(), verify.toString());

        TestEnv.Run restore = TestEnv.cli("--config", config.toString(), "restore", "--job", "ev",
                "--from", "2025-03-01", "--to", "2025-03-02");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(160050, TestEnv.count("SELECT count(*) FROM " + T));
        assertEquals(before, md5());
    }
}
