package io.strata.config;

import java.time.Instant;

/** What the integer values of a job's {@code timestampColumn} count since 1970-01-01T00:00Z ({@code timestampUnit}). */
public enum TimestampUnit {
    SECONDS("seconds"), MILLISECONDS("milliseconds");

    private final String text;

    TimestampUnit(String text) {
        this.text = text;
    }

    /** The column's value for instant {@code t}; windows start on whole seconds, so this is exact for their bounds. */
    public long toEpoch(Instant t) {
        return this == SECONDS ? t.getEpochSecond() : t.toEpochMilli();
    }

    public Instant toInstant(long value) {
        return this == SECONDS ? Instant.ofEpochSecond(value) : Instant.ofEpochMilli(value);
    }

    @Override
    public String toString() {
        return text;
    }
}
