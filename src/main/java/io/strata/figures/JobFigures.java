package io.strata.figures;

import java.time.Instant;

/**
 * One job's figures at one moment, computed once and read by status, the report, JMX and the metrics alike.
 *
 * @param at          when they were read
 * @param due         what is due now and how late it is; null when it is not known: the job is disabled (its table
 *                    is not inspected) or no longer configured, or it exports only and nothing was ever archived
 * @param archived    the manifest's totals: objects, rows and bytes archived, and how many were restored; objects
 *                    and gzip bytes are what S3 holds for the job
 * @param lastRun     the latest run of any instance; null when the job never ran
 * @param lastSuccess when the latest run that succeeded ended; null when none did
 * @param firstRun    when the job's first run started; null when it never ran
 * @param failures24h batches that failed, and runs that failed before any batch, in the 24 hours before {@code at}
 * @param offloaded   for a job that offloads columns, what the offloaded values took in its table; else null
 */
public record JobFigures(
        String job,
        Instant at,
        Due due,
        Totals archived,
        LastRun lastRun,
        Instant lastSuccess,
        Instant firstRun,
        long failures24h,
        Offloaded offloaded) {}
