package io.strata.lookup;

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
import org.junit.jupiter.api.Test;

/** One row read from an object larger than the heap of the JVM that reads it: the object is never held in memory. */
class BigObjectGetTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_get_big";
    static final String T = SCHEMA + ".big";
    static final long ROWS = 600_000;

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @AfterEach
    void tearDown() {
        TestEnv.resetSchema(SCHEMA);
    }

    @Test
    void aRowOfAnObjectLargerThanTheHeapIsReadWithAHeapOf96Mb() throws Exception {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, payload text)",
                // all in one hour: one object
                "INSERT INTO " + T + " SELECT g, timestamptz '2025-06-01 00:00+00' + g * interval '5 milliseconds',"
                        + " concat_ws(' ', md5(g::text), md5((-g)::text), md5((g * 7)::text), md5((g * 13)::text),"
                        + " md5((g * 17)::text), md5((g * 31)::text)) FROM generate_series(1, " + ROWS + ") g",
                "CREATE INDEX ON " + T + " (at)");
        Path config = config().job("big", T).write(dir);
        TestEnv.archiveAll(config, SCHEMA, T, 1);
        assertTrue(TestEnv.count("SELECT raw_bytes FROM " + SCHEMA + ".manifest") > 96L << 20, "more CSV than the heap");

        Path out = dir.resolve("get.out");
        Path err = dir.resolve("get.err");
        Process p = TestEnv.child(List.of("-Xmx96m"), "--config", config.toString(), "get", "--job", "big",
                "--key", Long.toString(ROWS - 3), "--json").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "get did not end in 5 minutes");
        assertEquals(0, p.exitValue(), Files.readString(err));
        JsonNode r = new ObjectMapper().readTree(Files.readString(out));
        assertEquals(ROWS - 3, r.get("rows").get(0).get("values").get("id").asLong());
        try (var left = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, left.filter(f -> f.getFileName().toString().endsWith(".part")).count(), "the temp file is gone");
        }
    }
}
