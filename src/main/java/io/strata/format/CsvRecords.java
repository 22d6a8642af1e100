package io.strata.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's CSV ({@code COPY … (FORMAT csv, HEADER)}) read as it streams past: checks that the header
 * names the expected columns in their order, counts the records, checks that each has the expected number
 * of fields, and passes them on, optionally without some fields. Inside double quotes anything goes
 * (commas, newlines, {@code ""} for a quote); outside, a comma ends a field and a newline ends a record.
 * Holds one buffer (and the header line), whatever the size of the stream.
 */
public final class CsvRecords extends Records {

    /** More than the names of PostgreSQL's 1600 columns of 63 bytes, each quoted. */
    private static final int MAX_HEADER = 1 << 18;

    private final OutputStream out;
    private final boolean[] keep;
    private final List<String> columns;
    private final int fields;
    private final byte[] buf;
    private ByteArrayOutputStream header = new ByteArrayOutputStream();
    private int n;
    private boolean quoted;
    private boolean open;
    private boolean keptAny;
    private int field;
    private long records;
    private long line = 1;
    private long recordLine = 1;

    /**
     * @param out     where the records go; null to only count and check them
     * @param columns the names the header must list, in order: every record has as many fields
     * @param keep    which fields go to {@code out}; null for all
     */
    public CsvRecords(OutputStream out, List<String> columns, boolean[] keep) {
        this.out = out;
        this.columns = List.copyOf(columns);
        this.fields = columns.size();
        this.keep = keep;
        this.buf = keep == null ? null : new byte[1 << 16];
        this.keptAny = kept(0);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (header != null) {
                if (header.size() == MAX_HEADER) {
                    throw new Malformed("line 1 is longer than a header of " + fields + " column names can be");
                }
                header.write(c);
            }
            if (quoted) {
                quoted = c != '"';
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                field++;
                if (keep != null && kept(field)) {
                    if (keptAny) {
                        emit((byte) ',');
                    }
                    keptAny = true;
                }
                continue;
            } else if (c == '\n') {
                endRecord();
                line++;
                emit(c);
                continue;
            }
            if (c == '\n') {
                line++;
            }
            open = true;
            if (keep != null && kept(field)) {
                emit(c);
            }
        }
        if (keep == null && out != null) {
            out.write(b, off, len);
        }
    }

    private boolean kept(int f) {
        return keep == null || (f < keep.length && keep[f]);
    }

    private void endRecord() throws Malformed {
        if (header != null) {
            checkHeader();
        }
        if (field + 1 != fields) {
            throw new Malformed("line " + recordLine + " has " + (field + 1) + " fields; the manifest lists "
                    + fields + " columns");
        }
        records++;
        field = 0;
        open = false;
        keptAny = kept(0);
        recordLine = line + 1;
    }

    /** The header must name the manifest's columns, in order: a load by position must not shift a column. */
    private void checkHeader() throws Malformed {
        List<String> names = fields(header.toByteArray());
        header = null;
        for (int i = 0; i < Math.min(names.size(), columns.size()); i++) {
            if (!names.get(i).equals(columns.get(i))) {
                throw new Malformed("line 1: the header names column " + (i + 1) + " \"" + names.get(i)
                        + "\" where the manifest lists \"" + columns.get(i) + "\"");
            }
        }
        if (names.size() != columns.size()) {
            throw new Malformed("line 1: the header names " + names.size() + " columns; the manifest lists "
                    + columns.size());
        }
    }

    /** The fields of one CSV record (its line end, if any, included), unquoted. */
    private static List<String> fields(byte[] record) {
        List<String> names = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        boolean quoted = false;
        int n = record.length;
        if (n > 0 && record[n - 1] == '\n') {
            n--;
        }
        for (int i = 0; i < n; i++) {
            byte c = record[i];
            if (quoted) {
                if (c != '"') {
                    field.write(c);
                } else if (i + 1 < n && record[i + 1] == '"') {
                    field.write(c);
                    i++;
                } else {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                names.add(field.toString(StandardCharsets.UTF_8));
                field.reset();
            } else {
                field.write(c);
            }
        }
        names.add(field.toString(StandardCharsets.UTF_8));
        return names;
    }

    private void emit(byte c) throws IOException {
        if (buf == null) {
            return;
        }
        if (n == buf.length) {
            flushBuffer();
        }
        buf[n++] = c;
    }

    private void flushBuffer() throws IOException {
        if (n > 0 && out != null) {
            out.write(buf, 0, n);
        }
        n = 0;
    }

    @Override
    public void finish() throws IOException {
        if (quoted) {
            throw new Malformed("line " + recordLine + ": a quoted field is not closed at the end of the object");
        }
        if (open || field > 0) {
            endRecord();
        }
        if (records == 0) {
            throw new Malformed("no header line");
        }
        flushBuffer();
    }

    /** The records seen, not counting the header. */
    @Override
    public long rows() {
        return Math.max(0, records - 1);
    }
}
