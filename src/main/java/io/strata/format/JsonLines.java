package io.strata.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * JSON Lines read as they stream past: each line must be one JSON object and nothing else. Counts the
 * lines; holds one line at a time.
 */
public final class JsonLines extends OutputStream {

    private static final JsonFactory JSON = new JsonFactory();

    private final ByteArrayOutputStream current = new ByteArrayOutputStream(1 << 12);
    private long lines;

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
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
    }

    private void endLine() throws IOException {
        byte[] line = current.toByteArray();
        current.reset();
        lines++;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Malformed("line " + lines + " is not a JSON object");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new Malformed("line " + lines + " has more after its JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new Malformed("line " + lines + " is not JSON: " + e.getOriginalMessage());
        }
    }

    /** Ends the last line, which may lack its newline. */
    public void finish() throws IOException {
        if (current.size() > 0) {
            endLine();
        }
    }

    public long lines() {
        return lines;
    }
}
