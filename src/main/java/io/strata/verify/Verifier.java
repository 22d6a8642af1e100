package io.strata.verify;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.export.ObjectKeys;
import io.strata.export.Window;
import io.strata.format.Malformed;
import io.strata.format.RowCounter;
import io.strata.manifest.ManifestEntry;
import io.strata.manifest.Manifests;
import io.strata.manifest.TenantFilter;
import io.strata.restore.BundleJson;
import io.strata.storage.ObjectDigest;
import io.strata.storage.S3Storage;
import io.strata.storage.TempFiles;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Checks the archive against the manifest, in both directions: every manifested object is in S3 with
 * the size and SHA-256 the manifest lists (with deep, it also gunzips and parses to the manifest's row
 * count), and every object in the jobs' part of the bucket is listed by a manifest. Reads only.
 */
public final class Verifier {


    private final Database database;
    private final S3Storage storage;
    private final StrataConfig config;
    private final Manifests manifests;

    public Verifier(Database database, S3Storage storage, StrataConfig config) {
        this.database = database;
        this.storage = storage;
        this.config = config;
        this.manifests = new Manifests(config.schema());
    }

    public VerifyReport verify(VerifyRequest r) {
        long t0 = System.nanoTime();
        List<VerifyReport.JobCheck> jobs = new ArrayList<>();
        List<VerifyReport.Problem> problems = new ArrayList<>();
        try (Connection c = database.connection()) {
            boolean installed = manifests.installed(c);
            Set<String> names = new LinkedHashSet<>(config.jobs().stream().map(JobConfig::name).toList());
            config.tenantJobs().forEach(j -> names.add(j.name()));
            if (installed) {
                names.addAll(manifests.jobs(c));
            }
            if (r.job() != null && !names.contains(r.job())) {
                throw new StrataException(ErrorCode.BAD_ARGUMENT, "--job " + r.job() + ": no such job in "
                        + config.source() + ", and none in the manifest");
            }
            for (String job : r.job() != null ? List.of(r.job()) : names) {
                List<ManifestEntry> entries = installed ? manifests.find(c, job, r.from(), r.to(), TenantFilter.ALL) : List.of();
                Set<String> listed = installed ? manifests.keys(c, job) : Set.of();
                c.rollback();
                jobs.add(verifyJob(job, entries, listed, r, problems));
            }
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "reading the manifest: " + e.getMessage(), e);
        }
        return new VerifyReport(r.deep(), jobs, problems, (System.nanoTime() - t0) / 1_000_000);
    }

    private VerifyReport.JobCheck verifyJob(String job, List<ManifestEntry> entries, Set<String> listed,
            VerifyRequest r, List<VerifyReport.Problem> problems) {
        Map<String, Long> stored = new TreeMap<>();
        storage.list(ObjectKeys.jobPrefix(config.s3().prefix(), job)).forEach(o -> stored.put(o.key(), o.size()));
        int sound = 0;
        int corrupt = 0;
        int missing = 0;
        long bytes = 0;
        long rows = 0;
        for (ManifestEntry o : entries) {
            List<VerifyReport.Problem> found = new ArrayList<>();
            rows += check(o, stored, r.deep(), found);
            bytes += o.gzipBytes();
            for (VerifyReport.Problem p : found) {
                if (p.code().equals(ErrorCode.OBJECT_CORRUPT.name())) {
                    corrupt++;
                } else {
                    missing++;
                }
            }
            sound += found.isEmpty() ? 1 : 0;
            problems.addAll(found);
        }
        int orphans = 0;
        boolean tenants = config.tenantJob(job).isPresent() || entries.stream().anyMatch(e -> "tenant".equals(e.kind()));
        for (String key : stored.keySet()) {
            // A tenant's key names no window (though a tenant may be spelled like one); a window bundle's does.
            String label = tenants ? null : ObjectKeys.windowLabel(key);
            String object = key.endsWith(".json") ? key.substring(0, key.length() - 5) : key;
            // A tenant bundle's key names no window: every bundle of the job is checked when no range is given.
            boolean bundle = tenants && label == null && object.endsWith(".zip") && !object.contains("/pretend/")
                    && r.from() == null && r.to() == null;
            if ((bundle || label != null && inRange(job, label, r)) && !listed.contains(object)) {
                problems.add(new VerifyReport.Problem(ErrorCode.OBJECT_ORPHAN.name(), job, key, "no manifest lists "
                        + (key.equals(object) ? "this object" : "the object of this sidecar")
                        + "; a run that did not commit left it (the next archive of its window overwrites it)"));
                orphans++;
            }
        }
        return new VerifyReport.JobCheck(job, entries.size(), bytes, rows, sound, corrupt, missing, orphans);
    }

    /** Checks one object, adding what is wrong with it to {@code found}; returns its rows (parsed, when deep). */
    private long check(ManifestEntry o, Map<String, Long> stored, boolean deep, List<VerifyReport.Problem> found) {
        if (!o.bucket().equals(storage.bucket())) {
            found.add(problem(ErrorCode.OBJECT_MISSING, o, o.key(), "the manifest puts it in bucket " + o.bucket()
                    + ", but strata.s3.bucket is " + storage.bucket()));
            return o.rows();
        }
        if (!stored.containsKey(ObjectKeys.sidecarKey(o.key()))) {
            found.add(problem(ErrorCode.OBJECT_MISSING, o, ObjectKeys.sidecarKey(o.key()), "the object's sidecar is missing"));
        }
        if (!stored.containsKey(o.key())) {
            found.add(problem(ErrorCode.OBJECT_MISSING, o, o.key(), o.mismatch(null)));
            return o.rows();
        }
        if (!deep) {
            ObjectDigest got = storage.digest(o.key());
            String mismatch = o.mismatch(got);
            if (mismatch != null) {
                found.add(problem(got == null ? ErrorCode.OBJECT_MISSING : ErrorCode.OBJECT_CORRUPT, o, o.key(), mismatch));
            }
            return o.rows();
        }
        Path file;
        try {
            file = TempFiles.create(config.tempDir());
        } catch (IOException e) {
            throw new StrataException(ErrorCode.CONFIG_INVALID, "strata.tempDir " + config.tempDir()
                    + ": cannot create a temp file: " + e.getMessage(), e);
        }
        try {
            ObjectDigest got = storage.download(o.key(), file);
            String mismatch = o.mismatch(got);
            if (mismatch != null) {
                found.add(problem(got == null ? ErrorCode.OBJECT_MISSING : ErrorCode.OBJECT_CORRUPT, o, o.key(), mismatch));
                return 0;
            }
            long rows = o.bundle() ? bundleRows(file) : RowCounter.count(file, o.reader(null, null));
            if (rows != o.rows()) {
                found.add(problem(ErrorCode.OBJECT_CORRUPT, o, o.key(), "holds " + rows + " rows, but the manifest lists "
                        + o.rows()));
            }
            return rows;
        } catch (Malformed | ZipException | EOFException e) {
            found.add(problem(ErrorCode.OBJECT_CORRUPT, o, o.key(), "does not parse: " + e.getMessage()));
            return 0;
        } catch (IOException e) {
            throw new StrataException(ErrorCode.S3_CONNECTION, "reading " + o.key() + " into " + file + ": "
                    + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the temp directory is cleaned at the next start
            }
        }
    }

    /** A bundle read in full: each entry's SHA-256 against bundle.json, and its rows parsed. */
    private static long bundleRows(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return BundleJson.of(zip).check(zip);
        }
    }

    /** True when the window a key names overlaps the range verified (every window, without one). */
    private boolean inRange(String job, String label, VerifyRequest r) {
        JobConfig cfg = config.job(job).orElse(null);
        Window w = Window.ofLabel(label, cfg == null ? null : cfg.batch());
        ZoneId zone = cfg == null ? config.zone() : cfg.zone();
        OffsetDateTime from = w.startAt(zone);
        OffsetDateTime to = w.endAt(zone);
        return (r.from() == null || to.isAfter(r.from())) && (r.to() == null || from.isBefore(r.to()));
    }

    private static VerifyReport.Problem problem(ErrorCode code, ManifestEntry o, String key, String detail) {
        return new VerifyReport.Problem(code.name(), o.job(), key, detail);
    }
}
