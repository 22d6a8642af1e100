package io.strata.restore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.OffsetDateTime;
import java.util.List;

/** The outcome of one restore (or dry run), as the CLI prints it and JMX returns it. */
public record RestoreResult(
        String job,
        String target,
        OffsetDateTime from,
        OffsetDateTime to,
        String tenant,
        boolean dryRun,
        int objects,
        int restored,
        int skipped,
        int failed,
        long rows,
        long gzipBytes,
        long millis,
        List<ObjectResult> results,
        long missing,
        long kept) {

    static RestoreResult of(RestorePlan plan, boolean dryRun) {
        List<ObjectResult> results = plan.results();
        int restored = 0;
        int skipped = 0;
        int failed = 0;
        long rows = 0;
        long bytes = 0;
        long missing = 0;
        long kept = 0;
        for (ObjectResult r : results) {
            switch (r.status()) {
                case SKIPPED -> skipped++;
                case FAILED -> failed++;
                default -> {
                    restored++;
                    rows += r.rows();
                    bytes += r.gzipBytes();
                    missing += r.missing() == null ? 0 : r.missing();
                    kept += r.kept() == null ? 0 : r.kept();
                }
            }
        }
        RestoreRequest q = plan.request();
        return new RestoreResult(q.job(), plan.targetName(), q.from(), q.to(), q.tenant().one() ? q.tenant().describe() : null, dryRun, results.size(),
                restored, skipped, failed, rows, bytes, plan.elapsedMs(), results, missing, kept);
    }

    @JsonProperty("ok")
    public boolean ok() {
        return failed == 0;
    }
}
