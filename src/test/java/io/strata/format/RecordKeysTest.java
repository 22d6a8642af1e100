package io.strata.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each record's place and key, found in CSV and JSON lines however the stream is cut into writes. */
class RecordKeysTest {

    record Found(long start, long end, String key) {}

    private static List<Found> scan(RecordKeys.Listener[] holder, boolean csv, int keyField, String keyName, byte[] data,
            Random cuts) throws Exception {
        List<Found> found = new ArrayList<>();
        RecordKeys.Listener l = (start, end, key, length, isNull) ->
                found.add(new Found(start, end, isNull ? null : new String(key, 0, length, StandardCharsets.UTF_8)));
        RecordKeys k = csv ? RecordKeys.csv(keyField, l) : RecordKeys.jsonLines(keyName, l);
        for (int i = 0; i < data.length; ) {
            int n = Math.min(data.length - i, 1 + cuts.nextInt(40));
            k.write(data, i, n);
            i += n;
        }
        k.finish();
        return found;
    }

    /** A field as PostgreSQL's CSV writes it: quoted when it holds a comma, quote or line break, or is empty text. */
    private static String csvField(String v) {
        if (v == null) {
            return "";
        }
        if (v.isEmpty() || v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    private static final String[] TEXTS = {"plain", "a,b", "say \"hi\"", "two\nlines", "\"", "\"\"", "", "x\n\"y\",\nz",
        "Zoë, \"Müller\"\n", "12345678901234567890", "\n\n\n"};

    @Test
    void csvRecordsAndTheirKeysWhereverTheKeyIsAndWhateverTheFieldsHold() throws Exception {
        Random r = new Random(42);
        for (int keyField = 0; keyField < 3; keyField++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes("a,\"b,c\",k\n".getBytes(StandardCharsets.UTF_8));
            List<Found> expected = new ArrayList<>();
            for (int row = 0; row < 400; row++) {
                String[] fields = new String[3];
                for (int f = 0; f < 3; f++) {
                    fields[f] = TEXTS[r.nextInt(TEXTS.length)];
                }
                String key = switch (row % 4) {
                    case 0 -> Integer.toString(row);
                    case 1 -> "k \"" + row + "\",\n" + row;
                    case 2 -> null;
                    default -> "";
                };
                fields[keyField] = key;
                StringBuilder line = new StringBuilder();
                for (int f = 0; f < 3; f++) {
                    line.append(f == 0 ? "" : ",").append(csvField(fields[f]));
                }
                line.append('\n');
                long start = out.size();
                out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
                expected.add(new Found(start, out.size(), key));
            }
            byte[] data = out.toByteArray();
            for (int seed = 0; seed < 20; seed++) {
                assertEquals(expected, scan(null, true, keyField, null, data, new Random(seed)), "key field " + keyField);
            }
        }
    }

    @Test
    void jsonLinesAndTheirKeysAtTheLineObjectsOwnLevelOnly() throws Exception {
        String[] lines = {
            "{\"id\":7,\"doc\":{\"id\":99},\"t\":\"a\\\"b\"}",
            "{\"\":[\"j\"],\"doc\":[{\"id\":1}],\"id\":-12}",
            "{\"doc\":\"id\",\"id\":\"x\\u00e9\\\"y\",\"z\":null}",
            "{\"doc\":null}",
            "{\"id\":null,\"doc\":1}",
            "{\"doc\":{\"a\":[1,2,{\"b\":\"}\"}]},\"id\":123456789012}",
        };
        String[] keys = {"7", "-12", "xé\"y", null, null, "123456789012"};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Found> expected = new ArrayList<>();
        for (int rep = 0; rep < 50; rep++) {
            for (int i = 0; i < lines.length; i++) {
                long start = out.size();
                out.writeBytes((lines[i] + "\n").getBytes(StandardCharsets.UTF_8));
                expected.add(new Found(start, out.size(), keys[i]));
            }
        }
        byte[] data = out.toByteArray();
        for (int seed = 0; seed < 20; seed++) {
            assertEquals(expected, scan(null, false, -1, "id", data, new Random(seed)));
        }
    }

    @Test
    void rangesOrderIntegersByValueAndTextByBytes() {
        KeyRange ints = new KeyRange("id", KeyType.INTEGER);
        for (String k : new String[] {"9", "10", "-3", "100"}) {
            byte[] b = k.getBytes(StandardCharsets.UTF_8);
            ints.record(0, 0, b, b.length, false);
        }
        ints.record(0, 0, new byte[0], 0, true);
        assertEquals("-3 100", ints.min() + " " + ints.max());
        KeyRange text = new KeyRange("code", KeyType.TEXT);
        for (String k : new String[] {"b", "Z", "é", "a"}) {
            byte[] b = k.getBytes(StandardCharsets.UTF_8);
            text.record(0, 0, b, b.length, false);
        }
        assertEquals("Z é", text.min() + " " + text.max());
        KeyRange nan = new KeyRange("n", KeyType.DECIMAL);
        byte[] b = "NaN".getBytes(StandardCharsets.UTF_8);
        nan.record(0, 0, b, b.length, false);
        assertEquals(null, nan.min(), "a key that cannot be ordered leaves the range unknown");
    }
}
