package io.strata.export;

import io.strata.config.JobConfig;
import io.strata.text.Human;

/**
 * The unit of work: one window of one job, and of one tenant when the job splits by tenant. One
 * partition becomes one object (or, for rows that arrive late, one more chunk).
 *
 * @param tenant the tenant's value as text; null when the job does not split, or for rows whose tenant is NULL
 * @param rows   rows counted when the partition was found (dry runs), else -1
 */
public record Partition(JobConfig job, Window window, boolean tenantSplit, String tenant, long rows) {

    public String describe() {
        return job.name() + " " + window.start() + (tenantSplit ? " tenant=" + Human.tenant(tenant) : "");
    }
}
