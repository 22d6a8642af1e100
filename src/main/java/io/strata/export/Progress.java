package io.strata.export;

import io.strata.text.Human;

/** The per-batch progress line: job, window, tenant, chunk, rows, bytes, ratio, time, and where the run stands. */
public final class Progress {

    private Progress() {}

    public static String line(RunContext run) {
        BatchResult r = run.lastResult();
        String where = where(run.results().size(), run.partitions().size(), run.etaMs());
        String tenant = r.tenant() == null ? "" : " tenant=" + Human.tenant(r.tenant());
        return switch (r.status()) {
            case ARCHIVED -> String.format("%-12s %s%s c%d  %,d rows%s  %s -> %s (%.1fx)  %d ms  %s", r.job(), r.window(),
                    tenant, r.chunk(), r.rows(), r.kept() == 0 ? "" : String.format(" (%,d stay: referenced)", r.kept()),
                    Human.bytes(r.rawBytes()), Human.bytes(r.gzipBytes()), r.ratio(),
                    r.millis(), where);
            case FAILED -> String.format("%-12s %s%s  FAILED, rolled back: %s  %s", r.job(), r.window(), tenant, r.error(), where);
            default -> String.format("%-12s %s%s  %s: %s  %s", r.job(), r.window(), tenant,
                    r.status().name().toLowerCase().replace('_', ' '), r.error(), where);
        };
    }

    /** Where a run stands: {@code [done/total, ETA …]}, the ETA while there is one. */
    public static String where(int done, int total, long etaMs) {
        return String.format("[%d/%d%s]", done, total, done < total && etaMs >= 0 ? ", ETA " + Human.duration(etaMs) : "");
    }
}
