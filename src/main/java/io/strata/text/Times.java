package io.strata.text;

import io.strata.ErrorCode;
import io.strata.StrataException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;

/**
 * Times as people write them on a command line or in a console: a month (its first instant), a date (its first
 * instant), a date-time, with or without an offset.
 */
public final class Times {

    private Times() {}

    /** One time value, named {@code option} in messages; null or blank gives null. */
    public static OffsetDateTime parse(String option, String value, ZoneId zone) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim().replace(' ', 'T');
        List<Function<String, OffsetDateTime>> forms = List.of(
                OffsetDateTime::parse,
                s -> ZonedDateTime.parse(s).toOffsetDateTime(),
                s -> LocalDateTime.parse(s).atZone(zone).toOffsetDateTime(),
                s -> LocalDate.parse(s).atStartOfDay(zone).toOffsetDateTime(),
                s -> YearMonth.parse(s).atDay(1).atStartOfDay(zone).toOffsetDateTime());
        for (Function<String, OffsetDateTime> f : forms) {
            try {
                return f.apply(v);
            } catch (DateTimeParseException notThisForm) {
                // try the next form
            }
        }
        throw new StrataException(ErrorCode.BAD_ARGUMENT, "--" + option + " " + value + ": not a date or time; use"
                + " 2026-11 (the month's first instant), 2026-11-01, 2026-11-01T03:00 or 2026-11-01T03:00+01:00 (without an"
                + " offset, in the job's zone, " + zone + ")");
    }
}
