package io.strata.kinds.tenant;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.config.JobConfig;
import io.strata.db.Column;
import io.strata.export.Partition;
import io.strata.manifest.Manifests;
import io.strata.kinds.rows.JsonRows;
import io.strata.storage.Digests;
import io.strata.text.Json;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.postgresql.PGConnection;

/**
 * Writes a tenant's bundle (BUNDLE layout, docs/tenants.md): a zip with one entry per table — the bytes a row object
 * of the job's format holds before gzip, straight from COPY — and {@code bundle.json} last, with each entry's rows
 * and SHA-256. java.util.zip's ZipOutputStream, not camel-zipfile: an entry streams from COPY into the zip as
 * PostgreSQL sends it (a million rows never sit in memory or in a file of their own), and bundle.json, which
 * needs every entry's digest, goes last; camel-zipfile's aggregation rewrites the zip for each entry it adds.
 */
final class BundleWriter {

    void write(TenantBatch b, BundleRows rows, int level) throws IOException, SQLException {
        JobConfig.Format format = b.plan.job().format();
        CountingDigest file;
        try (OutputStream out = Files.newOutputStream(b.file)) {
            file = new CountingDigest(new BufferedOutputStream(out, 1 << 16), false);
            ZipOutputStream zip = new ZipOutputStream(file);
            zip.setLevel(level);
            for (BundleTable t : b.plan.order()) {
                TenantBatch.Entry e = new TenantBatch.Entry(t, "tables/" + t.database() + "/" + t.qualified() + "." + format.extension());
                Connection c = rows.connection(t);
                zip.putNextEntry(new ZipEntry(e.name));
                CountingDigest entry = new CountingDigest(zip, true);
                e.rows = c.unwrap(PGConnection.class).getCopyAPI().copyOut(copySql(t, format), entry);
                zip.closeEntry();
                e.bytes = entry.count;
                e.sha256 = entry.hex();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM " + t.temp()
                        + " WHERE strata_keep), " + digestSql("(SELECT " + t.columnList(null) + " FROM " + t.temp() + ")"))) {
                    rs.next();
                    e.kept = rs.getLong(1);
                    e.digest = rs.getString(2);
                }
                b.rawBytes += e.bytes;
                b.entries.add(e);
            }
            zip.putNextEntry(new ZipEntry("bundle.json"));
            zip.write(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(bundleJson(b)));
            zip.closeEntry();
            zip.finish();
            file.flush();
        }
        b.bytes = file.count;
    }

    /** The rows' count and an order-free digest of their text: what the test restore must find again. */
    static String digestSql(String rows) {
        return "count(*) || ':' || coalesce(sum(hashtextextended(strata_r::text, 0)::numeric), 0) FROM " + rows + " strata_r";
    }

    private static String copySql(BundleTable t, JobConfig.Format format) {
        String rows = "SELECT " + t.columnList(null) + " FROM " + t.temp();
        if (format == JobConfig.Format.CSV) {
            return "COPY (" + rows + ") TO STDOUT (FORMAT csv, HEADER)";
        }
        return "COPY (SELECT " + JsonRows.line("strata_row", t.columns()) + " FROM (" + rows + ") AS strata_row)"
                + " TO STDOUT (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')";
    }

    private static ObjectNode bundleJson(TenantBatch b) {
        ObjectNode j = TenantSteps.object();
        BundleTable root = b.plan.root();
        j.put("formatVersion", 1).put("kind", b.request.window() == null ? "tenant" : "window").put("job", b.request.job())
                .put("tenant", b.request.tenant());
        ObjectNode r = j.putObject("root").put("database", root.database()).put("table", root.qualified());
        Partition w = b.request.window();
        if (w == null) {
            r.put("key", b.plan.job().key());
        } else {
            r.put("timestampColumn", w.job().timestampColumn()).put("tenantColumn", w.job().tenantColumn());
            j.put("window", w.window().label()).put("windowStart", w.window().startAt(w.job().zone()).toString())
                    .put("windowEnd", w.window().endAt(w.job().zone()).toString());
        }
        j.put("format", b.plan.job().format().extension()).put("entryFormatVersion", b.plan.job().format().version())
                .put("createdAt", b.createdAt).put("tool", "strata " + TenantSteps.version());
        if (b.request.pretend()) {
            j.put("pretend", true);
        }
        j.set("tables", tables(b, true));
        ArrayNode order = j.putArray("loadOrder");
        b.plan.order().forEach(t -> order.add(t.id()));
        return j;
    }

    /** bundle.json's {@code tables} (with columns, entries, digests), or the manifest's (without). */
    static ArrayNode tables(TenantBatch b, boolean full) {
        ArrayNode a = TenantSteps.array();
        for (TenantBatch.Entry e : b.entries) {
            ObjectNode t = a.addObject().put("database", e.table.database()).put("table", e.table.qualified());
            if (full) {
                t.put("entry", e.name).set("columns", Manifests.columnsJson(e.table.columns()));
                ArrayNode key = t.putArray("key");
                e.table.key().forEach(key::add);
            }
            t.put("rows", e.rows).put("deleted", b.request.pretend() ? 0 : e.rows - e.kept).put("kept", e.kept);
            if (full) {
                t.put("sha256", e.sha256).put("bytes", e.bytes);
                ArrayNode parents = t.putArray("parents");
                e.table.parents().forEach(fk -> parents.add(e.table.database() + ":" + fk.parent()));
            }
        }
        return a;
    }

    /** The sidecar beside the bundle: the manifest row's facts, so that the bucket describes itself. */
    byte[] sidecar(TenantBatch b) throws IOException {
        ObjectNode s = TenantSteps.object();
        s.put("tool", "strata").put("version", TenantSteps.version()).put("kind", b.kind()).put("job", b.request.job())
                .put("table", b.plan.root().qualified()).put("tenant", b.request.tenant()).put("chunk", b.chunk)
                .put("format", b.plan.job().format().extension()).put("formatVersion", b.plan.job().format().version())
                .put("compression", "zip");
        Partition w = b.request.window();
        if (w != null) {
            s.put("window", w.window().label()).put("windowStart", w.window().startAt(w.job().zone()).toString())
                    .put("windowEnd", w.window().endAt(w.job().zone()).toString());
        }
        s.set("tables", tables(b, false));
        s.put("rows", b.rows()).put("rawBytes", b.rawBytes).put("bytes", b.bytes).put("sha256", b.sha256)
                .put("extractMs", b.extractMs).put("archivedAt", b.createdAt);
        if (b.testRestoreMs != null) {
            s.put("testRestoreMs", b.testRestoreMs);
        }
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(s);
    }

    /** Counts and hashes what passes; the entry's stream leaves the zip open when closed (the zip is the caller's). */
    private static final class CountingDigest extends FilterOutputStream {
        private final MessageDigest sha = Digests.sha256();
        private final boolean keepOpen;
        long count;

        CountingDigest(OutputStream out, boolean keepOpen) {
            super(out);
            this.keepOpen = keepOpen;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            sha.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            sha.update(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            if (!keepOpen) {
                super.close();
            }
        }

        String hex() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }
}
