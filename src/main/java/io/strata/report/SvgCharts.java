package io.strata.report;

import io.strata.figures.Due;
import io.strata.figures.Totals;
import io.strata.text.Human;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's charts as inline SVG: nothing to fetch, nothing to run, prints as it shows. */
final class SvgCharts {

    private static final String[] COLORS = {"#4e79a7", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7"};
    private static final String RED = "#c62828";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ENGLISH);

    private SvgCharts() {}

    static String color(int job) {
        return COLORS[job % COLORS.length];
    }

    /** Stacked bars of rows archived per day, one colour per job, a red mark over days with a failed run. */
    static String rowsPerDay(Report r) {
        List<Report.Job> jobs = r.jobs();
        Map<LocalDate, long[]> stack = new HashMap<>();
        Map<LocalDate, StringBuilder> failures = new HashMap<>();
        for (Report.Day d : r.days()) {
            stack.computeIfAbsent(d.day(), x -> new long[1])[0] += d.rows();
            if (d.failedRuns() > 0) {
                failures.computeIfAbsent(d.day(), x -> new StringBuilder())
                        .append(d.failedRuns()).append(" failed run(s) of ").append(d.job()).append("; ");
            }
        }
        long max = stack.values().stream().mapToLong(v -> v[0]).max().orElse(0);
        long step = step(max);
        int ticks = (int) Math.max(1, (max + step - 1) / step);
        double top = step * (double) ticks;
        int w = 960, h = 290, left = 58, right = 12, above = 26, below = 34;
        double plotW = w - left - right, plotH = h - above - below;
        int n = Report.DAYS;
        double slot = plotW / n, barW = Math.min(44, slot * 0.64);
        StringBuilder s = svg(w, h, "Rows archived per day and job");
        for (int i = 0; i <= ticks; i++) {
            double y = above + plotH - plotH * i / ticks;
            s.append(line(left, y, w - right, y, i == 0 ? "#c9d2dc" : "#edf0f4"));
            s.append(text(left - 8, y + 4, "end", compact(step * i)));
        }
        for (int i = 0; i < n; i++) {
            LocalDate day = r.from().plusDays(i);
            double x = left + slot * i + (slot - barW) / 2;
            double y = above + plotH;
            for (int j = 0; j < jobs.size(); j++) {
                Report.Day d = find(r, jobs.get(j).job(), day);
                if (d == null || d.rows() == 0) {
                    continue;
                }
                double bh = Math.max(1.5, d.rows() / top * plotH);
                y -= bh;
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                        + "<title>%s · %s: %s rows in %s objects</title></rect>", x, y, barW, bh, color(j),
                        HtmlRenderer.esc(d.job()), day, Human.count(d.rows()), Human.count(d.objects())));
            }
            String label = DAY.format(day);
            s.append(text(x + barW / 2, h - below + 18, "middle", day.equals(r.date()) ? "<tspan font-weight=\"700\">"
                    + label + "</tspan>" : label));
            if (failures.containsKey(day)) {
                s.append(String.format(Locale.ROOT, "<g><title>%s</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"8\" fill=\"%s\"/>"
                        + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" style=\"fill:#fff;font-weight:700\">!</text></g>",
                        HtmlRenderer.esc(failures.get(day).toString()), x + barW / 2, y - 12, RED, x + barW / 2, y - 8));
            }
        }
        if (max == 0) {
            s.append(text(left + plotW / 2, above + plotH / 2, "middle", "Nothing archived in these " + n + " days"));
        }
        return s.append("</svg>").toString();
    }

    /** Per job: bytes read from PostgreSQL against bytes stored in S3, on one scale. */
    static String compression(Report r) {
        List<Report.Job> jobs = r.jobs();
        long max = jobs.stream().mapToLong(j -> j.archived().rawBytes()).max().orElse(0);
        int w = 480, row = 52, left = 96, h = Math.max(1, jobs.size()) * row + 8;
        double scale = (w - left - 150) / (double) Math.max(1, max);
        StringBuilder s = svg(w, h, "Bytes before and after compression per job");
        for (int j = 0; j < jobs.size(); j++) {
            Totals t = jobs.get(j).archived();
            double y = 8 + j * row;
            s.append(text(left - 10, y + 20, "end", HtmlRenderer.esc(jobs.get(j).job())));
            double raw = Math.max(t.rawBytes() > 0 ? 2 : 0, t.rawBytes() * scale);
            double gz = Math.max(t.gzipBytes() > 0 ? 2 : 0, t.gzipBytes() * scale);
            s.append(rect(left, y + 4, raw, 14, "#cfd8e3", "before: " + Human.bytes(t.rawBytes())));
            s.append(rect(left, y + 21, gz, 14, color(j), "after gzip: " + Human.bytes(t.gzipBytes())));
            s.append(text(left + raw + 6, y + 15, "start", Human.bytes(t.rawBytes())));
            s.append(text(left + gz + 6, y + 32, "start", Human.bytes(t.gzipBytes())
                    + (t.gzipBytes() > 0 ? String.format(Locale.ROOT, "  ·  %.1fx smaller", t.ratio()) : "")));
        }
        return s.append("</svg>").toString();
    }

    /**
     * Per job: the age of its oldest due row (oldest due age) against keep, with the allowance of a job on
     * schedule shaded; the bar's colour is its lag past keep against that allowance.
     */
    static String lag(Report r) {
        List<Report.Job> jobs = r.jobs().stream().filter(j -> j.due() != null).toList();
        long now = r.generatedAt().getEpochSecond();
        double max = 1;
        for (Report.Job j : jobs) {
            Due d = j.due();
            max = Math.max(max, Math.max(d.oldestDueAgeSeconds(), d.keepSeconds() + d.allowanceSeconds()) * 1.08);
        }
        int w = 480, row = 52, left = 96, h = Math.max(1, jobs.size()) * row + 8;
        double scale = (w - left - 12) / max;
        StringBuilder s = svg(w, h, "Age of the oldest due row against keep per job");
        for (int j = 0; j < jobs.size(); j++) {
            Report.Job job = jobs.get(j);
            Due d = job.due();
            double y = 8 + j * row;
            s.append(text(left - 10, y + 18, "end", HtmlRenderer.esc(job.job())));
            s.append(rect(left, y + 6, w - left - 12, 16, "#f1f4f7", null));
            if (d.keepSeconds() == 0 && d.oldestDueRow() == null && d.rows() == 0 && "forever".equals(job.keep())) {
                s.append(text(left + 6, y + 18, "start", "keeps rows forever"));
                continue;
            }
            double keepX = left + d.keepSeconds() * scale;
            s.append(rect(keepX, y + 6, d.allowanceSeconds() * scale, 16, "#fbdca8", "allowance: one batch and one schedule"
                    + " interval, " + Human.span(d.allowanceSeconds())));
            long age = d.oldestDueAgeSeconds();
            String fill = d.beyondAllowance() ? RED : d.lagPastKeepSeconds() > 0 ? "#e0a030" : "#59a14f";
            s.append(rect(left, y + 10, age * scale, 8, fill, "oldest due row: " + Human.span(age) + " old, "
                    + Human.span(d.lagPastKeepSeconds()) + " past keep"));
            s.append(line(keepX, y + 2, keepX, y + 26, "#1f2933"));
            s.append(text(left, y + 40, "start", d.oldestDueRow() == null ? "nothing due · keep " + job.keep()
                    : "oldest due row " + Human.span(age) + " old · keep " + job.keep()
                    + (d.lagPastKeepSeconds() > 0 ? " · " + Human.span(d.lagPastKeepSeconds()) + " past keep" : "")));
        }
        if (jobs.isEmpty()) {
            s.append(text(w / 2.0, h / 2.0 + 4, "middle", "No job with a table to measure"));
        }
        return s.append("</svg>").toString();
    }

    private static Report.Day find(Report r, String job, LocalDate day) {
        for (Report.Day d : r.days()) {
            if (d.job().equals(job) && d.day().equals(day)) {
                return d;
            }
        }
        return null;
    }

    private static StringBuilder svg(int w, int h, String label) {
        return new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
                + " role=\"img\" aria-label=\"%s\">", w, h, label));
    }

    private static String rect(double x, double y, double w, double h, String fill, String title) {
        return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"2\" fill=\"%s\">%s</rect>",
                x, y, Math.max(0, w), h, fill, title == null ? "" : "<title>" + HtmlRenderer.esc(title) + "</title>");
    }

    private static String line(double x1, double y1, double x2, double y2, String stroke) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
                x1, y1, x2, y2, stroke);
    }

    private static String text(double x, double y, String anchor, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor, content);
    }

    /** A step for about four gridlines: 1, 2 or 5 times a power of ten. */
    static long step(long max) {
        if (max <= 4) {
            return 1;
        }
        double raw = max / 4.0;
        long p = (long) Math.pow(10, Math.floor(Math.log10(raw)));
        for (long m : new long[] {1, 2, 5}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String compact(long n) {
        if (n < 10_000) {
            return Human.count(n);
        }
        return n < 1_000_000 ? String.format(Locale.ROOT, "%.0fk", n / 1e3)
                : String.format(Locale.ROOT, n < 10_000_000 ? "%.1fM" : "%.0fM", n / 1e6);
    }
}
