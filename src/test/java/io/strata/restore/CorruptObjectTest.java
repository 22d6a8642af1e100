package io.strata.restore;

import io.strata.storage.Digests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.config.ConfigLoader;
import io.strata.storage.Durability;
import io.strata.storage.S3Storage;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;

/** Objects that are not what their manifest says: verify reports them, restore refuses them and loads the rest. */
class CorruptObjectTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_restore_corrupt";
    static final String T = SCHEMA + ".events";

    @Override
    protected String schema() {
        return SCHEMA;
    }
    String config;

    @BeforeEach
    void setUp() {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, note text)",
                "CREATE INDEX ON " + T + " (at)",
                // hours 00..03 of 2025-06-01, 25 rows each
                "INSERT INTO " + T + " SELECT g, timestamptz '2025-06-01 00:00+00' + (g % 4) * interval '1 hour'"
                        + " + g * interval '1 second', 'row ' || g FROM generate_series(1, 100) g");
    }

    private void archive(String format) {
        config = config().job("ev", T).format(format).write(dir).toString();
        TestEnv.Run run = TestEnv.cli("--config", config, "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T));
    }

    static String key(int hour, String format) {
        return "ev/2025/06/01/events-20250601%02d-c1.%s.gz".formatted(hour, format);
    }

    private Path file(String key) {
        return dir.resolve("s3").resolve("test").resolve(key);
    }

    private S3Storage storage() {
        return S3Storage.connect(new ConfigLoader().load(Path.of(config)).s3(), s3.endpoint(), TestEnv.ACCESS_KEY,
                TestEnv.SECRET_KEY, Durability.REMOTE);
    }

    private long rowsOfHour(int hour) {
        return TestEnv.count("SELECT count(*) FROM " + T + " WHERE extract(hour FROM at AT TIME ZONE 'UTC') = " + hour);
    }

    private static JsonNode json(TestEnv.Run run) throws Exception {
        return new ObjectMapper().readTree(run.out());
    }

    private static List<String> problems(JsonNode report, String code) {
        List<String> keys = new ArrayList<>();
        report.get("problems").forEach(p -> {
            if (p.get("code").asText().equals(code)) {
                keys.add(p.get("key").asText());
            }
        });
        return keys;
    }

    @Test
    void verifyReportsCorruptMissingAndOrphanedObjectsAndRestoreLoadsOnlyTheSoundOnes() throws Exception {
        archive("csv");
        byte[] bytes = Files.readAllBytes(file(key(1, "csv")));
        for (int i = bytes.length / 3; i < bytes.length / 3 + 4; i++) {
            bytes[i] ^= (byte) 0xff;
        }
        Files.write(file(key(1, "csv")), bytes);
        Files.delete(file(key(2, "csv")));
        String orphan = "ev/2025/06/01/events-2025060103-c2.csv.gz";
        try (S3Storage storage = storage()) {
            storage.client().putObject(r -> r.bucket("test").key(orphan), RequestBody.fromBytes(new byte[] {1, 2, 3}));
        }

        TestEnv.Run verify = TestEnv.cli("--config", config, "verify", "--json");
        assertEquals(1, verify.exit(), verify.toString());
        JsonNode report = json(verify);
        assertEquals(List.of(key(1, "csv")), problems(report, "OBJECT_CORRUPT"), verify.out());
        assertEquals(List.of(key(2, "csv")), problems(report, "OBJECT_MISSING"), verify.out());
        assertEquals(List.of(orphan), problems(report, "OBJECT_ORPHAN"), verify.out());
        assertEquals(2, report.at("/jobs/0/sound").asInt(), verify.out());
        TestEnv.Run human = TestEnv.cli("--config", config, "verify");
        assertEquals(1, human.exit());
        assertTrue(human.out().contains("OBJECT_CORRUPT  " + key(1, "csv")), human.out());
        assertTrue(human.out().contains("3 problem(s)"), human.out());

        TestEnv.Run restore = TestEnv.cli("--config", config, "restore", "--job", "ev", "--from", "2025-06-01",
                "--to", "2025-06-02");
        assertEquals(1, restore.exit(), restore.toString());
        assertTrue(restore.out().contains("OBJECT_CORRUPT: " + key(1, "csv")), restore.out());
        assertTrue(restore.out().contains("OBJECT_MISSING: " + key(2, "csv")), restore.out());
        assertEquals(25, rowsOfHour(0));
        assertEquals(0, rowsOfHour(1), "nothing of the corrupt object");
        assertEquals(0, rowsOfHour(2));
        assertEquals(25, rowsOfHour(3));
        assertEquals(List.of("archived", "archived"), TestEnv.column("SELECT state FROM " + SCHEMA
                + ".manifest WHERE window_start IN ('2025-06-01 01:00+00', '2025-06-01 02:00+00') ORDER BY 1"));
    }

    /**
     * Replaces the lines of an object with {@code edit}'s, and gives the manifest the new object's size and
     * SHA-256: an object that matches its manifest, but whose content is not what Strata writes.
     */
    private void rewrite(String key, UnaryOperator<List<String>> edit) throws Exception {
        List<String> lines = new ArrayList<>(List.of(new String(new GZIPInputStream(Files.newInputStream(file(key)))
                .readAllBytes(), StandardCharsets.UTF_8).split("\n")));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write((String.join("\n", edit.apply(lines)) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = gz.toByteArray();
        try (S3Storage storage = storage()) {
            storage.client().putObject(r -> r.bucket("test").key(key), RequestBody.fromBytes(bytes));
        }
        TestEnv.sql("UPDATE " + SCHEMA + ".manifest SET gzip_bytes = " + bytes.length + ", sha256 = '"
                + Digests.digest(new java.io.ByteArrayInputStream(bytes)).sha256() + "' WHERE object_key = '" + key + "'");
    }

    /**
     * Verify finds nothing wrong with the object in hour 1 until it parses it, then reports it with
     * {@code detail}; restore refuses it with the same words, inserts nothing of it, and loads the others.
     */
    private void refusedByVerifyDeepAndRestore(String format, String detail) throws Exception {
        String key = key(1, format);
        assertEquals(0, TestEnv.cli("--config", config, "verify").exit(), "size and SHA-256 match the manifest");
        TestEnv.Run deep = TestEnv.cli("--config", config, "verify", "--deep", "--json");
        assertEquals(1, deep.exit(), deep.toString());
        JsonNode report = json(deep);
        assertEquals(List.of(key), problems(report, "OBJECT_CORRUPT"), deep.out());
        assertTrue(report.at("/problems/0/detail").asText().contains(detail), deep.out());

        TestEnv.Run restore = TestEnv.cli("--config", config, "restore", "--job", "ev", "--from", "2025-06-01T00:00",
                "--to", "2025-06-01T04:00");
        assertEquals(1, restore.exit(), restore.toString());
        assertTrue(restore.out().contains("OBJECT_CORRUPT: " + key + ": " + detail), restore.out());
        assertEquals(0, rowsOfHour(1), "not even the rows before the bad line");
        assertEquals(75, TestEnv.count("SELECT count(*) FROM " + T), "the other three objects");
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void aMalformedLineRefusesItsObjectAndNothingOfItIsInserted(String format) throws Exception {
        archive(format);
        // An object whose checksum matches its manifest but whose sixth line does not parse: what an
        // archive written by a faulty tool would look like.
        rewrite(key(1, format), lines -> {
            lines.set(5, format.equals("csv") ? "999,2025-06-01 01:30:00+00" : "{\"id\": 999, \"at\": ");
            return lines;
        });
        refusedByVerifyDeepAndRestore(format, "line 6");
    }

    @ParameterizedTest
    @ValueSource(strings = {"id,at,comment", "id,note,at"})
    void aCsvHeaderThatNamesOtherColumnsRefusesItsObject(String header) throws Exception {
        // Loaded by position, a renamed column would go in silently, and a reordered one into the wrong column.
        archive("csv");
        rewrite(key(1, "csv"), lines -> {
            lines.set(0, header);
            return lines;
        });
        refusedByVerifyDeepAndRestore("csv", header.endsWith("comment")
                ? "line 1: the header names column 3 \"comment\" where the manifest lists \"note\""
                : "line 1: the header names column 2 \"note\" where the manifest lists \"at\"");
    }

    @Test
    void aJsonLineWithAKeyThatIsNotAColumnRefusesItsObject() throws Exception {
        archive("jsonl");
        rewrite(key(1, "jsonl"), lines -> {
            lines.set(5, lines.get(5).replace("{\"id\":", "{\"notes\":\"x\",\"id\":"));
            return lines;
        });
        refusedByVerifyDeepAndRestore("jsonl", "line 6 has the key \"notes\", which is not a column of the object");
    }

    @Test
    void aJsonLineWithoutAColumnsKeyRefusesItsObject() throws Exception {
        archive("jsonl");
        rewrite(key(1, "jsonl"), lines -> {
            lines.set(5, lines.get(5).replaceAll(",\"note\":\"[^\"]*\"", ""));
            return lines;
        });
        refusedByVerifyDeepAndRestore("jsonl", "line 6 lacks the key \"note\"");
    }
}
