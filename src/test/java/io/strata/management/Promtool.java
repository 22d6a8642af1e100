package io.strata.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own rule evaluation ({@code promtool test rules}) of docs/prometheus-alerts.yml, on series a test
 * writes. {@code .ci/run} installs promtool (Debian's prometheus package); {@code STRATA_TEST_PROMTOOL} names another.
 */
final class Promtool {

    static final Path RULES = Path.of("docs/prometheus-alerts.yml").toAbsolutePath();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One {@code tests:} entry: series at one interval, and the alerts expected at given times. */
    static final class Case {
        final String interval;
        final List<Map<String, Object>> series = new ArrayList<>();
        final List<Map<String, Object>> expected = new ArrayList<>();

        Case(String interval) {
            this.interval = interval;
        }

        Case series(String series, String values) {
            this.series.add(Map.of("series", series, "values", values));
            return this;
        }

        /** At {@code evalTime}, rule {@code alert} fires for exactly these archive jobs (none: it does not fire). */
        Case expect(String evalTime, String alert, String... jobs) throws IOException {
            List<Map<String, Object>> alerts = new ArrayList<>();
            for (String job : jobs) {
                alerts.add(Map.of("exp_labels", labels(alert, job), "exp_annotations", annotations(alert, job)));
            }
            expected.add(Map.of("eval_time", evalTime, "alertname", alert, "exp_alerts", alerts));
            return this;
        }

        Map<String, Object> yaml() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("interval", interval);
            out.put("input_series", series);
            out.put("alert_rule_test", expected);
            return out;
        }
    }

    /** The rule named {@code alert} in the rules file. */
    static JsonNode rule(String alert) throws IOException {
        for (JsonNode group : YAML.readTree(RULES.toFile()).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                if (alert.equals(rule.path("alert").asText())) {
                    return rule;
                }
            }
        }
        throw new AssertionError("no alert " + alert + " in " + RULES);
    }

    private static Map<String, String> labels(String alert, String job) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        rule(alert).get("labels").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        out.put("job_name", job);
        return out;
    }

    /** The rule's annotations as Prometheus renders them for this job (they name the job, nothing else). */
    private static Map<String, String> annotations(String alert, String job) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        rule(alert).get("annotations").fields().forEachRemaining(e -> out.put(e.getKey(),
                e.getValue().asText().replace("{{ $labels.job_name }}", job)));
        return out;
    }

    /** Runs the cases; returns promtool's output, and fails with it unless every expectation held. */
    static String test(Path dir, Case... cases) throws IOException, InterruptedException {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("rule_files", List.of(RULES.toString()));
        file.put("evaluation_interval", "1m");
        List<Object> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(c.yaml());
        }
        file.put("tests", tests);
        Path test = Files.createTempFile(dir, "alerts-test-", ".yml");
        YAML.writeValue(test.toFile(), file);
        String promtool = System.getenv().getOrDefault("STRATA_TEST_PROMTOOL", "promtool");
        Process p;
        try {
            p = new ProcessBuilder(promtool, "test", "rules", test.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run promtool (" + e.getMessage() + "): install it as .ci/run does"
                    + " (apt-get install prometheus), or name it with STRATA_TEST_PROMTOOL", e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("promtool test rules failed:\n" + out + "\n--- " + test + "\n" + Files.readString(test));
        }
        return out;
    }

    private Promtool() {}
}
