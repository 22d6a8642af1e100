package io.strata.status;

import java.time.OffsetDateTime;
import java.util.List;

/** Every job's status at one moment, as {@code status} prints it. */
public record StatusReport(OffsetDateTime at, String database, String schema, List<JobStatus> jobs) {}
