package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.app.Instance;
import io.strata.config.ConfigLoader;
import io.strata.export.BatchResult;
import io.strata.export.RunSummary;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import io.strata.unit.Batch;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.util.function.ThrowingConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The batch route ({@code strata-batch} in routes/archive.camel.yaml) in a started Strata, over the test
 * PostgreSQL and S3 over HTTP, with one of its steps made to fail by {@link AdviceWith}: the upload, the
 * read-back, the record-and-commit. Whichever step fails, the batch rolls back: its rows are all in the
 * table, no manifest row lists it, its result is FAILED with the code of the cause, the run says so, and
 * the next run archives what is left under the key the failed batch had claimed.
 */
class BatchRouteTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_batch_route";
    static final String T = SCHEMA + ".events";
    static final int WINDOWS = 4;
    static final int ROWS_PER_WINDOW = 100;

    @Override
    protected String schema() {
        return SCHEMA;
    }

    Instance strata;
    /** Every batch's result, in the order they ended. */
    final List<BatchResult> batches = new CopyOnWriteArrayList<>();
    /** How many more times the advised step fails. */
    final AtomicInteger failures = new AtomicInteger();

    @BeforeEach
    void start() {
        // Four hours of a fixed day, 100 rows each; one batch at a time, so the first to fail is the first batch.
        events(WINDOWS * ROWS_PER_WINDOW, "timestamptz '2025-03-10 00:00+00' + (g % " + WINDOWS + ") * interval '1 hour'"
                + " + g * interval '1 second'", "md5(g::text)");
        strata = Instance.start(new ConfigLoader().load(config().job("ev", T).concurrency(1).write(dir)),
                Instance.Mode.COMMAND);
        strata.onProgress(run -> batches.add(run.lastResult()));
    }

    @AfterEach
    void stop() {
        if (strata != null) {
            strata.close();
        }
    }

    /** Changes the batch route of the running Strata (AdviceWith stops the route, changes it and starts it again). */
    private void advise(ThrowingConsumer<AdviceWithRouteBuilder, Exception> advice) throws Exception {
        AdviceWith.adviceWith(strata.camel(), "strata-batch", advice);
    }

    /** A step that does what {@code fault} does for the next {@code times} batches, and nothing after. */
    private Processor failing(int times, Processor fault) {
        failures.set(times);
        return exchange -> {
            if (failures.getAndDecrement() > 0) {
                fault.process(exchange);
            }
        };
    }

    private static Batch batch(Exchange exchange) {
        return exchange.getProperty("strataBatch", Batch.class);
    }

    /** What the upload meets instead of S3's success answer, and the code the batch then fails with. */
    enum UploadFault {
        /** S3 answers 500: the catch of the upload step sees it, finds no object in the way, and fails the batch. */
        SERVER_ERROR("S3_UPLOAD", "at http://127.0.0.1:"),
        /** S3 refuses the credentials. */
        CREDENTIALS_REFUSED("S3_AUTH", "refused the credentials (InvalidAccessKeyId)"),
        /** The connection breaks: no answer from S3 at all. */
        CONNECTION_RESET("S3_CONNECTION", "cannot reach S3 at http://127.0.0.1:");

        final String code;
        final String says;

        UploadFault(String code, String says) {
            this.code = code;
            this.says = says;
        }

        Exception exception() {
            return switch (this) {
                case SERVER_ERROR -> S3Exception.builder().statusCode(500).message("We encountered an internal error")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalError").build()).build();
                case CREDENTIALS_REFUSED -> S3Exception.builder().statusCode(403).message("The key is not known")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidAccessKeyId").build()).build();
                case CONNECTION_RESET -> SdkClientException.create("Unable to execute HTTP request: Connection reset");
            };
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(UploadFault.class)
    void anUploadThatFailsRollsItsBatchBackWithTheCodeOfTheCauseAndTheNextRunArchivesIt(UploadFault fault) throws Exception {
        advise(a -> a.weaveByToUri("aws2-s3:*").selectFirst().before().process(failing(1, exchange -> {
            throw fault.exception();
        })));

        BatchResult failed = archiveWithOneBatchFailing(fault.code);
        assertTrue(failed.error().contains(fault.says), failed.error());
        assertFalse(Files.exists(object(failed.key())), "nothing reached S3 at " + failed.key());
        assertTheNextRunArchivesTheRest(failed);
    }

    @Test
    void anObjectReadBackWithOtherBytesThanUploadedRollsItsBatchBackWithChecksumMismatch() throws Exception {
        // Between the upload and the read-back, S3 comes to hold other bytes at the key: as many, one of them changed.
        advise(a -> a.weaveById("batch-verify").before().process(failing(1, exchange -> {
            Batch b = batch(exchange);
            byte[] bytes = Files.readAllBytes(b.exported().file());
            bytes[bytes.length / 2] ^= 0x5a;
            strata.storage().client().putObject(r -> r.bucket("test").key(b.key()), RequestBody.fromBytes(bytes));
        })));

        BatchResult failed = archiveWithOneBatchFailing("CHECKSUM_MISMATCH");
        assertTrue(failed.error().contains("which differ from the " + failed.gzipBytes() + " bytes uploaded from byte"),
                failed.error());
        assertTheNextRunArchivesTheRest(failed);
    }

    @Test
    void anObjectMissingRightAfterItsUploadRollsItsBatchBackWithS3Upload() throws Exception {
        advise(a -> a.weaveById("batch-verify").before().process(failing(1,
                exchange -> strata.storage().delete(batch(exchange).key()))));

        BatchResult failed = archiveWithOneBatchFailing("S3_UPLOAD");
        assertTrue(failed.error().contains("not found in S3 right after its upload"), failed.error());
        assertTheNextRunArchivesTheRest(failed);
    }

    @Test
    void aFailureBeforeTheManifestIsRecordedRollsTheBatchBackWithBatchFailed() throws Exception {
        advise(a -> a.weaveById("batch-record-and-commit").before().process(failing(1, exchange -> {
            throw new IllegalStateException("the record step broke");
        })));

        BatchResult failed = archiveWithOneBatchFailing("BATCH_FAILED");
        assertTrue(failed.error().contains("IllegalStateException: the record step broke"), failed.error());
        assertTrue(Files.exists(object(failed.key())), "the verified object is in S3, an orphan");
        assertFalse(Files.exists(object(failed.key() + ".json")), "its sidecar was never written");
        assertTheNextRunArchivesTheRest(failed);
    }

    @Test
    void aCommitThatFailsAfterTheManifestRowIsInsertedRollsBackTheRowsAndTheManifestRowTogether() throws Exception {
        // PostgreSQL refuses every batch's COMMIT, after the manifest row's INSERT: a deferred constraint trigger.
        TestEnv.sql("CREATE FUNCTION " + SCHEMA + ".refuse() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN RAISE EXCEPTION 'commit refused for %', NEW.object_key; END $$",
                "CREATE CONSTRAINT TRIGGER refuse AFTER INSERT ON " + SCHEMA + ".manifest DEFERRABLE INITIALLY DEFERRED"
                        + " FOR EACH ROW EXECUTE FUNCTION " + SCHEMA + ".refuse()");

        RunSummary run = strata.strata().archive("ev", "test");
        assertEquals("failed", run.status(), run.toString());
        assertEquals(WINDOWS, run.failed(), run.toString());
        assertEquals(WINDOWS, batches.size());
        for (BatchResult b : batches) {
            assertEquals(BatchResult.Status.FAILED, b.status(), b.toString());
            assertTrue(b.error().startsWith("BATCH_FAILED: " + b.key() + ": ") && b.error().contains("commit refused for " + b.key()),
                    b.error());
            assertTrue(Files.exists(object(b.key())) && Files.exists(object(b.key() + ".json")),
                    "object and sidecar were written before the commit: " + b.key());
        }
        assertEquals(WINDOWS * ROWS_PER_WINDOW, TestEnv.count("SELECT count(*) FROM " + T), "every row is still in the table");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"));
        assertLastRun("failed", 0, WINDOWS, "BATCH_FAILED");

        TestEnv.sql("DROP TRIGGER refuse ON " + SCHEMA + ".manifest");
        List<BatchResult> failed = List.copyOf(batches);
        batches.clear();
        RunSummary next = strata.strata().archive("ev", "test");
        assertEquals("succeeded", next.status(), next.toString());
        assertEquals(WINDOWS, next.archived());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T));
        for (BatchResult b : failed) {
            assertManifestedAsStored(b.key());
        }
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE chunk > 1"),
                "each window under the key its failed batch had claimed");
    }

    /**
     * Archives with the advised step failing the first batch, asserts what that leaves, and returns the failed
     * batch's result: FAILED with {@code code}, its window's rows all in the table, its key in no manifest row, the
     * other windows archived, the run partial.
     */
    private BatchResult archiveWithOneBatchFailing(String code) {
        RunSummary run = strata.strata().archive("ev", "test");
        assertEquals("partial", run.status(), run.toString());
        assertEquals(WINDOWS - 1, run.archived(), run.toString());
        assertEquals(1, run.failed(), run.toString());
        List<BatchResult> failed = batches.stream().filter(b -> b.status() == BatchResult.Status.FAILED).toList();
        assertEquals(1, failed.size(), batches.toString());
        BatchResult f = failed.get(0);
        assertEquals(batches.get(0), f, "the first batch failed");
        assertTrue(f.error().startsWith(code + ": "), f.error());
        assertEquals(List.of(f.error()), run.errors());
        assertEquals(0, f.rows());

        assertEquals(ROWS_PER_WINDOW, TestEnv.count("SELECT count(*) FROM " + T), "the failed batch's rows, and only those, stay");
        assertEquals(ROWS_PER_WINDOW, TestEnv.count("SELECT count(*) FROM " + T
                + " WHERE to_char(at AT TIME ZONE 'UTC', 'YYYYMMDDHH24') = '" + f.window() + "'"));
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE object_key = '" + f.key() + "'"));
        assertEquals(WINDOWS - 1, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"));
        assertLastRun("partial", WINDOWS - 1, 1, code);
        return f;
    }

    /** The next run archives the failed batch's window, under the key it had claimed, and the run succeeds. */
    private void assertTheNextRunArchivesTheRest(BatchResult failed) throws Exception {
        RunSummary next = strata.strata().archive("ev", "test");
        assertEquals("succeeded", next.status(), next.toString());
        assertEquals(1, next.archived(), next.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T), "every row archived");
        assertEquals(WINDOWS * ROWS_PER_WINDOW, TestEnv.count("SELECT sum(row_count) FROM " + SCHEMA + ".manifest"));
        assertEquals(WINDOWS, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"));
        assertManifestedAsStored(failed.key());
        assertLastRun("succeeded", 1, 0, null);
    }

    /** The key is in the manifest, and S3 holds the object and sidecar the manifest row describes. */
    private void assertManifestedAsStored(String key) throws Exception {
        List<String> row = TestEnv.column("SELECT unnest(ARRAY[sha256, row_count::text]) FROM " + SCHEMA + ".manifest"
                + " WHERE object_key = '" + key + "'");
        assertEquals(2, row.size(), key + " is in the manifest");
        assertEquals(row.get(0), ArchiveFormatsTest.sha256(object(key)), "S3 holds the manifested bytes of " + key);
        assertEquals(Long.parseLong(row.get(1)), ArchiveFormatsTest.gunzipLines(object(key)).size() - 1L);
        assertEquals(row.get(0), new ObjectMapper().readTree(Files.readString(object(key + ".json"))).get("sha256").asText(),
                "the sidecar describes the object S3 holds");
    }

    private static void assertLastRun(String status, int done, int failed, String errorCode) {
        List<String> run = TestEnv.column("SELECT unnest(ARRAY[status, partitions_done::text, partitions_failed::text,"
                + " coalesce(error, '')]) FROM (SELECT * FROM " + SCHEMA + ".run ORDER BY id DESC LIMIT 1) last");
        assertEquals(List.of(status, String.valueOf(done), String.valueOf(failed)), run.subList(0, 3), run.toString());
        if (errorCode == null) {
            assertEquals("", run.get(3));
        } else {
            assertTrue(run.get(3).startsWith(errorCode + ": "), run.get(3));
        }
    }
}
