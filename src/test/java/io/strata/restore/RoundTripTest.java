package io.strata.restore;

import io.strata.storage.Digests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.config.ConfigLoader;
import io.strata.storage.Durability;
import io.strata.storage.S3Storage;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import software.amazon.awssdk.core.sync.RequestBody;

/** archive → restore gives back every row exactly, compared as the md5 of the ordered table. */
class RoundTripTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_restore_roundtrip";
    static final String T = SCHEMA + ".everything";
    static final String K = SCHEMA + ".keyed";
    static final String J = SCHEMA + ".docs";

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TYPE " + SCHEMA + ".mood AS ENUM ('sad', 'ok', 'it''s \"complicated\"')",
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, n_any numeric,"
                        + " n_fixed numeric(30,10), f8 double precision, f4 real, blob bytea, tags text[], matrix int[][],"
                        + " doc jsonb, raw json, local_ts timestamp, day date, span interval, uid uuid, ip inet, net cidr,"
                        + " mood " + SCHEMA + ".mood, flag boolean, note text, \"Mixed \"\"Case\"\"\" varchar(20))",
                "CREATE INDEX ON " + T + " (at)",
                // Generated rows over six hours of a day in 2025, with every column varying.
                "INSERT INTO " + T + " SELECT g, timestamptz '2025-06-01 00:00:00+00' + g * interval '7 minutes 3.000001 seconds',"
                        + " (g * 12345.6789)::numeric ^ 3 / 7, g * 3.1415926535, g / 7.0::float8, g / 3.0::float4,"
                        + " decode(md5(g::text), 'hex'), ARRAY['t' || g, NULL, 'a,b \"c\"'], ARRAY[[g, g + 1], [g + 2, NULL]],"
                        + " jsonb_build_object('g', g, 'nested', jsonb_build_array(g, 'x', true, NULL)),"
                        + " ('{\"k\" :  ' || g || ' , \"k\": \"dup\"}')::json,"
                        + " timestamp '2025-06-01 00:00' + g * interval '1 hour', date '2025-06-01' + g, g * interval '1 day 1 second',"
                        + " md5(g::text)::uuid, ('10.0.' || g % 256 || '.1')::inet, '10.0.0.0/8', (ARRAY['sad', 'ok'])[1 + g % 2]::"
                        + SCHEMA + ".mood, g % 2 = 0, 'row ' || g, 'v' || g FROM generate_series(1, 50) g",
                // Hand-made rows: the edges of each type, at times across both DST changes of Europe/Berlin.
                "INSERT INTO " + T + " VALUES"
                        + " (101, '2025-10-26 00:30:00+00', 'NaN', 0, 'NaN', 'NaN', '', '{}', '{}', '{}', '{}',"
                        + "  '2025-10-26 02:30:00', 'infinity', '0', '00000000-0000-0000-0000-000000000000', '::1', '::/0',"
                        + "  'sad', false, '', '')"
                        + ",(102, '2025-10-26 01:30:00+00', 'Infinity', -0.0000000001, 'Infinity', '-Infinity', '\\x00',"
                        + "  ARRAY[NULL, ''], '{{1},{2}}', '[]', '[]', '2025-10-26 02:30:00', '-infinity',"
                        + "  '-1 year 2 mons -3 days 04:05:06.789012', 'ffffffff-ffff-ffff-ffff-ffffffffffff',"
                        + "  '2001:db8::1/64', '2001:db8::/32', 'it''s \"complicated\"', true, E'\\\\N', 'NULL')"
                        + ",(103, '2025-10-26 02:30:00+00', '-Infinity', 12345678901234567890.0123456789, '-Infinity', 0,"
                        + "  '\\xdeadbeef00ff', ARRAY[E'multi\\nline', E'tab\\there', E'back\\\\slash', '{braces}', 'NULL'],"
                        + "  NULL, '{\"emoji\": \"😀\", \"esc\": \"\\\" \\\\ \\n \\t \\u0001 \\u00e9\", \"cjk\": \"東京\", \"\": null}',"
                        + "  E'{ \"spaced\"  :\\t\"json\" }', NULL, '0001-01-01 BC', '-178000000 years', NULL, NULL, NULL, NULL,"
                        + "  NULL, E'quote \" comma , newline \\n cr \\r backslash \\\\ end', NULL)"
                        + ",(104, '2025-03-30 00:59:59.999999+00', "
                        + "  123456789012345678901234567890.123456789012345678901234567890123456789, 1, '-0', 3.4028234e38,"
                        + "  NULL, NULL, NULL, '\"just a string\"', '\"s\"', '2025-03-30 02:30:00', '2025-03-30',"
                        + "  '1 microsecond', NULL, '255.255.255.255', '192.168.0.0/16', NULL, NULL, ' ', ' x ')"
                        + ",(105, '2025-03-30 01:00:00+00', 1e-130, 1, 1e308, 1.4e-45, NULL, NULL, NULL, '123.4500', '1e2',"
                        + "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
                // Fresh rows: not due, never archived.
                "INSERT INTO " + T + " (id, at, note) SELECT g, now() - interval '1 hour', 'fresh' FROM generate_series(1001, 1005) g",
                "CREATE TABLE " + K + " (region text, id bigint GENERATED ALWAYS AS IDENTITY, at timestamptz NOT NULL,"
                        + " qty int, price numeric(10,2), total numeric GENERATED ALWAYS AS (qty * price) STORED, note text,"
                        + " PRIMARY KEY (region, id))",
                "INSERT INTO " + K + " (region, at, qty, price, note) SELECT (ARRAY['eu', 'us', 'ap'])[1 + g % 3],"
                        + " timestamptz '2025-06-01 00:00:00+00' + g * interval '1 minute', g, g * 0.25,"
                        + " CASE WHEN g % 4 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1, 300) g WHERE g % 10 <> 0",
                // Ids that the identity sequence never gave out: the archived values must come back as they are.
                "INSERT INTO " + K + " (region, id, at, qty, price) OVERRIDING SYSTEM VALUE SELECT 'eu', 1000 + g,"
                        + " timestamptz '2025-06-01 00:00:00+00' + g * interval '1 minute', g, g * 0.25"
                        + " FROM generate_series(10, 300, 10) g",
                // JSON values at their edges: JSON null against SQL NULL, at the top and inside arrays, and json
                // text that only its own type keeps (white space, line breaks, duplicate keys, escapes).
                "CREATE DOMAIN " + SCHEMA + ".doc AS jsonb",
                "CREATE DOMAIN " + SCHEMA + ".text_doc AS json",
                "CREATE TABLE " + J + " (id int PRIMARY KEY, at timestamptz NOT NULL, b jsonb, j json, bs jsonb[], js json[],"
                        + " d " + SCHEMA + ".doc, td " + SCHEMA + ".text_doc, \"odd \"\"key\"\" \\ \" jsonb, note text,"
                        + " req jsonb NOT NULL DEFAULT 'null')",
                "INSERT INTO " + J + " (id, at, b, j, bs, js, d, td, \"odd \"\"key\"\" \\ \", note) VALUES"
                        + " (1, '2025-06-01 00:01+00', 'null', 'null', NULL, NULL, 'null', 'null', 'null', NULL)"
                        + ",(2, '2025-06-01 00:02+00', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'all SQL NULL')"
                        + ",(3, '2025-06-01 00:03+00', '\"null\"', '\"null\"', '{}', '{}', '\"null\"', '\"null\"', '\"null\"', 'null')"
                        + ",(4, '2025-06-01 00:04+00', '{\"a\": null, \"b\": [null, {\"c\": null}]}',"
                        + "  '{\"a\" : null, \"b\":[ null , {\"c\":null} ]}', ARRAY['null', NULL, '{\"a\": null}']::jsonb[],"
                        + "  ARRAY['null', NULL, '{\"a\" :  null}', ' 2 ']::json[], '[null]', ' null ', '{\"\": null}', NULL)"
                        + ",(5, '2025-06-01 00:05+00', '[]', E'{ \"k\" :\\t1 ,\\n  \"k\": \"dup\" }', ARRAY['{\"a\": 1}', '[1, 2]']::jsonb[],"
                        + "  ARRAY['{\"a\" :  1}', '[1 ,2]', 'true']::json[], '{\"x\": 1}', E'  [1,\\r\\n2]\\n', '1', 'newlines')"
                        + ",(6, '2025-06-01 00:06+00', '\"é \\\\ \\\" \\n\"', E'\"\\\\u00e9 \\\\u0000 x\"', ARRAY[['1', '2'], ['3', NULL]]::jsonb[],"
                        + "  ARRAY[['1', '2'], [E'{\"a\":\\n1}', '4']]::json[], NULL, E'\\t{}', NULL, 'escapes')"
                        + ",(7, '2025-06-01 00:07+00', '{\"deep\": {\"er\": [[null]]}}', ' {} ', NULL, NULL, NULL, NULL, NULL, NULL)"
                        + ",(8, '2025-06-01 01:00+00', '1', '{\"a\":1,\"a\":2}', '{}', ARRAY[NULL::json], NULL, '\"s\"', '{}', '')",
                "UPDATE " + J + " SET req = '[1, null]' WHERE id % 2 = 0");
    }

    private String configFor(String format) {
        return config().job("all", T).format(format).zone("Europe/Berlin")
                .job("keyed", K).format(format)
                .job("docs", J).format(format)
                .write(dir).toString();
    }

    @Test
    void objectsOfJsonlVersion1RestoreAndVerifyAsBefore() throws Exception {
        // Version 1 wrote to_json of each row: null for a SQL NULL json value, which it restored as SQL NULL.
        // Version 1 also copied json text as it is: COPY quoted a line with a line break in it with \x01.
        TestEnv.sql("INSERT INTO " + T + " (id, at, doc, raw, note) VALUES (106, '2025-06-01 05:30+00', NULL, NULL, 'no JSON'),"
                        + " (107, '2025-06-01 05:40+00', '{}', E'{\"a\":\\n 1}', 'a line break')",
                "CREATE TABLE " + SCHEMA + ".before AS SELECT * FROM " + T);
        String before = md5(T, "id");
        String config = configFor("jsonl");
        TestEnv.Run archive = TestEnv.cli("--config", config, "archive", "--job", "all");
        assertEquals(0, archive.exit(), archive.toString());
        List<String> keys = TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest WHERE job = 'all'");
        for (String key : keys) {
            rewriteAsVersion1(key);
        }
        // A manifest from before format versions: the next start adds the column, 1 for the rows it has.
        TestEnv.sql("ALTER TABLE " + SCHEMA + ".manifest DROP COLUMN format_version");

        TestEnv.Run verify = TestEnv.cli("--config", config, "verify", "--job", "all", "--deep");
        assertEquals(0, verify.exit(), verify.toString());
        assertEquals(List.of("1"), TestEnv.column("SELECT DISTINCT format_version FROM " + SCHEMA + ".manifest"));
        TestEnv.Run restore = TestEnv.cli("--config", config, "restore", "--job", "all", "--from", "2025-01-01",
                "--to", "2026-01-01");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(before, md5(T, "id"), "the table after restore, row for row");
    }

    /** Writes the object {@code key} again as version 1 wrote it, from the rows kept aside. */
    private void rewriteAsVersion1(String key) throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (Connection c = TestEnv.connect(); Statement st = c.createStatement();
                ResultSet w = st.executeQuery("SELECT window_start, window_end FROM " + SCHEMA
                        + ".manifest WHERE object_key = '" + key + "'")) {
            w.next();
            String window = "at >= '" + w.getObject(1, OffsetDateTime.class) + "' AND at < '"
                    + w.getObject(2, OffsetDateTime.class) + "'";
            st.execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';"
                    + " SET extra_float_digits = 3; SET bytea_output = 'hex'");
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT to_json(strata_row.*) FROM " + SCHEMA
                        + ".before AS strata_row WHERE " + window + ") TO STDOUT (FORMAT csv, QUOTE E'\\x01',"
                        + " DELIMITER E'\\x02')", out);
            }
        }
        byte[] bytes = gz.toByteArray();
        try (S3Storage storage = S3Storage.connect(new ConfigLoader().load(Path.of(configFor("jsonl"))).s3(), s3.endpoint(),
                TestEnv.ACCESS_KEY, TestEnv.SECRET_KEY, Durability.REMOTE)) {
            storage.client().putObject(r -> r.bucket("test").key(key), RequestBody.fromBytes(bytes));
        }
        TestEnv.sql("UPDATE " + SCHEMA + ".manifest SET gzip_bytes = " + bytes.length + ", sha256 = '"
                + Digests.digest(new ByteArrayInputStream(bytes)).sha256() + "' WHERE object_key = '" + key + "'");
    }

    private List<String> lines(String key) throws Exception {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("s3/test").resolve(key)))) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }

    static String md5(String table, String order) {
        return TestEnv.column("SELECT md5(string_agg(t::text, E'\\n' ORDER BY " + order + ")) FROM " + table + " t").get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void everyColumnTypeComesBackExactlyAsItWas(String format) {
        TestEnv.sql("INSERT INTO " + T + " (id, at, doc, raw) VALUES (106, '2025-06-02 00:00+00', 'null', 'null')");
        String before = md5(T, "id");
        String config = configFor(format);
        TestEnv.Run archive = TestEnv.cli("--config", config, "archive", "--job", "all");
        assertEquals(0, archive.exit(), archive.toString());
        assertEquals(5, TestEnv.count("SELECT count(*) FROM " + T), "only the fresh rows stay");

        TestEnv.Run restore = TestEnv.cli("--config", config, "restore", "--job", "all", "--from", "2025-01-01",
                "--to", "2026-01-01");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(before, md5(T, "id"), "the table after restore, row for row");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE job = 'all' AND state <> 'restored'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void generatedColumnsAreRecomputedAndIdentityValuesKeptUnderACompositeKey(String format) {
        String before = md5(K, "region, id");
        String config = configFor(format);
        assertEquals(0, TestEnv.cli("--config", config, "archive", "--job", "keyed").exit());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + K));

        TestEnv.Run restore = TestEnv.cli("--config", config, "restore", "--job", "keyed", "--from", "2025-06-01",
                "--to", "2025-06-02");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(before, md5(K, "region, id"));
        assertEquals(30, TestEnv.count("SELECT count(*) FROM " + K + " WHERE id > 1000"), "identity values as archived");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + K + " WHERE total IS DISTINCT FROM qty * price"));
        TestEnv.sql("INSERT INTO " + K + " (region, at, qty, price) VALUES ('eu', now(), 1, 1)");
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + K + " WHERE id = 271"), "the sequence goes on where it was");
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "jsonl"})
    void jsonNullStaysApartFromSqlNullAndJsonTextKeepsEveryByte(String format) throws Exception {
        String before = md5(J, "id");
        String config = configFor(format);
        TestEnv.Run archive = TestEnv.cli("--config", config, "archive", "--job", "docs");
        assertEquals(0, archive.exit(), archive.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + J));

        if (format.equals("jsonl")) {
            // Each line is one JSON object, whose JSON columns are JSON; SQL NULL leaves its key out.
            Map<Integer, JsonNode> lines = new TreeMap<>();
            for (String line : lines("docs/2025/06/01/docs-2025060100-c1.jsonl.gz")) {
                JsonNode row = new ObjectMapper().readTree(line);
                lines.put(row.get("id").asInt(), row);
            }
            assertTrue(lines.get(1).get("b").isNull() && lines.get(1).get("j").isNull(), lines.get(1).toString());
            assertFalse(lines.get(2).has("b") || lines.get(2).has("j") || lines.get(2).has("d"), lines.get(2).toString());
            assertTrue(lines.get(2).get("bs").isNull() && lines.get(2).get("note").isTextual(), lines.get(2).toString());
            assertEquals("{\"a\": null, \"b\": [null, {\"c\": null}]}", lines.get(4).get("b").toString().replace(":", ": ")
                    .replace(",", ", "), "jsonb stays JSON");
            assertTrue(lines.get(4).get("bs").isTextual(), "an array with SQL NULL elements is written as its text");
            assertEquals("[\"j\",\"td\"]", lines.get(5).get("").toString(), "the columns written as text");
            assertEquals("{ \"k\" :\t1 ,\n  \"k\": \"dup\" }", lines.get(5).get("j").asText());
            assertEquals("[\"j\"]", lines.get(7).get("").toString(), "white space around json: " + lines.get(7));
            assertFalse(lines.get(3).has(""), "nothing written as text: " + lines.get(3));
            assertEquals("\"null\"", lines.get(3).get("j").toString(), "a JSON string stays one");
        }
        TestEnv.Run verify = TestEnv.cli("--config", config, "verify", "--job", "docs", "--deep");
        assertEquals(0, verify.exit(), verify.toString());
        TestEnv.Run restore = TestEnv.cli("--config", config, "restore", "--job", "docs", "--from", "2025-06-01",
                "--to", "2025-06-02");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(before, md5(J, "id"), "the table after restore, row for row");
        assertEquals(List.of("1"), TestEnv.column("SELECT id FROM " + J + " WHERE b = 'null' AND j::text = 'null'"));
        assertEquals(List.of("2"), TestEnv.column("SELECT id FROM " + J + " WHERE b IS NULL AND j IS NULL"));
    }
}
