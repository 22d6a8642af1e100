package io.strata.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Counts the rows of a gzipped archive object, parsing every one of them on the way. */
public final class RowCounter {

    private RowCounter() {}

    /**
     * @param format  {@code csv} (a header line, then one record per row) or {@code jsonl} (one object per line)
     * @param columns the number of fields each CSV record must have
     * @throws Malformed when a line does not parse
     */
    public static long count(Path gzipped, String format, int columns) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gzipped), 1 << 16)) {
            if ("csv".equals(format)) {
                CsvRecords records = new CsvRecords(null, columns, null);
                in.transferTo(records);
                records.finish();
                if (records.records() == 0) {
                    throw new Malformed("no header line");
                }
                return records.records() - 1;
            }
            JsonLines lines = new JsonLines();
            in.transferTo(lines);
            lines.finish();
            return lines.lines();
        }
    }
}
