package io.strata.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.db.Column;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One record of an object (a CSV record or a JSON line, as bytes) as its columns' values, typed as JSON lines types them. */
final class RecordValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final ObjectMapper JSON = new ObjectMapper().setNodeFactory(NODES);

    private RecordValues() {}

    static ObjectNode of(byte[] record, boolean csv, List<Column> columns) throws IOException {
        return csv ? csv(record, columns) : jsonLine(record);
    }

    /** A JSON line is already typed; the key "" (the columns written as their text) is left out. */
    private static ObjectNode jsonLine(byte[] record) throws IOException {
        int from = 0;
        int to = record.length;
        while (to > from && (record[to - 1] == '\n' || record[to - 1] == '\r' || record[to - 1] == 0x01)) {
            to--;
        }
        if (from < to && record[from] == 0x01) {
            from++;  // a line that version 1 quoted (its json held a line break)
        }
        JsonNode line = JSON.readTree(new String(record, from, to - from, StandardCharsets.UTF_8));
        if (!(line instanceof ObjectNode o)) {
            throw new IOException("the line is not a JSON object");
        }
        o.remove("");
        return o;
    }

    private static ObjectNode csv(byte[] record, List<Column> columns) throws IOException {
        List<String> fields = fields(record);
        if (fields.size() != columns.size()) {
            throw new IOException("the record has " + fields.size() + " fields, the object " + columns.size() + " columns");
        }
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            String v = fields.get(i);
            if (v == null) {
                if (!c.jsonDocument()) {
                    o.putNull(c.name());  // a json column that is SQL NULL is left out, as in JSON lines version 2
                }
                continue;
            }
            o.set(c.name(), typed(c, v));
        }
        return o;
    }

    private static JsonNode typed(Column c, String v) {
        String t = c.type().toLowerCase(Locale.ROOT);
        try {
            if (c.jsonDocument()) {
                return JSON.readTree(v);
            }
            if (t.equals("smallint") || t.equals("integer") || t.equals("bigint")) {
                return NODES.numberNode(new BigInteger(v));
            }
            if (t.startsWith("numeric") || t.equals("real") || t.equals("double precision")) {
                return NODES.numberNode(new BigDecimal(v));
            }
            if (t.equals("boolean")) {
                return NODES.booleanNode(v.equals("t"));
            }
        } catch (NumberFormatException | IOException notThatType) {
            // NaN, Infinity, or json JSON cannot hold: the text
        }
        return NODES.textNode(v);
    }

    /** The fields of one PostgreSQL CSV record: null for an empty unquoted field (SQL NULL). */
    static List<String> fields(byte[] b) {
        List<String> fields = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        boolean quoted = false;
        boolean wasQuoted = false;
        boolean afterQuote = false;
        int end = b.length;
        while (end > 0 && (b[end - 1] == '\n' || b[end - 1] == '\r')) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            byte c = b[i];
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                    afterQuote = true;
                } else {
                    field.write(c);
                }
                continue;
            }
            if (c == '"') {
                if (afterQuote) {
                    field.write('"');
                }
                quoted = true;
                wasQuoted = true;
                afterQuote = false;
                continue;
            }
            afterQuote = false;
            if (c == ',') {
                fields.add(field.size() == 0 && !wasQuoted ? null : field.toString(StandardCharsets.UTF_8));
                field.reset();
                wasQuoted = false;
            } else {
                field.write(c);
            }
        }
        fields.add(field.size() == 0 && !wasQuoted ? null : field.toString(StandardCharsets.UTF_8));
        return fields;
    }
}
