package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Invariant 9: a key is written once. Before an upload the batch claims a key no manifest lists (under
 * the key's lock, the claim committed on its own), and uploads with If-None-Match: *, so an object
 * already in the bucket is written over only when it is the orphan of a batch that claimed its key.
 */
class KeyClaimTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_key_claim";
    static final String T = SCHEMA + ".events";
    /** The day archived: a fixed past date, so that keys are known. */
    static final String DAY = "2025-03-10";

    S3Client client;

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() {
        tenantEvents("SELECT g, timestamptz '" + DAY + " 00:30+00' + (g % 5) * interval '1 hour', 'a', 'first ' || g"
                + " FROM generate_series(1, 50) g");
        client = S3Client.builder().region(Region.US_EAST_1).forcePathStyle(true)
                .endpointOverride(URI.create(s3.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(TestEnv.ACCESS_KEY, TestEnv.SECRET_KEY)))
                .build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private String evConfig(String... extra) {
        return config(job("ev", T, extra)).toString();
    }

    private void put(String key, byte[] bytes, Map<String, String> metadata) {
        client.putObject(r -> r.bucket("test").key(key).metadata(metadata), RequestBody.fromBytes(bytes));
    }

    private long accounted() {
        return TestEnv.count("SELECT count(*) FROM " + T)
                + TestEnv.count("SELECT coalesce(sum(row_count), 0) FROM " + SCHEMA + ".manifest");
    }

    @Test
    void aZoneChangeThatLeadsANewWindowToACommittedKeyTakesTheNextChunkInstead() throws Exception {
        String utc = evConfig("batch: P1D", "zone: UTC");
        TestEnv.Run first = TestEnv.cli("--config", utc, "archive");
        assertEquals(0, first.exit(), first.toString());
        String committed = "ev/2025/03/10/events-2025031000-c1.csv.gz";
        assertEquals(List.of(committed), TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest"));
        byte[] bytes = Files.readAllBytes(object(committed));

        // Rows of the same local day in another zone: its window starts at another instant, but its key is
        // the one written above.
        TestEnv.sql("INSERT INTO " + T + " SELECT g, timestamptz '" + DAY + " 12:00+05' + (g - 1000) * interval '1 minute', 'a',"
                + " 'second ' || g FROM generate_series(1000, 1019) g");
        TestEnv.Run second = TestEnv.cli("--config", evConfig("batch: P1D", "zone: \"+05:00\""), "archive");
        assertEquals(0, second.exit(), second.toString());

        assertArrayEquals(bytes, Files.readAllBytes(object(committed)), "the committed object is as it was");
        assertEquals(List.of(committed, "ev/2025/03/10/events-2025031000-c2.csv.gz"),
                TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest ORDER BY id"));
        assertEquals(70, accounted(), "every row in the table or one manifested object");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T));
    }

    @Test
    void aKeyAManifestListsForAnotherTenantIsNeverWrittenAgain() throws Exception {
        // A NULL tenant's object under the spelling keys had before '~null' (its manifest row lists it).
        String legacy = "ev/_null/2025/03/10/events-2025031000-c1.csv.gz";
        String cfg = evConfig("tenantColumn: tenant");
        installation(cfg);
        TestEnv.sql("INSERT INTO " + T + " VALUES (500, timestamptz '" + DAY + " 00:10+00', '_null', 'a tenant value')");
        put(legacy, "legacy".getBytes(), Map.of());
        TestEnv.sql("INSERT INTO " + SCHEMA + ".manifest (job, table_name, tenant, window_start, window_end, chunk, bucket,"
                + " object_key, format, columns, row_count, raw_bytes, gzip_bytes, sha256, deleted, export_ms, upload_ms,"
                + " verify_ms) VALUES ('ev', '" + T + "', NULL, '" + DAY + " 00:00+00', '" + DAY + " 01:00+00', 1, 'test', '"
                + legacy + "', 'csv', '[]', 0, 6, 6, 'x', true, 0, 0, 0)");

        TestEnv.Run run = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("legacy", Files.readString(object(legacy)), "the listed object is as it was");
        assertEquals(List.of("ev/_null/2025/03/10/events-2025031000-c2.csv.gz"), TestEnv.column(
                "SELECT object_key FROM " + SCHEMA + ".manifest WHERE tenant = '_null'"));
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T));
    }

    @Test
    void anObjectAtAKeyThisInstallationNeverClaimedIsLeftAloneAndTheBatchFailsWithKeyTaken() throws Exception {
        String cfg = evConfig();
        String key = "ev/2025/03/10/events-2025031000-c1.csv.gz";
        installation(cfg);
        put(key, "someone else's".getBytes(), Map.of("strata-installation", "00000000-0000-0000-0000-000000000000"));

        TestEnv.Run run = TestEnv.cli("--config", cfg, "archive");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("KEY_TAKEN") && run.out().contains(key), run.toString());
        assertEquals("someone else's", Files.readString(object(key)), "the object is as it was");
        assertEquals(10, TestEnv.count("SELECT count(*) FROM " + T + " WHERE at < '" + DAY + " 01:00+00'"),
                "the window's rows stay");
        assertEquals(4, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"), "the other windows archived");
        assertEquals(50, accounted());
    }

    @Test
    void anOrphanOfABatchThatClaimedItsKeyAndDidNotCommitIsWrittenOverByTheNextBatchOfThatKey() throws Exception {
        String cfg = evConfig();
        String key = "ev/2025/03/10/events-2025031000-c1.csv.gz";
        installation(cfg);
        // What a batch killed after its upload leaves: its claim on the key, committed, and the object.
        TestEnv.sql("INSERT INTO " + SCHEMA + ".claim (bucket, object_key, job) VALUES ('test', '" + key + "', 'ev')");
        put(key, "an orphan".getBytes(), Map.of());

        TestEnv.Run run = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(key, TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest ORDER BY window_start").get(0),
                "the orphan's key reused");
        assertEquals(TestEnv.column("SELECT sha256 FROM " + SCHEMA + ".manifest WHERE object_key = '" + key + "'").get(0),
                ArchiveFormatsTest.sha256(object(key)), "the object now holds the window's rows");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T));
    }

    /** Creates Strata's schema and the bucket, as the first command that writes does (here an archive of nothing). */
    private void installation(String cfg) throws Exception {
        Path none = dir.resolve("none.yaml");
        Files.writeString(none, Files.readString(Path.of(cfg)).replace("keep: P2D", "keep: forever"));
        assertEquals(0, TestEnv.cli("--config", none.toString(), "archive").exit());
    }
}
