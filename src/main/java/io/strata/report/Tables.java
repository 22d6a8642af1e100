package io.strata.report;

import static io.strata.report.HtmlRenderer.esc;

import io.strata.figures.Due;
import io.strata.figures.LastRun;
import io.strata.text.Human;
import java.util.Comparator;
import java.util.List;

/** The report page's two tables: the jobs as they stand, and the period day by day. */
final class Tables {

    private Tables() {}

    static void jobs(StringBuilder h, Report r) {
        h.append("<div class=\"card\"><h2>Jobs</h2><table><tr><th>Job</th><th>Last run</th><th class=\"n\">Rows due</th>"
                + "<th class=\"n\">Oldest due age</th><th class=\"n\">Lag past keep</th><th class=\"n\">Table</th><th class=\"n\">Archived</th><th class=\"n\">In S3</th></tr>");
        for (int i = 0; i < r.jobs().size(); i++) {
            Report.Job j = r.jobs().get(i);
            LastRun last = j.lastRun();
            Due due = j.due();
            Report.Space space = j.space();
            boolean failed = last != null && last.failed();
            h.append("<tr class=\"job").append(failed ? " fail" : "").append("\"><td>").append(HtmlRenderer.swatch(i))
                    .append("<b>").append(esc(j.job())).append("</b><div class=\"sub\">").append(esc(j.table() == null
                            ? "not configured" : j.tenant() ? "whole tenants of " + j.table() + (j.enabled() ? "" : " · disabled")
                            : j.table() + " · keep " + j.keep() + (j.enabled() ? "" : " · disabled")))
                    .append("</div></td><td>");
            if (last == null && j.tenant() && j.archived().lastArchived() != null) {
                h.append("<span class=\"sub\">last bundle ").append(ReportBuilder.at(j.archived().lastArchived()))
                        .append("</span>");
            } else if (last == null) {
                h.append("<span class=\"sub\">no run yet</span>");
            } else {
                h.append("<span class=\"badge ").append(esc(last.status())).append("\">").append(esc(last.status()))
                        .append("</span><div class=\"sub\">").append(ReportBuilder.at(last.start())).append("</div>");
            }
            h.append("</td>");
            cell(h, due == null ? "–" : Human.count(due.rows()), due == null ? null
                    : Human.count(due.partitions()) + (due.partitions() == 1 ? " partition" : " partitions"));
            cell(h, due == null || due.oldestDueRow() == null ? "–" : Human.span(due.oldestDueAgeSeconds()),
                    due == null || due.oldestDueRow() == null ? null : "keep " + j.keep());
            if (due != null && due.beyondAllowance()) {
                h.append("<td class=\"n behind\">").append(esc(Human.span(due.lagPastKeepSeconds()))).append("<div class=\"sub\">allowed ")
                        .append(esc(Human.span(due.allowanceSeconds()))).append("</div></td>");
            } else {
                cell(h, due == null ? "–" : due.lagPastKeepSeconds() == 0 ? "none" : Human.span(due.lagPastKeepSeconds()),
                        due == null ? null : "allowed " + Human.span(due.allowanceSeconds()));
            }
            boolean known = space != null && space.bytes() != null;
            Long freed = known ? space.freedSinceLastReport() : null;
            cell(h, known ? Human.bytes(space.bytes()) : "–", !known ? null
                    : (freed == null ? "" : freed >= 0 ? Human.bytes(freed) + " freed · " : "grew " + Human.bytes(-freed) + " · ")
                    + Human.count(space.deadRows()) + " dead rows");
            cell(h, Human.count(j.archived().rows()) + " rows", j.tenant() ? Human.count(j.archived().tenants())
                    + " tenants · " + Human.count(j.archived().objects()) + " bundles"
                    : Human.count(j.archived().objects()) + " objects");
            cell(h, Human.bytes(j.storage().bytes()), HtmlRenderer.money(j.storage().monthlyCost()) + " a month");
            h.append("</tr><tr class=\"advice").append(failed ? " fail" : "").append("\"><td></td><td colspan=\"7\">");
            if (failed && last.error() != null) {
                h.append("<div class=\"err\">").append(esc(last.error().lines().findFirst().orElse(""))).append("</div>");
            }
            h.append(esc(space == null || space.advice() == null ? "" : space.advice()));
            if (j.offloaded() != null) {
                h.append("<div>").append(esc(offloaded(j.offloaded()))).append("</div>");
            }
            h.append("</td></tr>");
        }
        h.append("</table></div>");
    }

    static void days(StringBuilder h, Report r) {
        List<Report.Day> active = r.days().stream()
                .filter(d -> d.objects() + d.runs() + d.restoredObjects() > 0)
                .sorted(Comparator.comparing(Report.Day::day).reversed().thenComparing(Report.Day::job))
                .toList();
        h.append("<div class=\"card\"><h2>Day by day</h2>");
        if (active.isEmpty()) {
            h.append("<p class=\"sub\">No object archived, run started or object restored in the period.</p></div>");
            return;
        }
        h.append("<table><tr><th>Day</th><th>Job</th><th class=\"n\">Objects</th><th class=\"n\">Rows</th>"
                + "<th class=\"n\">Before</th><th class=\"n\">After gzip</th><th class=\"n\">Ratio</th><th class=\"n\">Runs</th>"
                + "<th class=\"n\">Failed runs</th><th class=\"n\">Failed batches</th><th class=\"n\">Restored</th></tr>");
        for (Report.Day d : active) {
            boolean fail = d.failedRuns() > 0 || d.failedBatches() > 0;
            h.append("<tr").append(fail ? " class=\"fail\"" : "").append("><td>").append(d.day()).append("</td><td>")
                    .append(esc(d.job())).append("</td>");
            cell(h, Human.count(d.objects()));
            cell(h, Human.count(d.rows()));
            cell(h, Human.bytes(d.rawBytes()));
            cell(h, Human.bytes(d.gzipBytes()));
            cell(h, d.gzipBytes() == 0 ? "–" : String.format(java.util.Locale.ROOT, "%.1fx", d.ratio()));
            cell(h, Human.count(d.runs()));
            h.append("<td class=\"n").append(fail ? " bad" : "").append("\">").append(Human.count(d.failedRuns())).append("</td>");
            h.append("<td class=\"n").append(fail ? " bad" : "").append("\">").append(Human.count(d.failedBatches())).append("</td>");
            cell(h, d.restoredObjects() == 0 ? "–" : Human.count(d.restoredRows()) + " rows");
            h.append("</tr>");
        }
        h.append("</table></div>");
    }

    private static void cell(StringBuilder h, String value) {
        cell(h, value, null);
    }

    private static void cell(StringBuilder h, String value, String sub) {
        h.append("<td class=\"n\">").append(esc(value));
        if (sub != null) {
            h.append("<div class=\"sub\">").append(esc(sub)).append("</div>");
        }
        h.append("</td>");
    }

    /** An offload job's space: what its offloaded values took in the table, and when that space comes back. */
    static String offloaded(io.strata.figures.Offloaded o) {
        return "Offloaded " + String.join(", ", o.columns()) + " of " + Human.count(o.values()) + " rows: "
                + Human.bytes(o.bytes()) + " of the table (TOAST included); " + o.space() + ".";
    }
}
