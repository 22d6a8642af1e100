package io.strata.management;

/** One archive job, as {@code strata:type=Job,name=<job>}. Operations return readable text or JSON. */
@Doc("A Strata archive job: where it stands, its current run, and what an operator can do with it")
public interface JobMBean {

    @Doc("The job's name in the config")
    String getName();

    @Doc("The table it archives (schema.table)")
    String getTable();

    @Doc("What its objects hold: rows (windows of rows), offload (columns of the rows, which stay) or bundle (each window's rows with their dependents)")
    String getKind();

    @Doc("Its quartz cron schedule")
    String getSchedule();

    @Doc("Rows older than this are due (ISO-8601, or forever)")
    String getKeep();

    @Doc("false when the config says enabled: false; such a job never runs")
    boolean isEnabled();

    @Doc("true after pause(): no new batch starts and scheduled runs are skipped until resume()")
    boolean isPaused();

    @Doc("idle, running, or failed (the last run failed or partly failed)")
    String getState();

    @Doc("Batches of the current (or last) run that have ended")
    int getPartitionsDone();

    @Doc("Batches the current (or last) run found due")
    int getPartitionsTotal();

    @Doc("Rows the current (or last) run has archived so far")
    long getRunRows();

    @Doc("Bytes before gzip the current (or last) run has archived so far")
    long getRunBytes();

    @Doc("Bytes after gzip (stored in S3) of the current (or last) run so far")
    long getRunGzipBytes();

    @Doc("Seconds until the current run ends at its pace so far; -1 when unknown or not running")
    long getEtaSeconds();

    @Doc("The current (or last) run in one line: batches done, rows, bytes, ETA")
    String getProgress();

    @Doc("When the last run (of any instance) started, ISO-8601")
    String getLastRunStart();

    @Doc("When the last run ended, ISO-8601; empty while it runs")
    String getLastRunEnd();

    @Doc("The last run's status: running, succeeded, partial, failed or stopped")
    String getLastRunResult();

    @Doc("The last run's first error, if any")
    String getLastRunError();

    @Doc("When the latest run that succeeded ended, ISO-8601; empty when none did")
    String getLastSuccess();

    @Doc("Objects archived since the job began (manifest), restored ones included: what S3 holds for the job")
    long getTotalObjectsArchived();

    @Doc("Rows archived since the job began (manifest)")
    long getTotalRowsArchived();

    @Doc("Bytes after gzip archived since the job began (manifest): what S3 holds for the job")
    long getTotalGzipBytesArchived();

    @Doc("Objects restored (manifest state 'restored')")
    long getTotalObjectsRestored();

    @Doc("Rows restored")
    long getTotalRowsRestored();

    @Doc("Partitions a run would archive now (one object each)")
    int getPartitionsDue();

    @Doc("Rows a run would archive now")
    long getRowsDue();

    @Doc("The timestamp of the oldest due row, ISO-8601; empty when nothing is due")
    String getOldestDueRow();

    @Doc("Oldest due age: seconds since the oldest due row was written; 0 when nothing is due")
    long getOldestDueAgeSeconds();

    @Doc("Oldest due age as text, with the row's timestamp")
    String getOldestDueAge();

    @Doc("Lag past keep: seconds the oldest due row is past keep; 0 when nothing is due")
    long getLagPastKeepSeconds();

    @Doc("Lag past keep as text, with keep and the allowance")
    String getLagPastKeep();

    @Doc("The lag past keep a job on schedule may show: one batch plus one schedule interval, in seconds")
    long getLagAllowanceSeconds();

    @Doc("The former name of LagPastKeepSeconds, kept for consoles that read it")
    long getLagSeconds();

    @Doc("The former name of LagPastKeep, kept for consoles that read it")
    String getLag();

    @Doc("Starts a run now (as the schedule would). Returns the run's summary as JSON if it ends within a second,"
            + " else says it started; follow State and Progress")
    String runNow();

    @Doc("The partitions due now with their row counts, as JSON; changes nothing")
    String dryRun();

    @Doc("Pauses the job: batches in flight finish, no new batch starts, scheduled runs are skipped until resume()")
    String pause();

    @Doc("Resumes a paused job; its next scheduled run (or runNow) archives again")
    String resume();

    @Doc("Restores the job's rows archived in [from, to) (ISO-8601), of one tenant or all (empty), as JSON")
    String restore(String from, String to, String tenant);

    @Doc("Checks the job's objects archived in [from, to) (empty: all) against S3, as JSON")
    String verify(String from, String to);

    @Doc("Writes the report (all jobs, locally and to S3) and returns this job's part as JSON")
    String report();
}
