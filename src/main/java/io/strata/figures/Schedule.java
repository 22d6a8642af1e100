package io.strata.figures;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.quartz.CronExpression;

/** What a job's schedule allows: the time between two runs, and the lag past keep a job on schedule may show. */
public final class Schedule {

    private Schedule() {}

    /**
     * The time between two firings of a quartz cron expression (the next two after {@code now}); one day
     * when it fires once more at most.
     */
    public static Duration interval(String cron, Instant now) {
        try {
            CronExpression e = new CronExpression(cron);
            Date first = e.getNextValidTimeAfter(Date.from(now));
            Date second = first == null ? null : e.getNextValidTimeAfter(first);
            return second == null ? Duration.ofDays(1) : Duration.ofMillis(second.getTime() - first.getTime());
        } catch (ParseException e) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, "schedule \"" + cron + "\": " + e.getMessage(), e);
        }
    }

    /**
     * One batch plus one schedule interval. Rows become due all the time and a run archives them at its
     * schedule, so just before a run on schedule the oldest due row is up to this much past keep
     * (docs/report-and-console.md).
     */
    public static Duration allowance(JobConfig job, Instant now) {
        return job.batch().longest().plus(interval(job.schedule(), now));
    }
}
