package io.strata.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * Counts the lines and passes the bytes on unchanged.
 *
 * <p>The keys are found by following strings and brackets, without reading the values: a restore's lines
 * go on to PostgreSQL, whose json type parses each one in full. Without PostgreSQL behind it (verify),
 * each line is also parsed in full here. Either way one line at most is held.
 */
public final class JsonLines extends Records {

    private static final JsonFactory JSON = new JsonFactory();

    // What the scanner expects at the line object's own level.
    private static final int KEY = 0;
    private static final int COLON = 1;
    private static final int VALUE = 2;
    private static final int NEXT = 3;

    /**
     * The quote of the CSV that COPY reads and writes the lines as. Version 1 copied json text with its line
     * breaks, and COPY quoted such a line (one field, over several lines) between two of these; restore
     * reads it whole, and so does this.
     */
    private static final byte QUOTE = 0x01;

    private final OutputStream out;
    private final List<String> columns;
    private final byte[][] names;
    private final Map<String, Integer> index = new HashMap<>();
    private final boolean[] mayBeAbsent;
    private final boolean[] mayBeText;
    private final boolean textKey;
    private final ByteArrayOutputStream whole;

    // The line being read.
    private final boolean[] seen;
    private final boolean[] string;
    private final List<String> listed = new ArrayList<>();
    private byte[] name = new byte[64];
    private int nameLength;
    private int depth;
    private boolean inString;
    private boolean escape;
    private boolean naming;
    private int expect;
    private int key;
    private int next;
    private boolean list;
    private boolean object;
    private boolean ended;
    private boolean blank = true;
    private boolean quoted;
    private long lines;

    /**
     * @param out      where the lines go; null to only check and count them
     * @param columns  the object's columns, in order
     * @param absent   the columns a line may leave out
     * @param text     the columns the key {@code ""} may list; none: a line must not have that key
     * @param validate parse each line in full too (when no PostgreSQL will)
     */
    public JsonLines(OutputStream out, List<String> columns, Set<String> absent, Set<String> text, boolean validate) {
        this.out = out;
        this.columns = List.copyOf(columns);
        this.names = new byte[columns.size()][];
        this.mayBeAbsent = new boolean[columns.size()];
        this.mayBeText = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            index.put(columns.get(i), i);
            names[i] = columns.get(i).getBytes(StandardCharsets.UTF_8);
            mayBeAbsent[i] = absent.contains(columns.get(i));
            mayBeText[i] = text.contains(columns.get(i));
        }
        this.textKey = !text.isEmpty();
        this.seen = new boolean[columns.size()];
        this.string = new boolean[columns.size()];
        this.whole = validate ? new ByteArrayOutputStream(1 << 12) : null;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int from = off;
        int i = off;
        while (i < end) {
            if (inString) {
                if (!naming && !escape) {
                    // Most strings are values: skip to their end here (string() reads names and escapes).
                    while (i < end && b[i] != '"' && b[i] != '\\' && b[i] != '\n') {
                        i++;
                    }
                    if (i < end && b[i] == '"') {
                        inString = false;
                        i++;
                        continue;
                    }
                    if (i == end) {
                        break;
                    }
                }
                i = string(b, i, end);
                continue;
            }
            byte c = b[i++];
            if (c == '\n' && !quoted) {
                if (whole != null) {
                    whole.write(b, from, i - 1 - from);
                    from = i;
                }
                endLine();
            } else if (c == QUOTE) {
                quoted = !quoted;
            } else if (depth > 1 && !list && c != '"' && c != '{' && c != '[' && c != '}' && c != ']') {
                continue; // inside a value: only strings and brackets count
            } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                blank = false;
                token(c);
            }
        }
        if (whole != null) {
            whole.write(b, from, end - from);
        }
        if (out != null) {
            out.write(b, off, len);
        }
    }

    /**
     * Reads a string's content up to its closing quote, or to the end of the buffer; returns where it stopped.
     * A line break ends the line: inside a string it is no JSON, and the line is refused at its end.
     */
    private int string(byte[] b, int i, int end) throws IOException {
        int j = i;
        if (escape) {
            escape = false;
            if (b[j] != '\n') {
                keep(b, j, 1);
                return j + 1;
            }
        }
        while (j < end && b[j] != '"' && b[j] != '\\' && b[j] != '\n') {
            j++;
        }
        keep(b, i, j - i);
        if (j == end) {
            return j;
        }
        if (b[j] == '\n') {
            inString = false;
            naming = false;
            return j;
        }
        if (b[j] == '\\') {
            escape = true;
            keep(b, j, 1);
            return j + 1;
        }
        inString = false;
        if (naming) {
            naming = false;
            named();
        }
        return j + 1;
    }

    /** Keeps the bytes of a name being read. */
    private void keep(byte[] b, int off, int len) {
        if (!naming || len == 0) {
            return;
        }
        if (nameLength + len > name.length) {
            name = Arrays.copyOf(name, Math.max(name.length * 2, nameLength + len));
        }
        System.arraycopy(b, off, name, nameLength, len);
        nameLength += len;
    }

    /** One character outside strings, not white space. */
    private void token(byte c) throws IOException {
        if (depth == 0) {
            if (object) {
                throw new Malformed("line " + (lines + 1) + " has more after its JSON object");
            }
            if (c != '{') {
                throw new Malformed("line " + (lines + 1) + " is not a JSON object");
            }
            object = true;
            depth = 1;
            expect = KEY;
            return;
        }
        if (depth == 1) {
            level1(c);
        } else if (list && depth == 2 && c != '"' && c != ',' && c != ']') {
            throw new Malformed("line " + (lines + 1) + ": the key \"\" must list column names");
        } else if (c == '"') {
            inString = true;
            naming = list && depth == 2;
            nameLength = 0;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
            list = list && depth == 2;
            ended = depth == 0;
        }
    }

    /** A character of the line object's own level: keys, colons, the first one of each value, commas. */
    private void level1(byte c) throws IOException {
        switch (expect) {
            case KEY -> {
                if (c == '"') {
                    inString = true;
                    naming = true;
                    nameLength = 0;
                    expect = COLON;
                }
            }
            case COLON -> expect = c == ':' ? VALUE : expect;
            case VALUE -> {
                if (key >= 0) {
                    string[key] = c == '"';
                } else if (c != '[') {
                    throw new Malformed("line " + (lines + 1) + ": the key \"\" must list column names");
                } else {
                    list = true;
                }
                if (c == '"') {
                    inString = true;
                    naming = false;
                }
                expect = NEXT;
            }
            default -> expect = c == ',' ? KEY : expect;
        }
    }

    /** A string that was read as a name ended: a key of the line object, or a name the key "" lists. */
    private void named() throws IOException {
        if (depth == 2) {
            listed.add(decode());
            return;
        }
        if (next < names.length && Arrays.equals(name, 0, nameLength, names[next], 0, names[next].length)) {
            key(next);
            return;
        }
        String k = decode();
        if (k.isEmpty() && textKey) {
            if (list || !listed.isEmpty()) {
                throw new Malformed("line " + (lines + 1) + " has the key \"\" twice");
            }
            key = -1;
            return;
        }
        Integer i = index.get(k);
        if (i == null) {
            throw new Malformed("line " + (lines + 1) + " has the key \"" + k + "\", which is not a column of the object");
        }
        key(i);
    }

    private void key(int i) throws Malformed {
        if (seen[i]) {
            throw new Malformed("line " + (lines + 1) + " has the key \"" + columns.get(i) + "\" twice");
        }
        seen[i] = true;
        key = i;
        next = i + 1;
    }

    /** The name read, as JSON reads it: with its escapes, if any, undone. */
    private String decode() throws IOException {
        boolean escaped = false;
        for (int i = 0; i < nameLength && !escaped; i++) {
            escaped = name[i] == '\\';
        }
        if (!escaped) {
            return new String(name, 0, nameLength, StandardCharsets.UTF_8);
        }
        byte[] quoted = new byte[nameLength + 2];
        quoted[0] = '"';
        System.arraycopy(name, 0, quoted, 1, nameLength);
        quoted[quoted.length - 1] = '"';
        try (JsonParser p = JSON.createParser(quoted)) {
            p.nextToken();
            return p.getText();
        } catch (JsonProcessingException e) {
            throw new Malformed("line " + (lines + 1) + " is not JSON: " + e.getOriginalMessage());
        }
    }

    /** A line ended: it must have been one whole object, with every column that may not be left out. */
    private void endLine() throws IOException {
        lines++;
        if (whole != null) {
            validate();
        }
        if (!ended) {
            throw new Malformed("line " + lines + (object ? " ends inside its JSON object" : " is not a JSON object"));
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i] && !mayBeAbsent[i]) {
                throw new Malformed("line " + lines + " lacks the key \"" + columns.get(i) + "\"");
            }
        }
        for (String n : listed) {
            Integer i = index.get(n);
            if (i == null || !mayBeText[i] || !seen[i] || !string[i]) {
                throw new Malformed("line " + lines + " lists \"" + n + "\" under the key \"\", but "
                        + (i == null || !mayBeText[i] ? "it is not a JSON column of the object"
                        : !seen[i] ? "the line lacks its key" : "its value is not a string"));
            }
        }
        Arrays.fill(seen, false);
        listed.clear();
        depth = 0;
        inString = false;
        escape = false;
        naming = false;
        list = false;
        object = false;
        ended = false;
        blank = true;
        quoted = false;
        next = 0;
        expect = KEY;
    }

    /** Parses the line in full: it must be one JSON object and nothing else. */
    private void validate() throws Malformed {
        byte[] line = whole.toByteArray();
        int from = line.length > 0 && line[0] == QUOTE ? 1 : 0;
        int to = line.length > from && line[line.length - 1] == QUOTE ? line.length - 1 : line.length;
        try (JsonParser p = JSON.createParser(line, from, to - from)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Malformed("line " + lines + " is not a JSON object");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new Malformed("line " + lines + " has more after its JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new Malformed("line " + lines + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Malformed("line " + lines + " is not JSON: " + e.getMessage());
        } finally {
            whole.reset();
        }
    }

    @Override
    public void finish() throws IOException {
        if (!blank) {
            endLine();
        }
    }

    @Override
    public long rows() {
        return lines;
    }
}
