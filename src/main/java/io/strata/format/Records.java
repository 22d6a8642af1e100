package io.strata.format;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An archive object's content read as it streams past (written to this stream): each row is checked
 * against the object's columns, counted, and passed on when there is somewhere to pass it.
 */
public abstract class Records extends OutputStream {

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Ends the last row (which may lack its newline) and hands on what is buffered; the output stays open. */
    public abstract void finish() throws IOException;

    /** The rows seen (a CSV header is not a row). */
    public abstract long rows();
}
