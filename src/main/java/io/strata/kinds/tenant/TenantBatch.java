package io.strata.kinds.tenant;

import io.strata.storage.ObjectOwner;
import io.strata.unit.UnitTransaction;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tenant bundle on its way through the tenant route: its transactions (one per database, main first, each
 * holding the locks on the bundle's rows there), the key it claimed and the zip it wrote. Ended when it stopped
 * before an upload (locked, empty, failed): then {@link #result} says how.
 */
public final class TenantBatch {

    final TenantRequest request;
    final TenantPlan plan;
    final long startedNanos = System.nanoTime();
    final Map<String, UnitTransaction> txs = new LinkedHashMap<>();
    final List<Entry> entries = new ArrayList<>();
    String installation;
    String key;
    int chunk;
    boolean claimedBefore;
    Path file;
    long bytes;
    long rawBytes;
    long extractMs;
    long exportedNanos;
    String sha256;
    long uploadMs;
    long verifyMs;
    Long testRestoreMs;
    String createdAt;
    TenantResult result;

    TenantBatch(TenantRequest request, TenantPlan plan) {
        this.request = request;
        this.plan = plan;
    }

    /** One table's entry: its rows as exported, and the digest the test restore must find again. */
    static final class Entry {
        final BundleTable table;
        final String name;
        long rows;
        long kept;
        long bytes;
        String sha256;
        String digest;

        Entry(BundleTable table, String name) {
            this.table = table;
            this.name = name;
        }
    }

    public boolean uploadable() {
        return result == null;
    }

    public String key() {
        return key;
    }

    public File uploadFile() {
        return file.toFile();
    }

    public Map<String, String> metadata() {
        return request.pretend()
                ? Map.of(ObjectOwner.INSTALLATION, installation, ObjectOwner.JOB, request.job(), "strata-pretend", "true")
                : Map.of(ObjectOwner.INSTALLATION, installation, ObjectOwner.JOB, request.job());
    }

    public TenantResult result() {
        return result;
    }

    /** The manifest's kind: {@code tenant}, or {@code bundle} for a window's bundle. */
    String kind() {
        return request.window() == null ? "tenant" : "bundle";
    }

    long rows() {
        return entries.stream().mapToLong(e -> e.rows).sum();
    }

    long kept() {
        return entries.stream().mapToLong(e -> e.kept).sum();
    }

    long elapsedMs() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
