package io.strata.restore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The outcome of one tenant restore (or its dry run), as the CLI prints it and JMX returns it.
 *
 * @param intoSchema the schema the tables were loaded into; null: the tables the rows came from
 * @param bundles    each chunk of the tenant: restored, skipped (already restored) or refused
 * @param tables     each table of each bundle loaded or skipped, in load order
 */
public record TenantRestoreResult(
        String job,
        String tenant,
        String intoSchema,
        boolean dryRun,
        int restored,
        int skipped,
        int failed,
        long rows,
        long present,
        long gzipBytes,
        long millis,
        List<ObjectResult> bundles,
        List<TableResult> tables) {

    static TenantRestoreResult of(TenantRestoreRequest r, boolean dryRun, List<ObjectResult> bundles,
            List<TableResult> tables, long millis) {
        int restored = 0;
        int skipped = 0;
        int failed = 0;
        long bytes = 0;
        for (ObjectResult b : bundles) {
            switch (b.status()) {
                case SKIPPED -> skipped++;
                case FAILED -> failed++;
                default -> {
                    restored++;
                    bytes += b.gzipBytes();
                }
            }
        }
        boolean ok = failed == 0;
        long rows = ok ? tables.stream().mapToLong(TableResult::rows).sum() : 0;
        long present = ok ? tables.stream().mapToLong(TableResult::present).sum() : 0;
        long ms = millis;
        return new TenantRestoreResult(r.job(), r.tenant(), r.intoSchema(), dryRun, restored, skipped, failed,
                dryRun ? bundles.stream().filter(b -> b.status() == ObjectResult.Status.PENDING)
                        .mapToLong(ObjectResult::rows).sum() : rows, present, bytes, ms, List.copyOf(bundles),
                List.copyOf(tables));
    }

    @JsonProperty("ok")
    public boolean ok() {
        return failed == 0;
    }
}
