package io.strata.kinds.tenant;

import java.util.List;

/**
 * What became of one tenant.
 *
 * @param status  archived, pretend (exported, verified and test-restored, nothing changed), empty (nothing
 *                left to archive), locked (another instance has it), not started (stopping, or the job is
 *                paused), failed
 * @param tables  per table: rows exported, deleted, kept (shared with another tenant)
 * @param rawBytes the entries' bytes before the zip compressed them
 */
public record TenantResult(String job, String tenant, Status status, int chunk, String key, long rows, long kept,
        long bytes, long extractMs, Long testRestoreMs, long millis, String error, List<Table> tables, long rawBytes) {

    public enum Status { ARCHIVED, PRETEND, EMPTY, LOCKED, NOT_STARTED, FAILED }

    /** One table of a bundle: {@code database:schema.table}, rows exported, deleted and kept. */
    public record Table(String table, long rows, long deleted, long kept) {}

    static TenantResult ended(TenantRequest r, Status status, long millis, String error) {
        return new TenantResult(r.job(), r.tenant(), status, 0, null, 0, 0, 0, 0, null, millis, error, List.of(), 0);
    }
}
