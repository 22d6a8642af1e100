package io.strata.config;

import java.util.List;

/**
 * A job's {@code offload:} section: the rows stay in the table, and these columns of each due row move to S3.
 * Each object holds the key and the offloaded columns of the rows it took; the same statement that writes it
 * sets those columns to NULL (and the flag and ref columns, when named).
 *
 * @param columns    the offloaded columns, in the order given
 * @param key        the column that identifies a row in the object (unique; the primary key, usually)
 * @param flagColumn a boolean column set true when the row's columns are offloaded, false when restored; or null
 * @param refColumn  an integer column set to the manifest id of the object that holds the row's values; or null
 */
public record OffloadConfig(List<String> columns, String key, String flagColumn, String refColumn) {

    /** Every column the offload writes or reads, key first. */
    public List<String> exportedColumns() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(key), columns.stream()).toList();
    }
}
