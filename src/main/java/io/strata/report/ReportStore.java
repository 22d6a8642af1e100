package io.strata.report;

import io.strata.text.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.storage.S3Storage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Where reports live: written to a local directory, uploaded by the report route to S3 under
 * {@code reports/}, and read back from there for the next report's "freed since the last report".
 */
public final class ReportStore {

    private static final Logger LOG = LoggerFactory.getLogger("strata.report");

    private final S3Storage storage;
    private final String keyPrefix;
    private final Path defaultOut;

    /** A file written, with the S3 key it goes to. */
    public record ReportFile(Path file, String key, String contentType) {}

    /** The last report before this one: its key, when it was made, and each job's table size then. */
    public record Previous(String key, Instant at, Map<String, Long> tableBytes) {}

    public ReportStore(S3Storage storage, String prefix, Path defaultOut) {
        this.storage = storage;
        this.keyPrefix = (prefix.isEmpty() ? "" : prefix + "/") + "reports/";
        this.defaultOut = defaultOut;
    }

    public static String name(LocalDate date) {
        return "report-" + date;
    }

    /** The latest report in S3 dated {@code date} or before (an earlier one of the same day included). */
    public Previous previous(LocalDate date) {
        String last = null;
        String latestAllowed = keyPrefix + name(date) + ".json";
        for (S3Object o : storage.list(keyPrefix + "report-")) {
            if (o.key().endsWith(".json") && o.key().compareTo(latestAllowed) <= 0 && (last == null || o.key().compareTo(last) > 0)) {
                last = o.key();
            }
        }
        if (last == null) {
            return new Previous(null, null, Map.of());
        }
        try (InputStream in = storage.open(last)) {
            JsonNode report = Json.mapper().readTree(in);
            Map<String, Long> bytes = new HashMap<>();
            for (JsonNode job : report.path("jobs")) {
                JsonNode b = job.path("space").path("bytes");
                if (b.isNumber()) {
                    bytes.put(job.path("job").asText(), b.asLong());
                }
            }
            JsonNode at = report.path("generatedAt");
            return new Previous(last, at.isTextual() ? Instant.parse(at.asText()) : null, bytes);
        } catch (IOException | RuntimeException e) {
            LOG.warn("the previous report {} cannot be read ({}); space freed is left out", last, e.getMessage());
            return new Previous(null, null, Map.of());
        }
    }

    /** Writes the JSON, CSV and HTML files into {@code out} (null: strata.report.out) and says where each goes in S3. */
    public List<ReportFile> write(Report report, String out) {
        Path dir = out == null || out.isBlank() ? defaultOut : Path.of(out);
        String base = name(report.date());
        try {
            Files.createDirectories(dir);
            return List.of(
                    file(dir, base + ".json", "application/json", Json.pretty(report)),
                    file(dir, base + ".csv", "text/csv; charset=utf-8", CsvRenderer.render(report)),
                    file(dir, base + ".html", "text/html; charset=utf-8", HtmlRenderer.render(report)));
        } catch (IOException e) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, "cannot write the report into " + dir.toAbsolutePath()
                    + " (strata.report.out or --out): " + e.getMessage(), e);
        }
    }

    private ReportFile file(Path dir, String name, String type, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return new ReportFile(file.toAbsolutePath(), keyPrefix + name, type);
    }

    /** Logs each alert as a warning, and where the report went. */
    public Report logged(Report report, List<ReportFile> files) {
        for (Report.Alert a : report.alerts()) {
            LOG.warn("ALERT {} job {}: {}", a.kind(), a.job(), a.message());
        }
        LOG.info("report {} written to {} and s3://{}/{}", name(report.date()), files.get(0).file().getParent(),
                storage.bucket(), keyPrefix);
        return report;
    }
}
