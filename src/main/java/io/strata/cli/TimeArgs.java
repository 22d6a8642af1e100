package io.strata.cli;

import io.strata.text.Times;
import io.strata.ErrorCode;
import io.strata.StrataException;
import java.time.OffsetDateTime;
import java.time.ZoneId;

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
        return Times.parse(option, value, zone);
    }
}
