package io.strata.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The records of an object's content (PostgreSQL CSV with its header, or JSON lines), read as they stream past,
 * and the value of one field of each — the key column's: each record's place in the stream and its key go to a
 * {@link Listener}. It follows quotes (CSV) and strings and brackets (JSON) only as far as needed to find record
 * ends and the key's field; it parses nothing else and holds no record, only its key. Bytes written to it go
 * nowhere else: put it beside the stream (a tee) that carries them.
 */
public final class RecordKeys extends OutputStream {

    /** Told of each record once its last byte has passed. */
    public interface Listener {
        /**
         * @param start  the offset of the record's first byte in the stream
         * @param end    the offset after its last byte (its line break included)
         * @param key    the key's value (CSV unquoted, JSON strings unescaped), in {@code key[0..length)};
         *               reused for the next record
         * @param isNull the key is SQL NULL (CSV: an empty unquoted field; JSON: null or absent)
         */
        void record(long start, long end, byte[] key, int length, boolean isNull) throws IOException;
    }

    private static final JsonFactory JSON = new JsonFactory();

    // JSON: where the scanner is on the line object's own level.
    private static final int OPEN = 0;
    private static final int KEY = 1;
    private static final int COLON = 2;
    private static final int VALUE = 3;
    private static final int NEXT = 4;
    /** The quote of the CSV that version 1 of JSON lines copied a line with line breaks in (see JsonLines). */
    private static final byte QUOTE = 0x01;

    private final boolean csv;
    private final int keyField;
    private final byte[] keyName;
    private final Listener listener;

    private long offset;
    private long recordStart;
    private byte[] key = new byte[64];
    private int keyLength;
    private boolean keyNull = true;
    private boolean keyDone;
    private boolean keyEscaped;

    // CSV
    private boolean header;
    private boolean inQuotes;
    private boolean afterQuote;
    private int field;
    private boolean fieldQuoted;

    // JSON
    private int state = OPEN;
    private int depth;
    private boolean inString;
    private boolean escape;
    private boolean naming;
    private boolean capturing;
    private boolean quoted;
    private byte[] name = new byte[64];
    private int nameLength;
    private boolean matched;

    private RecordKeys(boolean csv, int keyField, byte[] keyName, Listener listener) {
        this.csv = csv;
        this.keyField = keyField;
        this.keyName = keyName;
        this.listener = listener;
        this.header = csv;
    }

    /** PostgreSQL CSV with a header line (skipped), whose key is field {@code keyField} (0-based). */
    public static RecordKeys csv(int keyField, Listener listener) {
        return new RecordKeys(true, keyField, null, listener);
    }

    /** JSON lines, whose key is the line object's member {@code keyColumn}. */
    public static RecordKeys jsonLines(String keyColumn, Listener listener) {
        String quoted = new String(JsonStringEncoderHolder.quote(keyColumn));
        return new RecordKeys(false, -1, quoted.getBytes(StandardCharsets.UTF_8), listener);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (csv) {
            csv(b, off, off + len);
        } else {
            json(b, off, off + len);
        }
        offset += len;
    }

    /** An output that writes to {@code out} and reads the keys of what passes: the stream and its keys in one pass. */
    public OutputStream beside(OutputStream out) {
        RecordKeys keys = this;
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                keys.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        };
    }

    /** Ends the stream: a last record without a line break counts too. */
    public void finish() throws IOException {
        if (offset > recordStart && !header) {
            emit(offset);
        }
    }

    // ---- CSV: inside double quotes anything goes ("" is a quote); outside, ',' ends a field and '\n' a record.

    private void csv(byte[] b, int i, int end) throws IOException {
        long base = offset - i;
        while (i < end) {
            if (field > keyField && !header) {
                // Past the key: only the record's end matters, a line break outside quotes ("" toggles twice).
                i = recordEnd(b, i, end);
                if (i == end) {
                    return;
                }
                i++;
                keyNull = keyLength == 0 && !fieldQuoted;
                emit(base + i);
                continue;
            }
            if (inQuotes) {
                int q = i;
                while (q < end && b[q] != '"') {
                    q++;
                }
                if (field == keyField && !header) {
                    append(b, i, q - i);
                }
                if (q == end) {
                    return;
                }
                inQuotes = false;
                afterQuote = true;
                i = q + 1;
                continue;
            }
            byte c = b[i++];
            if (c == '"') {
                if (afterQuote && field == keyField && !header) {
                    append(b, i - 1, 1);
                }
                inQuotes = true;
                fieldQuoted |= field == keyField;
                afterQuote = false;
                continue;
            }
            afterQuote = false;
            if (c == ',') {
                field++;
            } else if (c == '\n') {
                if (header) {
                    header = false;
                    recordStart = base + i;
                    resetRecord();
                } else {
                    keyNull = keyLength == 0 && !fieldQuoted;
                    emit(base + i);
                }
            } else if (field == keyField && !header) {
                // an unquoted field: copy the run of plain bytes at once
                int s = i - 1;
                while (i < end && b[i] != ',' && b[i] != '\n' && b[i] != '"') {
                    i++;
                }
                append(b, s, i - s);
            } else {
                // a field that is not the key: skip to the next byte that matters
                while (i < end && b[i] != ',' && b[i] != '\n' && b[i] != '"') {
                    i++;
                }
            }
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BREAKS = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;

    /** The high bit of each byte of {@code x} that is zero, and no other bit. */
    private static long zeros(long x) {
        return ~(((x & LOW7) + LOW7) | x | LOW7);
    }

    /**
     * The index of the next line break outside quotes from {@code i}, or {@code end}; keeps the quote state. Eight
     * bytes at a time while they hold no line break: there, only the parity of the quotes counts.
     */
    private int recordEnd(byte[] b, int i, int end) {
        boolean q = inQuotes;
        while (i < end) {
            // The quotes' bits of every word XORed together: their count's parity is the parity of all the quotes.
            long quotes = 0;
            while (i + 8 <= end) {
                long x = (long) LONGS.get(b, i);
                if (zeros(x ^ BREAKS) != 0) {
                    break;
                }
                quotes ^= zeros(x ^ QUOTES);
                i += 8;
            }
            q ^= (Long.bitCount(quotes) & 1) != 0;
            int stop = Math.min(end, i + 8);
            for (; i < stop; i++) {
                byte c = b[i];
                if (c == '"') {
                    q = !q;
                } else if (c == '\n' && !q) {
                    inQuotes = false;
                    return i;
                }
            }
        }
        inQuotes = q;
        return end;
    }

    /** The index of the next line break or QUOTE byte from {@code i}, or {@code end}. */
    private static int lineEnd(byte[] b, int i, int end) {
        while (i + 8 <= end) {
            long x = (long) LONGS.get(b, i);
            if ((zeros(x ^ BREAKS) | zeros(x ^ (QUOTE * ONES))) != 0) {
                break;
            }
            i += 8;
        }
        while (i < end && b[i] != '\n' && b[i] != QUOTE) {
            i++;
        }
        return i;
    }

    // ---- JSON lines: a line break outside QUOTE ends a line; the key is a member of the line object itself.

    private void json(byte[] b, int i, int end) throws IOException {
        long base = offset - i;
        while (i < end) {
            if (keyDone && !quoted) {
                // The key is known: only the line's end matters now (version 2 lines hold no raw line break).
                i = lineEnd(b, i, end);
                if (i == end) {
                    return;
                }
            }
            if (inString) {
                i = string(b, i, end);
                continue;
            }
            byte c = b[i++];
            if (c == '\n' && !quoted) {
                emit(base + i);
                continue;
            }
            if (c == QUOTE) {
                quoted = !quoted;
                continue;
            }
            if (depth > 1) {
                if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    if (--depth == 1) {
                        state = NEXT;
                    }
                }
                continue;
            }
            if (capturing) {
                if (c == ',' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                    capturing = false;
                    keyDone = true;
                    keyNull = keyLength == 4 && key[0] == 'n' && key[1] == 'u' && key[2] == 'l' && key[3] == 'l';
                    state = c == ',' ? KEY : NEXT;
                    if (c == '}') {
                        depth = 0;
                    }
                } else {
                    append(b, i - 1, 1);
                }
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            switch (state) {
                case OPEN -> {
                    if (c == '{') {
                        depth = 1;
                        state = KEY;
                    }
                }
                case KEY -> {
                    if (c == '"') {
                        inString = true;
                        naming = true;
                        nameLength = 0;
                    } else if (c == '}') {
                        depth = 0;
                        state = NEXT;
                    }
                }
                case COLON -> state = c == ':' ? VALUE : COLON;
                case VALUE -> {
                    if (c == '"') {
                        inString = true;
                        capturing = matched;
                        if (matched) {
                            keyNull = false;
                        }
                        state = NEXT;
                    } else if (c == '{' || c == '[') {
                        depth++;
                    } else if (matched) {
                        capturing = true;
                        keyLength = 0;
                        append(b, i - 1, 1);
                    } else {
                        state = NEXT;
                    }
                }
                default -> { // NEXT: the rest of a value written without quotes, then ',' or '}'
                    if (c == ',') {
                        state = KEY;
                    } else if (c == '}') {
                        depth = 0;
                    }
                }
            }
        }
    }

    /** Reads a string's content up to its closing quote or the buffer's end; returns where it stopped. */
    private int string(byte[] b, int i, int end) {
        int j = i;
        if (escape) {
            escape = false;
            keep(b, j, 1);
            j++;
            i = j;
        }
        while (j < end && b[j] != '"' && b[j] != '\\') {
            j++;
        }
        keep(b, i, j - i);
        if (j == end) {
            return j;
        }
        if (b[j] == '\\') {
            escape = true;
            keyEscaped |= capturing;
            keep(b, j, 1);
            return j + 1;
        }
        inString = false;
        if (naming) {
            naming = false;
            matched = depth == 1 && nameLength == keyName.length && Arrays.equals(name, 0, nameLength, keyName, 0, nameLength);
            state = COLON;
        } else if (capturing) {
            capturing = false;
            keyDone = true;
        }
        return j + 1;
    }

    private void keep(byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        if (naming && depth == 1) {
            if (nameLength + len > name.length) {
                name = Arrays.copyOf(name, Math.max(name.length * 2, nameLength + len));
            }
            System.arraycopy(b, off, name, nameLength, len);
            nameLength += len;
        } else if (capturing) {
            append(b, off, len);
        }
    }

    private void append(byte[] b, int off, int len) {
        if (keyLength + len > key.length) {
            key = Arrays.copyOf(key, Math.max(key.length * 2, keyLength + len));
        }
        System.arraycopy(b, off, key, keyLength, len);
        keyLength += len;
    }

    private void emit(long end) throws IOException {
        if (!csv && keyEscaped && !keyNull) {
            unescape();
        }
        if (!csv && !keyDone) {
            keyNull = true;  // a JSON line without the member (version 2: a json column that is SQL NULL)
        }
        listener.record(recordStart, end, key, keyLength, keyNull);
        recordStart = end;
        resetRecord();
    }

    private void resetRecord() {
        keyLength = 0;
        keyNull = true;
        keyDone = false;
        keyEscaped = false;
        field = 0;
        fieldQuoted = false;
        afterQuote = false;
        state = OPEN;
        depth = 0;
        capturing = false;
        matched = false;
    }

    /** A JSON string's escapes (rare in keys) undone, through Jackson. */
    private void unescape() throws IOException {
        byte[] json = new byte[keyLength + 2];
        json[0] = '"';
        System.arraycopy(key, 0, json, 1, keyLength);
        json[keyLength + 1] = '"';
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            byte[] text = p.getText().getBytes(StandardCharsets.UTF_8);
            keyLength = 0;
            append(text, 0, text.length);
        }
    }

    /** A column name as JSON writes it between quotes. */
    private static final class JsonStringEncoderHolder {
        static char[] quote(String s) {
            return com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s);
        }
    }
}
