package io.strata.lookup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What {@code get} found: every archived version of the row with the key, newest first (a row archived, restored
 * and archived again, or a key that several rows share, has several), and which object each came from.
 *
 * @param objectsRead the objects read to find them: downloaded, or read from the cache
 * @param downloaded  of those, the ones downloaded from S3 (the others were in the cache)
 */
public record ArchivedRows(String job, String table, String keyColumn, String key, boolean found, List<Version> rows,
        int objectsRead, int downloaded, long millis) {

    /**
     * One archived version of the row.
     *
     * @param values the columns' values typed as in JSON lines version 2: numbers, booleans and JSON as such, other
     *               values as their PostgreSQL text, SQL NULL as null, and a json or jsonb column that is SQL NULL
     *               left out (so that {@code null} is JSON null)
     * @param columns     the object's columns, in order
     * @param jsonColumns those of them that are json or jsonb
     */
    public record Version(String object, long manifestId, String tenant, OffsetDateTime windowStart,
            OffsetDateTime windowEnd, int chunk, OffsetDateTime archivedAt, String format, String state, boolean cached,
            List<String> columns, List<String> jsonColumns, ObjectNode values) {}
}
