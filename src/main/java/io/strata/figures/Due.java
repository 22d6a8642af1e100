package io.strata.figures;

import io.strata.export.References;
import java.time.Instant;

/**
 * What a run of the job would archive now, by the rule the archive itself uses (whole windows that ended
 * before {@code now - keep}; for export-only jobs, only windows not yet exported), and how late it is.
 * Two lags, with two names, the same on every surface (status, report, JMX, metrics):
 *
 * @param partitions          the due partitions (one object each)
 * @param rows                the rows in them
 * @param oldestDueRow        the timestamp of the oldest due row; null when nothing is due
 * @param oldestDueAgeSeconds its age: how long ago that row was written (0 when nothing is due)
 * @param lagPastKeepSeconds  how far that row is past keep: its age minus keep (0 when nothing is due)
 * @param allowanceSeconds    the lag past keep a job on schedule may show: one batch plus one schedule interval
 * @param keepSeconds         the job's keep as it stands now (P1M varies with the month); 0 for {@code forever}
 * @param kept                of the due rows, those a run leaves in the table because other rows reference them
 *                            (ON DELETE NO ACTION or RESTRICT), by reference; null when no such reference holds the table
 */
public record Due(
        int partitions,
        long rows,
        Instant oldestDueRow,
        long oldestDueAgeSeconds,
        long lagPastKeepSeconds,
        long allowanceSeconds,
        long keepSeconds,
        References.Kept kept) {

    /** Nothing due: the job keeps its rows forever, or every window it could archive is archived. */
    static Due none(long allowanceSeconds, long keepSeconds) {
        return new Due(0, 0, null, 0, 0, allowanceSeconds, keepSeconds, null);
    }

    /** Later than a job on schedule can be: its runs fail, are skipped, or cannot keep up. */
    public boolean beyondAllowance() {
        return lagPastKeepSeconds > allowanceSeconds;
    }
}
