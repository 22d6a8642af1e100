package io.strata.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.StrataException;
import io.strata.db.Column;
import io.strata.format.Malformed;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * EntryLoader loads uncompressed CSV and JSON lines into tables inside the caller's transaction: identity
 * values kept, generated columns recomputed, several JSON entries in one transaction, and content that does
 * not match its columns refused.
 */
class EntryLoaderTest extends StrataTestCase {

    private static final String S = "entry_loader_test";
    private static final List<Column> COLUMNS = List.of(new Column("id", "bigint", false, true),
            new Column("v", "text", false, false), new Column("twice", "bigint", true, false));

    @Override
    protected String schema() {
        return S;
    }

    @BeforeEach
    void tables() {
        TestEnv.sql("CREATE SCHEMA " + S,
                "CREATE TABLE " + S + ".a (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text,"
                        + " twice bigint GENERATED ALWAYS AS (id * 2) STORED)",
                "CREATE TABLE " + S + ".b (LIKE " + S + ".a INCLUDING ALL)");
    }

    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void loadsCsvAndJsonLinesInOneTransaction() throws Exception {
        try (Connection c = TestEnv.connect()) {
            c.setAutoCommit(false);
            assertEquals(2, EntryLoader.load(c, new Target(S, "a"), COLUMNS, "csv", 1,
                    text("id,v,twice\n7,seven,999\n9,\"nine, quoted\",0\n"), "tables/main/a.csv"));
            assertEquals(1, EntryLoader.load(c, new Target(S, "b"), COLUMNS, "jsonl", 2,
                    text("{\"id\":11,\"v\":\"eleven\",\"twice\":5}\n"), "tables/main/b.jsonl"));
            // a second JSON entry in the same transaction
            assertEquals(1, EntryLoader.load(c, new Target(S, "a"), COLUMNS, "jsonl", 2,
                    text("{\"id\":12,\"v\":null,\"twice\":5}\n"), "tables/main/a.jsonl"));
            c.commit();
        }
        assertEquals(List.of("7:seven:14", "9:nine, quoted:18", "12:null:24"),
                TestEnv.column("SELECT id || ':' || coalesce(v, 'null') || ':' || twice FROM " + S + ".a ORDER BY id"));
        assertEquals(List.of("11:eleven:22"), TestEnv.column("SELECT id || ':' || v || ':' || twice FROM " + S + ".b"));
    }

    @Test
    void refusesContentThatDoesNotMatchItsColumns() throws Exception {
        try (Connection c = TestEnv.connect()) {
            c.setAutoCommit(false);
            Malformed header = assertThrows(Malformed.class, () -> EntryLoader.load(c, new Target(S, "a"), COLUMNS,
                    "csv", 1, text("id,w,twice\n1,x,2\n"), "e1"));
            assertTrue(header.getMessage().contains("header"), header.getMessage());
            c.rollback();
            assertThrows(Malformed.class, () -> EntryLoader.load(c, new Target(S, "a"), COLUMNS,
                    "jsonl", 2, text("{\"id\":1,\"v\":\"x\",\"twice\":2}\n{\"id\":2}\n"), "e2"));
            c.rollback();
            StrataException missing = assertThrows(StrataException.class, () -> EntryLoader.load(c,
                    new Target(S, "a"), List.of(new Column("id", "bigint", false, true), new Column("gone", "text",
                            false, false)), "csv", 1, text("id,gone\n1,x\n"), "tables/main/a.csv"));
            assertTrue(missing.getMessage().contains("tables/main/a.csv") && missing.getMessage().contains("gone"),
                    missing.getMessage());
            c.rollback();
        }
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + S + ".a"));
    }
}
