package io.strata.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checks of JSON lines against an object's columns, fed in every possible piece size. */
class JsonLinesTest {

    static final List<String> COLUMNS = List.of("id", "doc", "raw", "we\"ird\\");

    /** Version 2 of a table whose columns doc and raw are JSON: both may be missing, and written as text. */
    static long read(String content, boolean validate, int piece) throws IOException {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        JsonLines lines = new JsonLines(copy, COLUMNS, Set.of("doc", "raw"), Set.of("doc", "raw"), validate);
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += piece) {
            lines.write(b, i, Math.min(piece, b.length - i));
        }
        lines.finish();
        assertArrayEquals(b, copy.toByteArray(), "the bytes pass on unchanged");
        return lines.rows();
    }

    static String refusal(String content) {
        String first = null;
        for (boolean validate : new boolean[] {false, true}) {
            for (int piece : new int[] {1, 2, 3, 7, 1 << 16}) {
                String message = assertThrows(Malformed.class, () -> read(content, validate, piece)).getMessage();
                first = first == null ? message : first;
                if (!validate) {
                    assertEquals(first, message, "the same words in pieces of " + piece);
                }
            }
        }
        return first;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 1 << 16})
    void linesWithTheColumnsAsKeysPassInAnyPieces(int piece) throws IOException {
        String content = """
                {"id":1,"doc":{"a":"} ] { [ , : \\" \\\\","b":[1,{"c":null}]},"raw":" {\\n} ","we\\"ird\\\\":null}
                {"id":2,"we\\u0022ird\\u005c":[]}
                {"":["raw","doc"],"id":3,"doc":"{\\"x\\": 1}","raw":"[ 1 ]","we\\"ird\\\\":"é"}\r
                  { "raw" : 2 , "id" : 4 , "we\\"ird\\\\" : true }\t
                {"we\\"ird\\\\":"","raw":null,"id":5,"doc":null}""";
        for (boolean validate : new boolean[] {false, true}) {
            assertEquals(5, read(content, validate, piece));
            assertEquals(5, read(content + "\n", validate, piece));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 1 << 16})
    void aLineThatCopyQuotedForItsLineBreaksIsOneLine(int piece) throws IOException {
        // Version 1 wrote json text with its line breaks, and COPY quoted the line with \x01.
        String content = "{\"id\":1,\"we\\\"ird\\\\\":0}\n\u0001{\"id\":2,\"raw\":{\"a\":\n 1},\"we\\\"ird\\\\\":0}\u0001\n"
                + "{\"id\":3,\"we\\\"ird\\\\\":0}\n";
        assertEquals(3, read(content, false, piece));
        assertEquals(3, read(content, true, piece));
    }

    @Test
    void aKeyThatIsNotAColumnIsRefusedWithItsLine() {
        assertEquals("line 2 has the key \"note\", which is not a column of the object",
                refusal("{\"id\":1,\"we\\\"ird\\\\\":1}\n{\"id\":2,\"note\":\"x\",\"we\\\"ird\\\\\":1}\n"));
    }

    @Test
    void aMissingKeyIsRefusedUnlessTheFormatSaysWhatItMeans() {
        assertEquals("line 1 lacks the key \"we\"ird\\\"", refusal("{\"id\":1}\n"));
        assertEquals("line 1 lacks the key \"id\"", refusal("{\"doc\":1,\"raw\":2,\"we\\\"ird\\\\\":3}"));
    }

    @Test
    void aKeyTwiceIsRefused() {
        assertEquals("line 1 has the key \"id\" twice", refusal("{\"id\":1,\"id\":2,\"we\\\"ird\\\\\":3}"));
    }

    @Test
    void theKeyOfColumnsWrittenAsTextListsJsonColumnsThatHoldStrings() {
        String rest = ",\"id\":1,\"doc\":\"1\",\"raw\":2,\"we\\\"ird\\\\\":3}";
        assertEquals("line 1 lists \"raw\" under the key \"\", but its value is not a string",
                refusal("{\"\":[\"raw\"]" + rest));
        assertEquals("line 1 lists \"id\" under the key \"\", but it is not a JSON column of the object",
                refusal("{\"\":[\"id\"]" + rest));
        assertEquals("line 1: the key \"\" must list column names", refusal("{\"\":\"doc\"" + rest));
        assertEquals("line 1: the key \"\" must list column names", refusal("{\"\":[1]" + rest));
        assertEquals("line 1 has the key \"\" twice", refusal("{\"\":[\"doc\"],\"\":[\"doc\"]" + rest));
    }

    @Test
    void withoutColumnsWrittenAsTextTheEmptyKeyIsNoColumn() {
        IOException e = assertThrows(Malformed.class, () -> {
            JsonLines lines = new JsonLines(null, List.of("id"), Set.of(), Set.of(), false);
            lines.write("{\"\":[],\"id\":1}".getBytes(StandardCharsets.UTF_8));
            lines.finish();
        });
        assertEquals("line 1 has the key \"\", which is not a column of the object", e.getMessage());
    }

    @Test
    void aLineMustBeOneWholeObject() {
        String row = "{\"id\":1,\"we\\\"ird\\\\\":3}";
        assertEquals("line 2 is not a JSON object", refusal(row + "\n[1]\n"));
        assertEquals("line 2 is not a JSON object", refusal(row + "\n\n" + row));
        assertEquals("line 1 has more after its JSON object", refusal(row + " " + row));
        assertEquals("line 1 ends inside its JSON object", refusal("{\"id\": 999, \"doc\": \n"));
        assertEquals("line 1 ends inside its JSON object", refusal("{\"id\":\"x\ny\",\"we\\\"ird\\\\\":3}\n"));
    }

    @Test
    void withoutPostgresqlBehindItEveryValueIsParsed() throws IOException {
        String bad = "{\"id\":tru,\"we\\\"ird\\\\\":3}";
        assertEquals(1, read(bad, false, 4), "the keys are right: PostgreSQL's json type refuses the line");
        assertEquals("line 1 is not JSON", assertThrows(Malformed.class, () -> read(bad, true, 4)).getMessage()
                .substring(0, 18));
    }
}
