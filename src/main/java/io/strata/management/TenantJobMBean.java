package io.strata.management;

/**
 * One tenant job (README, "Whole tenants"), as {@code strata:type=Job,name=<job>} like the row jobs: its bundles
 * and what an operator can do with them. Operations return readable text or JSON.
 */
@Doc("A Strata tenant job: whole tenants archived as bundles, and what an operator can do with them")
public interface TenantJobMBean {

    @Doc("The job's name in the config")
    String getName();

    @Doc("tenant: the job archives whole tenants (a root row and every row that depends on it)")
    String getKind();

    @Doc("The root table (schema.table)")
    String getTable();

    @Doc("Its quartz cron schedule (what the job's due query returns is archived then)")
    String getSchedule();

    @Doc("false when the config says enabled: false; such a job never runs")
    boolean isEnabled();

    @Doc("Tenants archived since the job began (manifest), restored ones included")
    long getTenantsArchived();

    @Doc("Bundles archived since the job began (manifest), restored ones included: what S3 holds for the job")
    long getTotalObjectsArchived();

    @Doc("Rows archived since the job began, over every table of every bundle (manifest)")
    long getTotalRowsArchived();

    @Doc("Bytes of the bundles (zip) archived since the job began: what S3 holds for the job")
    long getTotalGzipBytesArchived();

    @Doc("Bundles restored into the tables they came from (manifest state 'restored')")
    long getTotalObjectsRestored();

    @Doc("Rows restored into the tables they came from")
    long getTotalRowsRestored();

    @Doc("When the latest bundle was archived, ISO-8601; empty when none was")
    String getLastArchived();

    @Doc("Restores one tenant (its key as text), parents first, into each table's database; intoSchema empty: into the"
            + " tables the rows came from, else into same-named tables in that schema. All or nothing; as JSON")
    String restore(String tenant, String intoSchema);

    @Doc("Checks the job's bundles against S3 (size, SHA-256), as JSON")
    String verify();

    @Doc("Writes the report (all jobs, locally and to S3) and returns this job's part as JSON")
    String report();
}
