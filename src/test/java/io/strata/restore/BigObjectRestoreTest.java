package io.strata.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One object of 1.5 million rows, some 350 MB of CSV, restored by a JVM with a 256 MB heap. */
class BigObjectRestoreTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_restore_big";
    static final String T = SCHEMA + ".big";
    static final long ROWS = 1_500_000;

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @BeforeEach
    void setUp() {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, payload text, amount numeric)",
                // all in one hour: one object
                "INSERT INTO " + T + " SELECT g, timestamptz '2025-06-01 00:00+00' + g * interval '2 milliseconds',"
                        + " concat_ws(' ', md5(g::text), md5((-g)::text), md5((g * 7)::text), md5((g * 13)::text),"
                        + " md5((g * 17)::text), md5((g * 31)::text)), g * 1.25 FROM generate_series(1, " + ROWS + ") g",
                "CREATE INDEX ON " + T + " (at)");
    }

    @AfterEach
    void tearDown() throws Exception {
        TestEnv.resetSchema(SCHEMA);
    }

    /** An order-independent checksum of every row's text. */
    static long checksum() {
        return TestEnv.count("SELECT sum(('x' || substr(md5(t::text), 1, 10))::bit(40)::bigint) FROM " + T + " t");
    }

    @Test
    void anObjectFarLargerThanTheHeapRestoresWithFlatMemory() throws Exception {
        long before = checksum();
        Path config = config().job("big", T).write(dir);
        TestEnv.archiveAll(config, SCHEMA, T, 1);
        assertTrue(TestEnv.count("SELECT raw_bytes FROM " + SCHEMA + ".manifest") > 330L << 20, "some 350 MB of CSV");

        Path out = dir.resolve("restore.out");
        Path err = dir.resolve("restore.err");
        Process p = TestEnv.child(List.of("-Xmx256m"), "--config", config.toString(), "restore", "--job", "big",
                "--from", "2025-06-01", "--to", "2025-06-02", "--json")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(15, TimeUnit.MINUTES), "restore did not end in 15 minutes");
        String stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), stderr);
        JsonNode r = new ObjectMapper().readTree(Files.readString(out));
        assertEquals(ROWS, r.get("rows").asLong());
        System.out.printf("restored %,d rows (%,d gzip bytes) with -Xmx256m in %,d ms: %,d rows/s%n", ROWS,
                r.get("gzipBytes").asLong(), r.get("millis").asLong(), ROWS * 1000 / Math.max(1, r.get("millis").asLong()));
        assertEquals(before, checksum());
    }
}
