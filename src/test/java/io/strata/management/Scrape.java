package io.strata.management;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What {@code /observe/metrics} served at one moment, parsed from Prometheus' text format (version 0.0.4). */
record Scrape(double at, List<Sample> samples) {

    /** One line: a series (name and labels) and its value. */
    record Sample(String name, Map<String, String> labels, double value) {

        /** The series as PromQL and promtool write it: {@code name{a="x",b="y"}}. */
        String series(Map<String, String> extra) {
            Map<String, String> all = new LinkedHashMap<>(extra);
            all.putAll(labels);
            List<String> parts = new ArrayList<>();
            all.forEach((k, v) -> parts.add(k + "=\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
            return name + "{" + String.join(",", parts) + "}";
        }
    }

    /** @param at when the response arrived, Unix seconds */
    static Scrape parse(String text, double at) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < space) {
                String body = line.substring(brace + 1, line.lastIndexOf('}'));
                int i = 0;
                while (i < body.length()) {
                    int eq = body.indexOf('=', i);
                    StringBuilder value = new StringBuilder();
                    int j = eq + 2;
                    for (; body.charAt(j) != '"'; j++) {
                        char c = body.charAt(j);
                        if (c == '\\') {
                            c = body.charAt(++j);
                            value.append(c == 'n' ? '\n' : c);
                        } else {
                            value.append(c);
                        }
                    }
                    labels.put(body.substring(i, eq), value.toString());
                    i = j + 2;  // past the closing quote and the comma
                }
            }
            out.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return new Scrape(at, out);
    }

    /** The value of the series with this name and these labels (among others), if it was served. */
    Optional<Double> find(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .map(Sample::value).findFirst();
    }

    /** The value of one job's series; fails when it was not served. */
    double value(String name, String job, String... moreLabels) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("job_name", job);
        for (int i = 0; i < moreLabels.length; i += 2) {
            labels.put(moreLabels[i], moreLabels[i + 1]);
        }
        return find(name, labels).orElseThrow(() -> new AssertionError("no " + name + labels + " in the metrics"));
    }
}
