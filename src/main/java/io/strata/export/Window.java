package io.strata.export;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One batch window, {@code [start, end)} in the job's local time. Windows are whole batches of the
 * zone's clock (aligned on midnight), so they tile the timeline with neither gap nor overlap.
 */
public record Window(LocalDateTime start, LocalDateTime end) {

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH");
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyyMMddHHmm");

    /** The window of length {@code batch} that holds {@code t}. */
    public static Window containing(LocalDateTime t, Duration batch) {
        long size = batch.toSeconds();
        long secondOfDay = t.toLocalTime().toSecondOfDay();
        LocalDateTime start = t.toLocalDate().atStartOfDay().plusSeconds(secondOfDay - secondOfDay % size);
        return new Window(start, start.plusSeconds(size));
    }

    /** The label in object keys: {@code yyyyMMddHH}, or {@code yyyyMMddHHmm} for windows shorter than an hour. */
    public String label() {
        Duration length = Duration.between(start, end);
        return start.format(length.compareTo(Duration.ofHours(1)) < 0 ? MINUTE : HOUR);
    }

    public OffsetDateTime startAt(ZoneId zone) {
        return start.atZone(zone).toOffsetDateTime();
    }

    public OffsetDateTime endAt(ZoneId zone) {
        return end.atZone(zone).toOffsetDateTime();
    }

    @Override
    public String toString() {
        return start + ".." + end;
    }
}
