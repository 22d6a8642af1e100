package io.strata.cli;

import io.strata.ErrorCode;
import io.strata.StrataException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;

/** {@code --from} and {@code --to}: ISO dates or date-times; without an offset, in the job's zone. */
public final class TimeArgs {

    private TimeArgs() {}

    /** The range {@code [from, to)}; an end that is not given is null, unless {@code required}. */
    static OffsetDateTime[] range(Args args, ZoneId zone, boolean required) {
        OffsetDateTime from = parse(args, "from", zone, required);
        OffsetDateTime to = parse(args, "to", zone, required);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "--from " + args.value("from") + " must be before --to "
                    + args.value("to"));
        }
        return new OffsetDateTime[] {from, to};
    }

    private static OffsetDateTime parse(Args args, String option, ZoneId zone, boolean required) {
        String value = args.value(option);
        if (value == null) {
            if (required) {
                throw new StrataException(ErrorCode.BAD_ARGUMENT, "--" + option + " is required (e.g. --" + option
                        + " 2026-11-01)");
            }
            return null;
        }
        return parse(option, value, zone);
    }

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
                s -> LocalDate.parse(s).atStartOfDay(zone).toOffsetDateTime());
        for (Function<String, OffsetDateTime> f : forms) {
            try {
                return f.apply(v);
            } catch (DateTimeParseException notThisForm) {
                // try the next form
            }
        }
        throw new StrataException(ErrorCode.BAD_ARGUMENT, "--" + option + " " + value + ": not a date or time; use"
                + " 2026-11-01, 2026-11-01T03:00 or 2026-11-01T03:00+01:00 (without an offset, in the job's zone, " + zone + ")");
    }
}
