package io.strata.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON Lines read as they stream past: each line must be one JSON object and nothing else, whose keys are
 * the object's columns, each once. A column may be missing only where the format says what that means
 * (version 2: a json or jsonb column that is SQL NULL). In version 2 the key {@code ""} may list columns
 * whose values are written as their PostgreSQL text: each must be such a column, present, with a string.
 * Counts the lines; holds one line at a time, and passes the bytes on unchanged.
 */
public final class JsonLines extends Records {

    private static final JsonFactory JSON = new JsonFactory();

    private final OutputStream out;
    private final List<String> columns;
    private final Map<String, Integer> index = new HashMap<>();
    private final boolean[] mayBeAbsent;
    private final boolean[] mayBeText;
    private final boolean textKey;
    private final boolean[] seen;
    private final boolean[] string;
    private final Line current = new Line();
    private long lines;

    /**
     * @param out     where the lines go; null to only check and count them
     * @param columns the object's columns, in order
     * @param absent  the columns a line may leave out
     * @param text    the columns the key {@code ""} may list; none: a line must not have that key
     */
    public JsonLines(OutputStream out, List<String> columns, Set<String> absent, Set<String> text) {
        this.out = out;
        this.columns = List.copyOf(columns);
        this.mayBeAbsent = new boolean[columns.size()];
        this.mayBeText = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            index.put(columns.get(i), i);
            mayBeAbsent[i] = absent.contains(columns.get(i));
            mayBeText[i] = text.contains(columns.get(i));
        }
        this.textKey = !text.isEmpty();
        this.seen = new boolean[columns.size()];
        this.string = new boolean[columns.size()];
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                current.write(b, start, i - start);
                endLine();
                start = i + 1;
            }
        }
        current.write(b, start, end - start);
        if (out != null) {
            out.write(b, off, len);
        }
    }

    private void endLine() throws IOException {
        lines++;
        try (JsonParser p = JSON.createParser(current.bytes(), 0, current.size())) {
            check(p);
        } catch (JsonProcessingException e) {
            throw new Malformed("line " + lines + " is not JSON: " + e.getOriginalMessage());
        } finally {
            current.reset();
        }
    }

    private void check(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new Malformed("line " + lines + " is not a JSON object");
        }
        Arrays.fill(seen, false);
        List<String> listed = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (key.isEmpty() && textKey) {
                if (listed != null) {
                    throw new Malformed("line " + lines + " has the key \"\" twice");
                }
                listed = textColumns(p, value);
                continue;
            }
            Integer i = index.get(key);
            if (i == null) {
                throw new Malformed("line " + lines + " has the key \"" + key + "\", which is not a column of the object");
            }
            if (seen[i]) {
                throw new Malformed("line " + lines + " has the key \"" + key + "\" twice");
            }
            seen[i] = true;
            string[i] = value == JsonToken.VALUE_STRING;
            p.skipChildren();
        }
        if (p.nextToken() != null) {
            throw new Malformed("line " + lines + " has more after its JSON object");
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i] && !mayBeAbsent[i]) {
                throw new Malformed("line " + lines + " lacks the key \"" + columns.get(i) + "\"");
            }
        }
        if (listed != null) {
            for (String name : listed) {
                Integer i = index.get(name);
                if (i == null || !mayBeText[i] || !seen[i] || !string[i]) {
                    throw new Malformed("line " + lines + " lists \"" + name + "\" under the key \"\", but "
                            + (i == null || !mayBeText[i] ? "it is not a JSON column of the object"
                            : !seen[i] ? "the line lacks its key" : "its value is not a string"));
                }
            }
        }
    }

    /** The value of the key {@code ""}: the names of the columns written as text. */
    private List<String> textColumns(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new Malformed("line " + lines + ": the key \"\" must list column names");
        }
        List<String> names = new java.util.ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
            names.add(p.getText());
        }
        if (t != JsonToken.END_ARRAY || names.isEmpty()) {
            throw new Malformed("line " + lines + ": the key \"\" must list column names");
        }
        return names;
    }

    @Override
    public void finish() throws IOException {
        if (current.size() > 0) {
            endLine();
        }
    }

    @Override
    public long rows() {
        return lines;
    }

    /** The line being read, parsed where it lies. */
    private static final class Line extends ByteArrayOutputStream {
        Line() {
            super(1 << 12);
        }

        byte[] bytes() {
            return buf;
        }
    }
}
