package io.strata.report;

import io.strata.figures.Due;
import io.strata.figures.LastRun;
import io.strata.figures.Totals;
import java.util.ArrayList;
import java.util.List;

/**
 * The report as one CSV table for spreadsheets: a {@code day} row per job and day of the period (what
 * happened that day), then a {@code job} row per job (totals since the job began, and where it stands; a tenant
 * job's row has {@code job_kind} tenant and the tenants it archived).
 */
public final class CsvRenderer {

    static final String HEADER = "kind,job,day,objects,rows,raw_bytes,gzip_bytes,ratio,runs,failed_runs,failed_batches,"
            + "restored_objects,restored_rows,partitions_due,rows_due,oldest_due_row,oldest_due_age_seconds,"
            + "lag_past_keep_seconds,lag_allowance_seconds,table_bytes,space_freed_bytes,live_rows,dead_rows,storage_bytes,"
            + "monthly_cost,last_run_status,last_success,job_kind,tenants,last_archived";

    private CsvRenderer() {}

    public static String render(Report report) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (Report.Day d : report.days()) {
            line(out, "day", d.job(), d.day(), d.objects(), d.rows(), d.rawBytes(), d.gzipBytes(), d.ratio(), d.runs(),
                    d.failedRuns(), d.failedBatches(), d.restoredObjects(), d.restoredRows(),
                    null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        }
        for (Report.Job j : report.jobs()) {
            Totals t = j.archived();
            Due due = j.due();
            Report.Space s = j.space() == null ? new Report.Space(null, null, null, null, null, null) : j.space();
            LastRun last = j.lastRun();
            line(out, "job", j.job(), null, t.objects(), t.rows(), t.rawBytes(), t.gzipBytes(), t.ratio(), null, null, null,
                    t.restoredObjects(), t.restoredRows(), due == null ? null : due.partitions(), due == null ? null : due.rows(),
                    due == null ? null : due.oldestDueRow(), due == null ? null : due.oldestDueAgeSeconds(),
                    due == null ? null : due.lagPastKeepSeconds(), due == null ? null : due.allowanceSeconds(), s.bytes(),
                    s.freedSinceLastReport(), s.liveRows(), s.deadRows(), j.storage().bytes(), j.storage().monthlyCost(),
                    last == null ? null : last.status(), j.lastSuccess(), j.kind(), j.tenant() ? t.tenants() : null,
                    t.lastArchived());
        }
        return out.toString();
    }

    private static void line(StringBuilder out, Object... cells) {
        List<String> fields = new ArrayList<>();
        for (Object c : cells) {
            fields.add(field(c));
        }
        out.append(String.join(",", fields)).append('\n');
    }

    static String field(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        return s.chars().anyMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r')
                ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
