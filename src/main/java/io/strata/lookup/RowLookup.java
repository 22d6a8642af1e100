package io.strata.lookup;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.config.StrataConfig;
import io.strata.db.Column;
import io.strata.db.Database;
import io.strata.db.Sql;
import io.strata.export.Jobs;
import io.strata.export.TableInfo;
import io.strata.format.KeyType;
import io.strata.format.RecordKeys;
import io.strata.manifest.Manifests;
import io.strata.storage.Digests;
import io.strata.storage.S3Storage;
import io.strata.storage.TempFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads one archived row without restoring anything ({@code get}): the manifest's key ranges name the objects that
 * can hold the key (one, normally), each is streamed from S3 through its SHA-256 and gunzip into a temp file while
 * its records' keys are compared with the one looked for, and the records that match are read back from that file
 * by offset. The object must be the one the manifest lists (size and SHA-256) before any of its rows is returned.
 * With an {@link ObjectCache}, the decompressed file is kept for the next look-ups of the same object.
 */
public final class RowLookup {

    private static final String COLUMNS = "id, bucket, object_key, format, format_version, columns::text, sha256,"
            + " gzip_bytes, tenant, window_start, window_end, chunk, archived_at, state";

    private final Database database;
    private final S3Storage storage;
    private final String schema;
    private final Path tempDir;
    private final ObjectCache cache;

    /** @param cache the objects read lately (the service's), or null to keep none (a one-shot command) */
    public RowLookup(Database database, S3Storage storage, String schema, Path tempDir, ObjectCache cache) {
        this.database = database;
        this.storage = storage;
        this.schema = Sql.ident(schema);
        this.tempDir = tempDir;
        this.cache = cache;
    }

    public ObjectCache cache() {
        return cache;
    }

    private record Candidate(long id, String bucket, String key, String format, int formatVersion, List<Column> columns,
            String sha256, long gzipBytes, String tenant, OffsetDateTime windowStart, OffsetDateTime windowEnd, int chunk,
            OffsetDateTime archivedAt, String state) {}

    /**
     * The archived versions of {@code job}'s row whose key is {@code key}, newest first. Bad input (no such job, a job
     * without a key, a key that is no value of the key's type) is BAD_ARGUMENT; an object that differs from its
     * manifest row is OBJECT_CORRUPT, one S3 does not hold OBJECT_MISSING.
     */
    public ArchivedRows get(StrataConfig config, Jobs jobs, String job, String key) {
        long t0 = System.nanoTime();
        JobConfig jc = config.job(job).orElseThrow(() -> new StrataException(ErrorCode.BAD_ARGUMENT, "no job named '" + job
                + "' (jobs: " + String.join(", ", config.jobs().stream().map(JobConfig::name).toList()) + ")"));
        if (jc.bundles()) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "job '" + job + "' archives each window as a bundle of"
                    + " several tables; get reads row objects: restore the window (restore --job " + job
                    + " --from … --to … --into-schema S) to read its rows");
        }
        try (Connection c = database.connection()) {
            Column keyColumn = jobs.has(job) ? jobs.get(job).table().key() : recordedKey(c, job);
            if (keyColumn == null) {
                throw new StrataException(ErrorCode.BAD_ARGUMENT, "job '" + job + "' has no key to look rows up by: its"
                        + " table " + jc.qualifiedTable() + " has no one-column primary key of an ordered type, and the job"
                        + " names no 'key' column");
            }
            String wanted;
            try {
                wanted = KeyType.canonical(keyColumn.type(), key);
            } catch (IllegalArgumentException e) {
                throw new StrataException(ErrorCode.BAD_ARGUMENT, "--key '" + key + "' " + e.getMessage() + " (job '"
                        + job + "' looks rows up by " + keyColumn.name() + ", " + keyColumn.type() + ")");
            }
            KeyType type = KeyType.of(keyColumn.type());
            List<Candidate> candidates = candidates(c, job, keyColumn.name(), type, wanted);
            if (jc.offloads() && jobs.has(job)) {
                candidates = liveRowsObjects(c, jc, jobs.get(job).table(), keyColumn, wanted, candidates);
            }
            c.rollback();
            List<ArchivedRows.Version> rows = new ArrayList<>();
            int downloaded = 0;
            for (Candidate o : candidates) {
                downloaded += read(o, keyColumn.name(), type, wanted, rows) ? 1 : 0;
            }
            return new ArchivedRows(job, jc.qualifiedTable(), keyColumn.name(), wanted, !rows.isEmpty(), List.copyOf(rows),
                    candidates.size(), downloaded, (System.nanoTime() - t0) / 1_000_000);
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "job '" + job + "': reading the manifest: " + e.getMessage(), e);
        }
    }

    /** The key column the job's newest object records, for a job not inspected at start (disabled); null when none. */
    private Column recordedKey(Connection c, String job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT key_column, columns::text FROM " + schema + ".manifest"
                + " WHERE job = ? AND key_column IS NOT NULL ORDER BY archived_at DESC, id DESC LIMIT 1")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String name = rs.getString(1);
                return Manifests.columns(rs.getString(2)).stream().filter(col -> col.name().equals(name)).findFirst().orElse(null);
            }
        }
    }

    /**
     * The job's objects whose key range holds the key (by value for integer and numeric keys, by bytes for text:
     * both through an index), and those that record no range (archived before ranges were, or whose keys could not
     * be ordered); newest first.
     */
    private List<Candidate> candidates(Connection c, String job, String column, KeyType type, String wanted)
            throws SQLException {
        String inRange = type == KeyType.TEXT
                ? "key_max_num IS NULL AND key_max IS NOT NULL AND key_max COLLATE \"C\" >= ? AND key_min COLLATE \"C\" <= ?"
                : "key_max_num IS NOT NULL AND key_max_num >= ? AND key_min_num <= ?";
        String sql = "SELECT " + COLUMNS + " FROM " + schema + ".manifest WHERE job = ? AND kind NOT IN ('tenant', 'bundle') AND " + inRange
                + " AND key_column = ? UNION ALL SELECT " + COLUMNS + " FROM " + schema + ".manifest WHERE job = ?"
                + " AND kind NOT IN ('tenant', 'bundle') AND key_min IS NULL ORDER BY archived_at DESC, id DESC";
        List<Candidate> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            if (type == KeyType.TEXT) {
                ps.setString(2, wanted);
                ps.setString(3, wanted);
            } else {
                ps.setBigDecimal(2, new BigDecimal(wanted));
                ps.setBigDecimal(3, new BigDecimal(wanted));
            }
            ps.setString(4, column);
            ps.setString(5, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Candidate(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            Manifests.columns(rs.getString(6)), rs.getString(7), rs.getLong(8), rs.getString(9),
                            rs.getObject(10, OffsetDateTime.class), rs.getObject(11, OffsetDateTime.class), rs.getInt(12),
                            rs.getObject(13, OffsetDateTime.class), rs.getString(14)));
                }
            }
        }
        return out;
    }

    /**
     * An offload job's rows stay in the table, and the live row says where its value went: the object its ref
     * column names (one object), else the objects of the window and tenant its timestamp and tenant fall in (its
     * chunks). Key ranges alone would not do: every user's object of a month spans about the same ids. A row that
     * is gone (deleted since) narrows nothing.
     */
    private static List<Candidate> liveRowsObjects(Connection c, JobConfig jc, TableInfo table, Column key, String wanted,
            List<Candidate> candidates) throws SQLException {
        String ref = jc.offload().refColumn();
        String sql = "SELECT " + Sql.ident(jc.timestampColumn()) + ", "
                + (jc.tenantColumn() == null ? "NULL" : Sql.ident(jc.tenantColumn()) + "::text") + ", "
                + (ref == null ? "NULL::bigint" : Sql.ident(ref) + "::bigint") + " FROM " + table.qualifiedName()
                + " WHERE " + Sql.ident(key.name()) + " = CAST(? AS " + key.type() + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, wanted);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return candidates;
                }
                Instant at = table.readTime(rs, 1, jc.zone());
                String tenant = rs.getString(2);
                long named = rs.getLong(3);
                if (!rs.wasNull()) {
                    return candidates.stream().filter(o -> o.id() == named).toList();
                }
                if (at == null) {
                    return candidates;
                }
                return candidates.stream().filter(o -> !o.windowStart().toInstant().isAfter(at)
                        && o.windowEnd().toInstant().isAfter(at)
                        && (jc.tenantColumn() == null || java.util.Objects.equals(o.tenant(), tenant))).toList();
            }
        }
    }

    /** Adds the object's records with the key to {@code rows}; true when the object was downloaded (not cached). */
    private boolean read(Candidate o, String column, KeyType type, String wanted, List<ArchivedRows.Version> rows) {
        int keyField = o.columns().stream().map(Column::name).toList().indexOf(column);
        if (keyField < 0) {
            return false;  // an object of the job from before the column was its key: it does not have it
        }
        boolean csv = "csv".equals(o.format());
        byte[] wantedBytes = wanted.getBytes(StandardCharsets.UTF_8);
        List<long[]> found = new ArrayList<>();
        RecordKeys.Listener match = (start, end, k, length, isNull) -> {
            if (!isNull && type.matches(k, length, wanted, wantedBytes)) {
                found.add(new long[] {start, end});
            }
        };
        try {
            Path cached = cache == null ? null : cache.get(o.key(), o.sha256());
            if (cached != null) {
                try (InputStream in = Files.newInputStream(cached)) {
                    RecordKeys keys = csv ? RecordKeys.csv(keyField, match) : RecordKeys.jsonLines(column, match);
                    in.transferTo(keys);
                    keys.finish();
                    add(o, cached, found, csv, true, rows);
                    return false;
                } catch (NoSuchFileException evicted) {
                    found.clear();
                }
            }
            Path file = TempFiles.create(tempDir);
            boolean kept = false;
            try {
                RecordKeys keys = csv ? RecordKeys.csv(keyField, match) : RecordKeys.jsonLines(column, match);
                download(o, file, keys);
                keys.finish();
                add(o, file, found, csv, false, rows);
                kept = cache != null && cache.put(o.key(), o.sha256(), file);
            } finally {
                if (!kept) {
                    Files.deleteIfExists(file);
                }
            }
            return true;
        } catch (IOException e) {
            throw new StrataException(ErrorCode.OBJECT_CORRUPT, o.key() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Streams the object from S3 through SHA-256 and gunzip into {@code file} and past {@code keys}; then checks its
     * size and SHA-256 against the manifest, before anything of it is used.
     */
    private void download(Candidate o, Path file, RecordKeys keys) throws IOException {
        MessageDigest sha = Digests.sha256();
        long size;
        try (InputStream s3 = storage.open(o.key());
                DigestInputStream raw = new DigestInputStream(s3, sha);
                OutputStream out = Files.newOutputStream(file)) {
            OutputStream both = keys.beside(out);
            CountingInput counted = new CountingInput(raw);
            try {
                new GZIPInputStream(counted, 1 << 16).transferTo(both);
            } catch (IOException notGzip) {
                counted.transferTo(OutputStream.nullOutputStream());
                check(o, counted.count, sha);
                throw notGzip;
            }
            counted.transferTo(OutputStream.nullOutputStream());  // anything after the gzip stream counts too
            size = counted.count;
        } catch (NoSuchKeyException e) {
            throw new StrataException(ErrorCode.OBJECT_MISSING, o.key() + ": not in bucket " + o.bucket()
                    + ", though the manifest lists it");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new StrataException(ErrorCode.OBJECT_MISSING, o.key() + ": not in bucket " + o.bucket()
                        + ", though the manifest lists it");
            }
            throw storage.failure("reading " + o.key(), e, ErrorCode.S3_CONNECTION);
        } catch (SdkException e) {
            throw storage.failure("reading " + o.key(), e, ErrorCode.S3_CONNECTION);
        }
        check(o, size, sha);
    }

    private static void check(Candidate o, long size, MessageDigest sha) {
        String got = HexFormat.of().formatHex(sha.digest());
        if (size != o.gzipBytes() || !got.equals(o.sha256())) {
            throw new StrataException(ErrorCode.OBJECT_CORRUPT, o.key() + ": S3 holds " + size + " bytes with SHA-256 "
                    + got + ", but the manifest lists " + o.gzipBytes() + " bytes with SHA-256 " + o.sha256()
                    + "; no row of it is shown");
        }
    }

    private static void add(Candidate o, Path file, List<long[]> found, boolean csv, boolean cached,
            List<ArchivedRows.Version> rows) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long[] at : found) {
                ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(at[1] - at[0]));
                while (buf.hasRemaining() && ch.read(buf, at[0] + buf.position()) > 0) {
                    // read the record whole
                }
                rows.add(new ArchivedRows.Version(o.key(), o.id(), o.tenant(), o.windowStart(), o.windowEnd(), o.chunk(),
                        o.archivedAt(), o.format(), o.state(), cached, o.columns().stream().map(Column::name).toList(),
                        o.columns().stream().filter(Column::jsonDocument).map(Column::name).toList(),
                        RecordValues.of(buf.array(), csv, o.columns())));
            }
        }
    }

    /** Counts the bytes read through it. */
    private static final class CountingInput extends java.io.FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
