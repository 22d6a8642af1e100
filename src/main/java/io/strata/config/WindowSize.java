package io.strata.config;

import java.time.Duration;

/**
 * The length of a job's windows ({@code batch}): a fixed length that divides a day evenly ({@code PT15M},
 * {@code PT1H}, {@code P1D}), or a calendar week ({@code P1W}, Monday 00:00 to the next Monday 00:00) or month
 * ({@code P1M}, from the first instant of the month to the first instant of the next), in the job's zone.
 *
 * @param fixed    the length of fixed windows; null for calendar windows
 * @param calendar the calendar unit; null for fixed windows
 */
public record WindowSize(Duration fixed, Calendar calendar) {

    /** Calendar windows, whose length in time varies (months have 28 to 31 days; DST days 23 or 25 hours). */
    public enum Calendar { WEEK, MONTH }

    public static final WindowSize WEEK = new WindowSize(null, Calendar.WEEK);
    public static final WindowSize MONTH = new WindowSize(null, Calendar.MONTH);

    public static WindowSize of(Duration fixed) {
        return new WindowSize(fixed, null);
    }

    public boolean isCalendar() {
        return calendar != null;
    }

    /** The longest a window can last: the fixed length, 7 days for a week, 31 days for a month (DST aside). */
    public Duration longest() {
        if (calendar == null) {
            return fixed;
        }
        return calendar == Calendar.WEEK ? Duration.ofDays(7) : Duration.ofDays(31);
    }

    /** As the operator writes it: {@code PT1H}, {@code P1W}, {@code P1M}. */
    @Override
    public String toString() {
        if (calendar == null) {
            return fixed.toString();
        }
        return calendar == Calendar.WEEK ? "P1W" : "P1M";
    }
}
