package io.strata.management;

/** The Strata process, as {@code strata:type=Service}. */
@Doc("The Strata service: version, uptime, config, and its jobs in one line each")
public interface StrataMBean {

    @Doc("Strata's version")
    String getVersion();

    @Doc("When this process started, ISO-8601")
    String getStartedAt();

    @Doc("How long this process has run, as text")
    String getUptime();

    @Doc("How long this process has run, in seconds")
    long getUptimeSeconds();

    @Doc("The configuration file this process read")
    String getConfigFile();

    @Doc("The schema of Strata's manifest and run tables")
    String getSchema();

    @Doc("The S3 endpoint and bucket")
    String getStorage();

    @Doc("One line per job: state, paused, last run, rows due, lag")
    String[] getJobs();

    @Doc("Writes the report now (JSON, CSV, HTML; locally and to S3) and says where, with its alerts")
    String report();
}
