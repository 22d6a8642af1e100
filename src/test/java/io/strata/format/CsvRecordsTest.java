package io.strata.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CSV header must name the object's columns in their order, as PostgreSQL quotes them. */
class CsvRecordsTest {

    static final List<String> COLUMNS = List.of("id", "Mixed \"Case\"", "a,b", "line\nbreak");
    static final String HEADER = "id,\"Mixed \"\"Case\"\"\",\"a,b\",\"line\nbreak\"\n";

    static long read(List<String> columns, String content, boolean[] keep) throws IOException {
        CsvRecords records = new CsvRecords(new ByteArrayOutputStream(), columns, keep);
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += 3) {
            records.write(b, i, Math.min(3, b.length - i));
        }
        records.finish();
        return records.rows();
    }

    @Test
    void aHeaderOfTheColumnsInTheirOrderPasses() throws IOException {
        assertEquals(2, read(COLUMNS, HEADER + "1,x,y,z\n2,,\"\",\"q\"\"\"\n", null));
        assertEquals(1, read(COLUMNS, HEADER + "1,x,y,z", new boolean[] {true, false, true, true}));
    }

    @Test
    void aRenamedOrReorderedColumnIsRefusedByName() {
        assertEquals("line 1: the header names column 2 \"Mixed Case\" where the manifest lists \"Mixed \"Case\"\"",
                assertThrows(Malformed.class, () -> read(COLUMNS, "id,Mixed Case,\"a,b\",\"line\nbreak\"\n", null))
                        .getMessage());
        assertEquals("line 1: the header names column 1 \"at\" where the manifest lists \"id\"",
                assertThrows(Malformed.class, () -> read(List.of("id", "at"), "at,id\n1,2\n", null)).getMessage());
        assertEquals("line 1: the header names 2 columns; the manifest lists 3",
                assertThrows(Malformed.class, () -> read(List.of("id", "at", "v"), "id,at\n", null)).getMessage());
        assertEquals("no header line", assertThrows(Malformed.class, () -> read(List.of("id"), "", null)).getMessage());
    }
}
