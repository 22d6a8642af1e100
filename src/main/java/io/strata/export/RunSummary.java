package io.strata.export;

import java.util.List;

/**
 * The outcome of one run of one job, as the CLI prints it and JMX returns it.
 *
 * @param kept rows of its windows the run left in the table because other rows reference them
 */
public record RunSummary(
        String job,
        long runId,
        String status,
        int partitions,
        int archived,
        int skipped,
        int failed,
        long rows,
        long rawBytes,
        long gzipBytes,
        long millis,
        List<String> errors,
        long kept) {

    public static RunSummary of(RunContext run) {
        List<BatchResult> results = run.results();
        int archived = 0;
        int failed = 0;
        int notStarted = 0;
        int skipped = 0;
        long rows = 0;
        long raw = 0;
        long gz = 0;
        long kept = 0;
        List<String> errors = new java.util.ArrayList<>();
        for (BatchResult r : results) {
            kept += r.kept();
            switch (r.status()) {
                case ARCHIVED -> {
                    archived++;
                    rows += r.rows();
                    raw += r.rawBytes();
                    gz += r.gzipBytes();
                }
                case FAILED -> {
                    failed++;
                    if (errors.size() < 20) {
                        errors.add(r.error());
                    }
                }
                case NOT_STARTED -> notStarted++;
                default -> skipped++;
            }
        }
        String status = failed > 0 ? (archived > 0 ? "partial" : "failed")
                : notStarted > 0 ? "stopped" : "succeeded";
        return new RunSummary(run.job().name(), run.runId(), status, run.partitions().size(), archived,
                skipped + notStarted, failed, rows, raw, gz, run.elapsedMs(), List.copyOf(errors), kept);
    }

    public static RunSummary failed(String job, long runId, long millis, String error) {
        return new RunSummary(job, runId, "failed", 0, 0, 0, 1, 0, 0, 0, millis, List.of(error), 0);
    }

    /** The run a paused job skipped. */
    public static RunSummary paused(String job) {
        return new RunSummary(job, 0, "paused", 0, 0, 0, 0, 0, 0, 0, 0, List.of(), 0);
    }

    public boolean ok() {
        return failed == 0 && !"failed".equals(status);
    }
}
