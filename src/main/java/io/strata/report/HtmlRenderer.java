package io.strata.report;

import io.strata.text.Human;
import java.util.List;
import java.util.Locale;

/**
 * The report as one self-contained page: alerts first, then the figures of the period, the charts
 * (inline SVG), and the tables. No script, no font, no image is fetched; it opens from a file or a bucket.
 */
public final class HtmlRenderer {

    private static final String CSS = """
            :root{--ink:#1f2933;--muted:#62707d;--line:#e3e8ee;--bg:#f5f7fa;--red:#c62828;--redbg:#fdecea;
            --amber:#a35f00;--amberbg:#fff4e0;--green:#2e7d32;--greenbg:#e9f5ea}
            *{box-sizing:border-box}
            body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
            "Helvetica Neue",Arial,sans-serif}
            main{max-width:1040px;margin:0 auto;padding:28px 24px 40px}
            h1{font-size:26px;margin:0 0 2px;font-weight:650}h1 span{color:var(--muted);font-weight:400}
            h2{font-size:15px;margin:0 0 10px}.meta{color:var(--muted);margin:0 0 18px}
            .card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:0 0 16px;overflow-x:auto}
            .tiles{display:grid;grid-template-columns:repeat(6,1fr);gap:10px;margin:0 0 16px}
            .tile{background:#fff;border:1px solid var(--line);border-radius:10px;padding:10px 12px}
            .tile b{display:block;font-size:21px;font-weight:650;white-space:nowrap}
            .tile span{color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.05em}
            .tile small{display:block;color:var(--muted);font-size:12px}
            .tile.bad{background:var(--redbg);border-color:#f3c1bd}.tile.bad b{color:var(--red)}
            .alerts{list-style:none;padding:0;margin:0 0 16px}
            .alerts li{border-left:4px solid var(--red);background:var(--redbg);padding:9px 14px;border-radius:6px;margin:0 0 8px}
            .alerts li.LAG,.alerts li.STALE{border-color:#e0a030;background:var(--amberbg)}
            .kind{font-weight:700;font-size:11px;letter-spacing:.06em;margin-right:8px}
            .ok{border-left:4px solid var(--green);background:var(--greenbg);padding:9px 14px;border-radius:6px;margin:0 0 16px}
            .two{display:grid;grid-template-columns:1fr 1fr;gap:16px}.two .card{margin:0 0 16px}
            @media (max-width:820px){.two{grid-template-columns:1fr}.tiles{grid-template-columns:repeat(3,1fr)}}
            table{border-collapse:collapse;width:100%;font-size:13px}
            th{text-align:left;color:var(--muted);font-weight:600;font-size:12px;border-bottom:1px solid var(--line);padding:6px 8px}
            td{border-bottom:1px solid var(--line);padding:7px 8px;vertical-align:top}
            .n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            tr.job td{border-bottom:none}tr.advice td{color:var(--muted);font-size:12px;padding-top:0}
            tr.fail td{background:var(--redbg)}tr.fail td.bad,td.behind{color:var(--red);font-weight:650}
            .err{color:var(--red);font-weight:600;margin-bottom:2px}
            .badge{display:inline-block;padding:0 8px;border-radius:9px;font-size:12px;font-weight:600;background:#eef2f6;color:var(--muted)}
            .badge.succeeded{background:var(--greenbg);color:var(--green)}.badge.failed,.badge.partial{background:var(--redbg);color:var(--red)}
            .sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
            .sub{color:var(--muted);font-size:12px}.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:12px;color:var(--muted)}
            svg{width:100%;height:auto;display:block}svg text{font-family:inherit;font-size:11px;fill:#52606d}
            footer{color:var(--muted);font-size:12px;margin-top:8px}
            """;

    private HtmlRenderer() {}

    public static String render(Report r) {
        StringBuilder h = new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        h.append("<title>Strata report ").append(r.date()).append("</title><style>").append(CSS).append("</style></head><body><main>");
        h.append("<h1>Strata report <span>").append(r.date()).append("</span></h1><p class=\"meta\">")
                .append(r.from()).append(" to ").append(r.date()).append(" (").append(r.zone()).append(") · generated ")
                .append(ReportBuilder.at(r.generatedAt())).append(" · Strata ").append(esc(r.version()))
                .append(r.previousReport() == null ? " · first report" : " · compared with the report of "
                        + ReportBuilder.at(r.previousReportAt())).append("</p>");
        alerts(h, r.alerts());
        tiles(h, r);
        h.append("<div class=\"card\"><h2>Rows archived per day</h2>").append(SvgCharts.rowsPerDay(r)).append("<div class=\"legend\">");
        for (int j = 0; j < r.jobs().size(); j++) {
            h.append("<span>").append(swatch(j)).append(esc(r.jobs().get(j).job())).append("</span>");
        }
        h.append("<span><span class=\"sw\" style=\"background:#c62828;border-radius:50%\"></span>a run failed that day</span></div></div>");
        h.append("<div class=\"two\"><div class=\"card\"><h2>Before and after compression</h2>").append(SvgCharts.compression(r))
                .append("<p class=\"sub\">Bytes read from PostgreSQL (grey) and stored in S3, since each job began.</p></div>")
                .append("<div class=\"card\"><h2>Lag against keep</h2>").append(SvgCharts.lag(r))
                .append("<p class=\"sub\">Oldest due age: the age of the oldest row a run would archive now. The line is"
                        + " keep; past it, the lag past keep, whose shaded band is what a job on schedule may show (one batch"
                        + " and one schedule interval). Red is behind.</p></div></div>");
        Tables.jobs(h, r);
        Tables.days(h, r);
        h.append("<footer>Objects and restores come from the manifest table, runs from the run table, sizes and dead rows from"
                + " PostgreSQL's statistics. Storage counts every archived object, restored ones too (they stay in S3); its cost"
                + " is estimated at $").append(r.pricePerGbMonth()).append(" per GB and month. The same figures are in ")
                .append(ReportStore.name(r.date())).append(".json and .csv.</footer></main></body></html>\n");
        return h.toString();
    }

    private static void alerts(StringBuilder h, List<Report.Alert> alerts) {
        if (alerts.isEmpty()) {
            h.append("<div class=\"ok\">No alerts: no job's last run failed, none is overdue, none is behind.</div>");
            return;
        }
        h.append("<ul class=\"alerts\">");
        for (Report.Alert a : alerts) {
            h.append("<li class=\"").append(a.kind()).append("\"><span class=\"kind\">").append(a.kind()).append("</span><b>")
                    .append(esc(a.job())).append("</b> — ").append(esc(a.message())).append("</li>");
        }
        h.append("</ul>");
    }

    private static void tiles(StringBuilder h, Report r) {
        long rows = 0, objects = 0, raw = 0, gz = 0, failed = 0, restored = 0, stored = 0;
        double cost = 0;
        for (Report.Day d : r.days()) {
            rows += d.rows();
            objects += d.objects();
            raw += d.rawBytes();
            gz += d.gzipBytes();
            failed += d.failedRuns();
            restored += d.restoredRows();
        }
        for (Report.Job j : r.jobs()) {
            stored += j.storage().bytes();
            cost += j.storage().monthlyCost();
        }
        String days = Report.DAYS + " days";
        h.append("<div class=\"tiles\">");
        tile(h, "Rows archived", Human.count(rows), days, false);
        tile(h, "Objects", Human.count(objects), days, false);
        tile(h, "Compressed", gz == 0 ? "–" : String.format(Locale.ROOT, "%.1fx", (double) raw / gz),
                Human.bytes(raw) + " → " + Human.bytes(gz), false);
        tile(h, "In S3", Human.bytes(stored), (cost < 0.01 ? "" : "≈ ") + money(cost) + " a month", false);
        tile(h, "Failed runs", Human.count(failed), days, failed > 0);
        tile(h, "Rows restored", Human.count(restored), days, false);
        h.append("</div>");
    }

    private static void tile(StringBuilder h, String label, String value, String sub, boolean bad) {
        h.append("<div class=\"tile").append(bad ? " bad" : "").append("\"><span>").append(label).append("</span><b>")
                .append(esc(value)).append("</b><small>").append(esc(sub)).append("</small></div>");
    }

    static String swatch(int job) {
        return "<span class=\"sw\" style=\"background:" + SvgCharts.color(job) + "\"></span>";
    }

    public static String money(double v) {
        return v == 0 ? "$0" : v < 0.01 ? "under $0.01" : String.format(Locale.ROOT, "$%,.2f", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
