package io.strata.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Counts the rows of a gzipped archive object, checking every one of them on the way. */
public final class RowCounter {

    private RowCounter() {}

    /**
     * @param records the reader of the object's format, which checks the rows (and counts them)
     * @throws Malformed when a row does not parse, or does not fit the object's columns
     */
    public static long count(Path gzipped, Records records) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gzipped), 1 << 16)) {
            in.transferTo(records);
            records.finish();
            return records.rows();
        }
    }
}
