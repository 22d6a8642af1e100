package io.strata.export;

import io.strata.config.WindowSize;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;

/**
 * One batch window, {@code [start, end)} in the job's local time. Windows are whole batches of the
 * zone's clock (aligned on midnight), so they tile the timeline with neither gap nor overlap. Calendar
 * windows are a week from Monday 00:00 (ISO weeks) or a month from the 1st 00:00, to the same point of the
 * next week or month: in time, from the first instant of the first day in the zone to the first instant of
 * the day after the last, whatever DST does in between (and a midnight that DST skips starts the day at
 * its first instant, as {@link LocalDateTime#atZone} resolves a gap).
 */
public record Window(LocalDateTime start, LocalDateTime end) {

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH");
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyyMMddHHmm");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM");

    /** The window of length {@code batch} (dividing a day) that holds {@code t}. */
    public static Window containing(LocalDateTime t, Duration batch) {
        long size = batch.toSeconds();
        long secondOfDay = t.toLocalTime().toSecondOfDay();
        LocalDateTime start = t.toLocalDate().atStartOfDay().plusSeconds(secondOfDay - secondOfDay % size);
        return new Window(start, start.plusSeconds(size));
    }

    /** The window of size {@code batch} that holds {@code t}: a fixed length, or the calendar week or month of {@code t}. */
    public static Window containing(LocalDateTime t, WindowSize batch) {
        if (batch.calendar() == null) {
            return containing(t, batch.fixed());
        }
        if (batch.calendar() == WindowSize.Calendar.WEEK) {
            LocalDate monday = t.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            return new Window(monday.atStartOfDay(), monday.plusWeeks(1).atStartOfDay());
        }
        LocalDate first = t.toLocalDate().withDayOfMonth(1);
        return new Window(first.atStartOfDay(), first.plusMonths(1).atStartOfDay());
    }

    /** A calendar month window: from the 1st 00:00 to the 1st 00:00 of the next month. */
    public boolean isMonth() {
        return start.getDayOfMonth() == 1 && start.toLocalTime().toSecondOfDay() == 0 && end.equals(start.plusMonths(1));
    }

    /** A calendar week window: from a Monday 00:00 to the next Monday 00:00. */
    public boolean isWeek() {
        return start.getDayOfWeek() == DayOfWeek.MONDAY && start.toLocalTime().toSecondOfDay() == 0
                && end.equals(start.plusWeeks(1));
    }

    /**
     * The label in object keys: {@code yyyyMMddHH}, or {@code yyyyMMddHHmm} for windows shorter than an hour;
     * {@code yyyyMM} for a month and {@code yyyyMMdd} of its Monday then {@code w} for a week. The four forms
     * differ in length or in the {@code w}, so no label of one window is the label of another.
     */
    public String label() {
        if (isMonth()) {
            return start.format(MONTH);
        }
        if (isWeek()) {
            return start.format(DAY) + "w";
        }
        Duration length = Duration.between(start, end);
        return start.format(length.compareTo(Duration.ofHours(1)) < 0 ? MINUTE : HOUR);
    }

    /**
     * The window a label names: a month or week window by its label alone, else the window of
     * {@code batch} (the job's; one hour when the job is not configured) that starts there.
     */
    public static Window ofLabel(String label, WindowSize batch) {
        if (label.length() == 6) {
            LocalDate first = LocalDate.parse(label + "01", DAY);
            return new Window(first.atStartOfDay(), first.plusMonths(1).atStartOfDay());
        }
        if (label.endsWith("w")) {
            LocalDate monday = LocalDate.parse(label.substring(0, 8), DAY);
            return new Window(monday.atStartOfDay(), monday.plusWeeks(1).atStartOfDay());
        }
        LocalDateTime start = LocalDateTime.parse(label, label.length() == 12 ? MINUTE : HOUR);
        Duration length = batch == null || batch.fixed() == null ? Duration.ofHours(1) : batch.fixed();
        return new Window(start, start.plus(length));
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
