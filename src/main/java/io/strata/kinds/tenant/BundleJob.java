package io.strata.kinds.tenant;

import io.strata.config.JobConfig;
import io.strata.config.TenantJobConfig;
import java.util.List;

/**
 * A job whose objects are bundles, as the bundle's plan and steps see it: a tenant job (one bundle per root row) or a
 * time job with {@code tables:} (one bundle per window, and tenant when it splits by tenant). Exactly one of
 * {@code tenantJob} and {@code windowJob} is set.
 *
 * @param rootAt    the root table's key in the config file, for messages
 * @param key       the column {@code :tenant} stands for: the tenant job's root key, the time job's tenantColumn
 *                  (null when it has none: then a {@code where} may not use {@code :tenant})
 */
public record BundleJob(String name, String at, String rootAt, String schema, String table, String key,
        List<TenantJobConfig.Extra> tables, JobConfig.Format format, boolean testRestore, TenantJobConfig tenantJob,
        JobConfig windowJob) {

    public static BundleJob of(TenantJobConfig j) {
        return new BundleJob(j.name(), j.at(), j.at() + ".tenant.table", j.schema(), j.table(), j.key(), j.tables(),
                j.format(), j.testRestore(), j, null);
    }

    /** A time job with {@code tables:}. */
    public static BundleJob of(JobConfig j) {
        String at = j.at();
        return new BundleJob(j.name(), at, at + ".table", j.schema(), j.table(), j.tenantColumn(), j.tables(), j.format(),
                j.testRestore(), null, j);
    }

    public boolean windows() {
        return windowJob != null;
    }

    /** The key of its {@code tables:} in the config file. */
    public String tablesAt() {
        return windows() ? at + ".tables" : at + ".tenant.tables";
    }

    public String qualifiedTable() {
        return schema + "." + table;
    }
}
