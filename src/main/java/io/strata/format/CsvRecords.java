package io.strata.format;

import java.io.IOException;
import java.io.OutputStream;

/**
 * PostgreSQL's CSV ({@code COPY … (FORMAT csv, HEADER)}) read as it streams past: counts the records,
 * checks that each has the expected number of fields, and passes them on, optionally without some
 * fields. Inside double quotes anything goes (commas, newlines, {@code ""} for a quote); outside, a
 * comma ends a field and a newline ends a record. Holds one buffer, whatever the size of the stream.
 */
public final class CsvRecords extends OutputStream {

    private final OutputStream out;
    private final boolean[] keep;
    private final int fields;
    private final byte[] buf;
    private int n;
    private boolean quoted;
    private boolean open;
    private boolean keptAny;
    private int field;
    private long records;
    private long line = 1;
    private long recordLine = 1;

    /**
     * @param out    where the records go; null to only count and check them
     * @param fields the number of fields every record has
     * @param keep   which of them go to {@code out}; null for all
     */
    public CsvRecords(OutputStream out, int fields, boolean[] keep) {
        this.out = out;
        this.fields = fields;
        this.keep = keep;
        this.buf = keep == null ? null : new byte[1 << 16];
        this.keptAny = kept(0);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
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

    /** Ends the last record (which may lack its newline) and hands on what is buffered; {@code out} stays open. */
    public void finish() throws IOException {
        if (quoted) {
            throw new Malformed("line " + recordLine + ": a quoted field is not closed at the end of the object");
        }
        if (open || field > 0) {
            endRecord();
        }
        flushBuffer();
    }

    /** The records seen, the header included. */
    public long records() {
        return records;
    }
}
