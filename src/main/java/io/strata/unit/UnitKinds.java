package io.strata.unit;

import io.strata.config.JobConfig;

/** Which kind of unit a job's batches are: the batch steps are the same for all, the {@link UnitExport} differs. */
@FunctionalInterface
public interface UnitKinds {

    UnitExport of(JobConfig job);
}
