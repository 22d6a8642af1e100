package io.strata.restore;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.StrataConfig;
import io.strata.db.Column;
import io.strata.db.Database;
import io.strata.db.Sql;
import io.strata.format.Malformed;
import io.strata.manifest.ManifestEntry;
import io.strata.manifest.Manifests;
import io.strata.manifest.TenantFilter;
import io.strata.storage.Digests;
import io.strata.storage.S3Storage;
import io.strata.storage.TempFiles;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a whole tenant back (README, "Restoring a tenant"; docs/tenants.md, "Restore") — or, for a time job with
 * {@code tables:}, every bundle of the windows of a range: every manifested
 * bundle of the tenant, in chunk order, each downloaded while its SHA-256 is computed and compared with the
 * manifest before anything is loaded; then, newest chunk first, each bundle's tables in its load order (parents
 * first), each into its own database, each entry's SHA-256 compared with bundle.json as it loads.
 *
 * <p>All or nothing per tenant: one transaction per database for all of the tenant's bundles. The other
 * databases commit first, each with a record of what it loaded ({@code restore_entry} in Strata's schema of
 * that database); the main database commits last, with the manifest rows turning 'restored' and the
 * {@code restore} rows. A crash between the commits leaves some databases loaded and the manifest 'archived':
 * the next run finds their records, loads only what is missing, and commits the manifest. Either way each row
 * is loaded once. Some 600 lines: the download, the loads, the records and the commits across databases are one
 * transaction's steps, kept in one place so that their order reads as the all-or-nothing promise it is.
 */
public final class TenantRestorer {

    private static final Logger LOG = LoggerFactory.getLogger(TenantRestorer.class);
    private static final String INSTANCE = ManagementFactory.getRuntimeMXBean().getName();
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    /** The main database's name in bundles and in {@code strata.databases}. */
    public static final String MAIN = "main";

    private final Database main;
    private final Function<String, Database> databases;
    private final S3Storage storage;
    private final StrataConfig config;
    private final Manifests manifests;
    private final String schema;
    private final RestoreLog log;
    private volatile RestoreListener listener = RestoreListener.NONE;

    /**
     * @param databases the database of each name bundles use ({@code main} included); null for a name that
     *                  {@code strata.databases} does not know
     */
    public TenantRestorer(Database main, Function<String, Database> databases, S3Storage storage, StrataConfig config) {
        this.main = main;
        this.databases = databases;
        this.storage = storage;
        this.config = config;
        this.manifests = new Manifests(config.schema());
        this.schema = Sql.ident(config.schema());
        this.log = new RestoreLog(config.schema());
    }

    /** Who else hears of each bundle restored (the metrics). */
    public void listener(RestoreListener listener) {
        this.listener = listener;
    }

    /** True when {@code job}'s manifested objects are tenant bundles. */
    public static boolean tenantJob(Database database, StrataConfig config, String job) {
        Manifests m = new Manifests(config.schema());
        try (Connection c = database.connection()) {
            boolean tenant = m.installed(c) && m.kinds(c, job).contains("tenant");
            c.rollback();
            return tenant;
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "reading the manifest: " + e.getMessage(), e);
        }
    }

    /** The dry run: which of the tenant's bundles a restore would load and which it would skip; reads only. */
    public static TenantRestoreResult dryRun(Database database, StrataConfig config, TenantRestoreRequest r) {
        long t0 = System.nanoTime();
        List<ManifestEntry> chunks = chunks(database, config, r);
        List<ObjectResult> bundles = new ArrayList<>();
        for (ManifestEntry o : chunks) {
            String skip = r.intoSchema() == null && o.restored()
                    ? "already restored at " + o.restoredAt() : null;
            bundles.add(result(o, skip == null ? ObjectResult.Status.PENDING : ObjectResult.Status.SKIPPED,
                    skip == null ? o.rows() : 0, t0, skip));
        }
        return TenantRestoreResult.of(r, true, bundles, List.of(), 0);
    }

    /**
     * The tenant's manifested bundles, by chunk; bad input (a schema name, a job or tenant with no bundle) is
     * refused here, before anything is read from S3.
     */
    private static List<ManifestEntry> chunks(Database database, StrataConfig config, TenantRestoreRequest r) {
        if (r.tenant() == null && !r.windows()) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "restore of tenant job '" + r.job() + "' needs --tenant VALUE");
        }
        if (r.intoSchema() != null && !IDENTIFIER.matcher(r.intoSchema()).matches()) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "--into-schema " + r.intoSchema()
                    + ": expected a schema name (letters, digits, _ and $, not starting with a digit)");
        }
        Manifests m = new Manifests(config.schema());
        try (Connection c = database.connection()) {
            List<ManifestEntry> found = !m.installed(c) ? List.of() : r.windows()
                    ? m.find(c, r.job(), r.from(), r.to(), r.tenants())
                    : m.find(c, r.job(), null, null, TenantFilter.of(r.tenant()));
            c.rollback();
            if (found.isEmpty() && !r.windows()) {
                throw new StrataException(ErrorCode.BAD_ARGUMENT, "--tenant " + r.tenant() + ": job '" + r.job()
                        + "' has no archived bundle of that tenant in the manifest");
            }
            // Windows come as the manifest orders them (window, tenant, chunk); a tenant's bundles by chunk.
            List<ManifestEntry> sorted = new ArrayList<>(found);
            if (!r.windows()) {
                sorted.sort(Comparator.comparingInt(ManifestEntry::chunk));
            }
            return sorted;
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "finding the bundles to restore: " + e.getMessage(), e);
        }
    }

    /** Restores the tenant; a refused bundle refuses the whole tenant, and then nothing of it was loaded. */
    public TenantRestoreResult restore(TenantRestoreRequest r) throws IOException {
        long t0 = System.nanoTime();
        List<ManifestEntry> chunks = chunks(main, config, r);
        List<ObjectResult> bundles = new ArrayList<>();
        List<TableResult> tables = new ArrayList<>();
        List<ManifestEntry> todo = new ArrayList<>();
        for (ManifestEntry o : chunks) {
            if (r.intoSchema() == null && o.restored()) {
                bundles.add(result(o, ObjectResult.Status.SKIPPED, 0, t0, "already restored at " + o.restoredAt()));
            } else {
                todo.add(o);
            }
        }
        Map<Long, Path> files = new HashMap<>();
        try {
            Map<Long, BundleJson> read = new LinkedHashMap<>();
            for (ManifestEntry o : todo) {
                try {
                    Path file = TempFiles.create(config.tempDir());
                    files.put(o.id(), file);
                    read.put(o.id(), download(o, file, r));
                } catch (StrataException | Malformed | ZipException | EOFException e) {
                    String message = e instanceof StrataException ? e.getMessage()
                            : o.key() + ": " + e.getMessage() + "; nothing of it was loaded";
                    return refused(r, bundles, tables, todo, o, message, t0);
                }
            }
            if (!todo.isEmpty()) {
                load(r, todo, read, files, bundles, tables, t0);
            }
        } finally {
            for (Path f : files.values()) {
                Files.deleteIfExists(f);
            }
        }
        TenantRestoreResult result = TenantRestoreResult.of(r, false, bundles, tables, (System.nanoTime() - t0) / 1_000_000);
        LOG.info("restore of {} of job {}: {} bundle(s) restored, {} skipped, {} refused, {} rows in {} ms",
                r.describe(), r.job(), result.restored(), result.skipped(), result.failed(), result.rows(), result.millis());
        return result;
    }

    /** Downloads the bundle while hashing it, refuses it unless S3 holds what the manifest lists, reads bundle.json. */
    private BundleJson download(ManifestEntry o, Path file, TenantRestoreRequest r) throws IOException {
        if (!o.bucket().equals(storage.bucket())) {
            throw new StrataException(ErrorCode.OBJECT_MISSING, o.key() + ": the manifest puts it in bucket "
                    + o.bucket() + ", but strata.s3.bucket is " + storage.bucket());
        }
        Restorer.check(o, storage.download(o.key(), file));
        try (ZipFile zip = new ZipFile(file.toFile())) {
            BundleJson b = BundleJson.of(zip);
            if (!b.job().equals(o.job()) || !java.util.Objects.equals(o.tenant(), b.tenant())) {
                throw new Malformed("bundle.json is of job " + b.job() + ", tenant " + b.tenant()
                        + ", but the manifest lists it for job " + o.job() + ", tenant " + o.tenant());
            }
            return b;
        }
    }

    /** Every bundle still to do refused: {@code o} with {@code message}, the others because of it. */
    private TenantRestoreResult refused(TenantRestoreRequest r, List<ObjectResult> bundles, List<TableResult> tables,
            List<ManifestEntry> todo, ManifestEntry o, String message, long t0) {
        LOG.warn("restore of {} of job {} refused: {}", r.describe(), r.job(), message);
        for (ManifestEntry other : todo) {
            bundles.add(result(other, ObjectResult.Status.FAILED, 0, t0, other == o ? message
                    : "not loaded: the " + (r.windows() ? "restore" : "tenant") + " is all or nothing, and "
                            + o.key() + " was refused"));
        }
        tables.clear();
        return TenantRestoreResult.of(r, false, bundles, tables, (System.nanoTime() - t0) / 1_000_000);
    }

    /** One open transaction per database, the main one first. */
    private final class Transactions implements AutoCloseable {

        final Map<String, Connection> open = new LinkedHashMap<>();
        final Set<String> schemasMade = new HashSet<>();
        /** The main database's loads, recorded when the other databases have committed. */
        final List<MainLoad> mainLoads = new ArrayList<>();

        Connection get(String name) throws SQLException {
            Connection c = open.get(name);
            if (c == null) {
                Database db = MAIN.equals(name) ? main : databases.apply(name);
                if (db == null) {
                    throw new StrataException(ErrorCode.RESTORE_FAILED, "the bundle holds rows of database '" + name
                            + "', which strata.databases does not name (" + config.source() + ")");
                }
                c = db.connection();
                open.put(name, c);
            }
            return c;
        }

        void rollback() {
            for (Connection c : open.values()) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone, and with it the transaction
                }
            }
        }

        @Override
        public void close() {
            for (Connection c : open.values()) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing a broken connection
                }
            }
        }
    }

    private void load(TenantRestoreRequest r, List<ManifestEntry> todo, Map<Long, BundleJson> read,
            Map<Long, Path> files, List<ObjectResult> bundles, List<TableResult> tables, long t0) {
        List<TableResult> loaded = new ArrayList<>();
        ManifestEntry current = todo.get(0);
        String target = "";
        try (Transactions tx = new Transactions()) {
            try {
                Connection mc = tx.get(MAIN);
                List<ManifestEntry> load = lock(mc, r, todo, bundles, t0);
                // The newest chunk first: a row archived in two chunks (deleted, written again, archived again) comes
                // back as it was last; and a parent of a later chunk's row is in that chunk or was still in its
                // table then, while an earlier chunk's row may have a parent that was kept then and archived later.
                // (Manifest ids grow as bundles are archived: for windows too, the newest bundle is loaded first.)
                List<ManifestEntry> newestFirst = new ArrayList<>(load);
                newestFirst.sort(Comparator.comparingLong(ManifestEntry::id).reversed());
                Map<Long, Long> rowsOf = new HashMap<>();
                for (ManifestEntry o : newestFirst) {
                    current = o;
                    BundleJson b = read.get(o.id());
                    try (ZipFile zip = new ZipFile(files.get(o.id()).toFile())) {
                        for (BundleJson.Table t : b.tables()) {
                            Target source = Target.parse(t.table(), "bundle.json table");
                            if (source.schema().equals(r.intoSchema())) {
                                throw new StrataException(ErrorCode.BAD_ARGUMENT, "--into-schema " + r.intoSchema()
                                        + ": the bundle's table " + source + " is in that schema; restore without"
                                        + " --into-schema to bring the tenant back into its tables, or name another schema");
                            }
                            Target into = r.intoSchema() == null ? source : new Target(r.intoSchema(), source.table());
                            target = t.database() + ":" + into;
                            TableResult done = table(tx, r, o, b, t, source, into, zip);
                            loaded.add(done);
                            rowsOf.merge(o.id(), done.rows(), Long::sum);
                            if (r.progress() != null) {
                                r.progress().accept(done);
                            }
                        }
                    }
                }
                commit(tx, load, r);
                for (ManifestEntry o : load) {
                    long rows = rowsOf.getOrDefault(o.id(), 0L);
                    bundles.add(result(o, ObjectResult.Status.RESTORED, rows, t0, null));
                    listener.restored(o.job(), rows, o.gzipBytes());
                }
                tables.addAll(loaded);
                if (!r.windows()) {
                    bundles.sort(Comparator.comparingInt(ObjectResult::chunk));
                }
            } catch (Malformed | ZipException | EOFException e) {
                tx.rollback();
                refused(r, bundles, tables, remaining(todo, bundles), current, current.key() + ": " + e.getMessage()
                        + "; nothing of the tenant was loaded", t0);
            } catch (SQLException e) {
                tx.rollback();
                refused(r, bundles, tables, remaining(todo, bundles), current, current.key() + ": loading into "
                        + target + " failed: " + Restorer.oneLine(e.getMessage()) + "; nothing of the tenant was loaded", t0);
            } catch (StrataException e) {
                tx.rollback();
                if (e.code().exitCode() == 2) {
                    throw e;
                }
                refused(r, bundles, tables, remaining(todo, bundles), current, e.getMessage(), t0);
            } catch (IOException e) {
                tx.rollback();
                refused(r, bundles, tables, remaining(todo, bundles), current, current.key() + ": " + e, t0);
            }
        }
    }

    private static List<ManifestEntry> remaining(List<ManifestEntry> todo, List<ObjectResult> bundles) {
        Set<String> done = bundles.stream().map(ObjectResult::key).collect(Collectors.toSet());
        return todo.stream().filter(o -> !done.contains(o.key())).toList();
    }

    /**
     * Locks the bundles' manifest rows until the main transaction ends, so that two restores of one tenant take
     * turns; a bundle another restore finished meanwhile is skipped. Returns the bundles to load.
     */
    private List<ManifestEntry> lock(Connection c, TenantRestoreRequest r, List<ManifestEntry> todo,
            List<ObjectResult> bundles, long t0) throws SQLException {
        List<ManifestEntry> load = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT state, restored_at FROM " + schema
                + ".manifest WHERE id = ? FOR UPDATE")) {
            for (ManifestEntry o : todo) {
                ps.setLong(1, o.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        bundles.add(result(o, ObjectResult.Status.SKIPPED, 0, t0, "no longer in the manifest"));
                    } else if (r.intoSchema() == null && "restored".equals(rs.getString(1))) {
                        bundles.add(result(o, ObjectResult.Status.SKIPPED, 0, t0, "already restored at "
                                + rs.getObject(2, OffsetDateTime.class)));
                    } else {
                        load.add(o);
                    }
                }
            }
        }
        // Deletes a tenant run left pending name rows by key and digest: done after this restore, they would delete
        // the rows it brings back. The restore command completes them first; those it could not are refused here.
        try (PreparedStatement ps = c.prepareStatement("SELECT string_agg(DISTINCT database, ', ') FROM " + schema
                + ".tenant_pending WHERE manifest_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("bigint", load.stream().map(ManifestEntry::id).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getString(1) != null) {
                    throw new StrataException(ErrorCode.RESTORE_FAILED, r.describe() + ": the deletes of its"
                            + " bundle in database " + rs.getString(1) + " are still pending (a tenant run was cut"
                            + " between its commits, and they could not be completed: is that database in"
                            + " strata.databases?); restore once the next tenant run has completed them");
                }
            }
        }
        return load;
    }

    /** Loads one table of one bundle into its database's transaction, unless a record says it is there already. */
    private TableResult table(Transactions tx, TenantRestoreRequest r, ManifestEntry o, BundleJson b,
            BundleJson.Table t, Target source, Target into, ZipFile zip) throws SQLException, IOException {
        long t0 = System.nanoTime();
        Connection c = tx.get(t.database());
        long oid;
        if (r.intoSchema() != null) {
            if (tx.schemasMade.add(t.database())) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(r.intoSchema()));
                }
            }
            oid = TableLoader.ensure(c, into, source, t.columns(), true);
        } else {
            Long found = RestoreLog.oid(c, into);
            if (found == null) {
                throw new StrataException(ErrorCode.UNKNOWN_TABLE, "table " + into + " (database " + t.database()
                        + ", archived by job '" + o.job() + "') does not exist; restore --into-schema another schema"
                        + " to see its rows");
            }
            oid = found;
        }
        String already = MAIN.equals(t.database()) ? mainRecord(c, o, oid) : otherRecord(c, o, oid);
        if (already != null) {
            return new TableResult(o.chunk(), t.database(), t.table(), into.name(), ObjectResult.Status.SKIPPED, 0, 0,
                    (System.nanoTime() - t0) / 1_000_000, "already restored into " + into + " at " + already);
        }
        String label = o.key() + " " + t.entry();
        long[] counts = null;
        ZipEntry e = zip.getEntry(t.entry());
        MessageDigest sha = Digests.sha256();
        // Straight into the table first; when a row's key is there already (a row shared with another tenant, kept
        // when this one was archived), that load is undone and the entry goes through a temp table instead.
        Savepoint direct = t.key().isEmpty() ? null : c.setSavepoint();
        try (InputStream in = new DigestInputStream(zip.getInputStream(e), sha)) {
            counts = new long[] {EntryLoader.load(c, into, t.columns(), b.format(), b.entryFormatVersion(), in, label), 0};
            in.transferTo(OutputStream.nullOutputStream());
        } catch (SQLException x) {
            if (direct == null || !"23505".equals(x.getSQLState())) {
                throw x;
            }
            c.rollback(direct);
            direct = null;
        }
        if (direct != null) {
            c.releaseSavepoint(direct);
        } else if (counts == null) {
            sha = Digests.sha256();
            try (InputStream in = new DigestInputStream(zip.getInputStream(e), sha)) {
                counts = staged(c, into, t, b, in, label);
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
        BundleJson.checkEntry(t, HexFormat.of().formatHex(sha.digest()), counts[0] + counts[1]);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        if (MAIN.equals(t.database())) {
            tx.mainLoads.add(new MainLoad(o, into, oid, counts[0], millis));
        } else {
            recordOther(c, o, into, oid, counts[0]);
        }
        return new TableResult(o.chunk(), t.database(), t.table(), into.name(), ObjectResult.Status.RESTORED,
                counts[0], counts[1], millis, null);
    }

    /**
     * Loads a table with a key through a temp table: the rows whose key the table holds already (shared with
     * another tenant, so kept when this one was archived) stay as they are. Returns {inserted, present}.
     */
    private static long[] staged(Connection c, Target into, BundleJson.Table t, BundleJson b, InputStream in,
            String label) throws SQLException, IOException {
        Map<String, Column> table = Column.of(c, into.sql()).stream()
                .collect(Collectors.toMap(Column::name, Function.identity()));
        List<String> missing = t.columns().stream().map(Column::name).filter(n -> !table.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new StrataException(ErrorCode.RESTORE_FAILED, label + ": " + into + " has no column "
                    + String.join(", ", missing) + " (dropped since the rows were archived?); restore --into-schema"
                    + " another schema to see them");
        }
        String all = t.columns().stream().map(col -> Sql.ident(col.name())).collect(Collectors.joining(", "));
        Target stage = new Target("pg_temp", "strata_restore_stage");
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE strata_restore_stage ON COMMIT DROP AS SELECT " + all + " FROM "
                    + into.sql() + " WITH NO DATA");
        }
        long staged = EntryLoader.load(c, stage, t.columns(), b.format(), b.entryFormatVersion(), in, label);
        List<Column> inserted = t.columns().stream().map(col -> table.get(col.name())).filter(col -> !col.generated())
                .toList();
        String names = inserted.stream().map(col -> Sql.ident(col.name())).collect(Collectors.joining(", "));
        boolean identity = inserted.stream().anyMatch(Column::identity);
        String conflict = uniqueOn(c, into, t.key()) ? " ON CONFLICT (" + t.key().stream().map(Sql::ident)
                .collect(Collectors.joining(", ")) + ") DO NOTHING" : "";
        try (Statement st = c.createStatement()) {
            long rows = st.executeLargeUpdate("INSERT INTO " + into.sql() + " (" + names + ")"
                    + (identity ? " OVERRIDING SYSTEM VALUE" : "") + " SELECT " + names + " FROM " + stage.sql()
                    + conflict);
            st.execute("DROP TABLE " + stage.sql());
            return new long[] {rows, staged - rows};
        }
    }

    /** True when the table has a unique index on exactly these columns (ON CONFLICT needs one). */
    private static boolean uniqueOn(Connection c, Target t, List<String> key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid ="
                + " to_regclass(?) AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL"
                + " AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a"
                + " WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey))"
                + " = (SELECT array_agg(k ORDER BY k) FROM unnest(?::text[]) k))")) {
            ps.setString(1, t.sql());
            ps.setArray(2, c.createArrayOf("text", key.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** When the bundle was loaded into the main database's table {@code oid}; null when it was not. */
    private String mainRecord(Connection c, ManifestEntry o, long oid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT restored_at FROM " + schema
                + ".restore WHERE manifest_id = ? AND target_oid = ?::oid")) {
            ps.setLong(1, o.id());
            ps.setLong(2, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? String.valueOf(rs.getObject(1, OffsetDateTime.class)) : null;
            }
        }
    }

    private record MainLoad(ManifestEntry o, Target into, long oid, long rows, long millis) {}

    /**
     * When the bundle was loaded into another database's table {@code oid}, as that database's own record
     * ({@code restore_entry} in Strata's schema there, made on first use) says; null when it was not.
     */
    private String otherRecord(Connection c, ManifestEntry o, long oid) throws SQLException {
        try (Statement st = c.createStatement()) {
            // Two restores that make it at once would collide in the catalog: they take turns.
            st.execute("SELECT pg_advisory_xact_lock(hashtext('strata restore_entry'))");
            st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            st.execute("CREATE TABLE IF NOT EXISTS " + schema + ".restore_entry ("
                    + " bucket text NOT NULL, object_key text NOT NULL, target text NOT NULL, target_oid oid NOT NULL,"
                    + " rows bigint NOT NULL, instance text NOT NULL, restored_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (bucket, object_key, target_oid))");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT restored_at FROM " + schema
                + ".restore_entry WHERE bucket = ? AND object_key = ? AND target_oid = ?::oid")) {
            ps.setString(1, o.bucket());
            ps.setString(2, o.key());
            ps.setLong(3, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? String.valueOf(rs.getObject(1, OffsetDateTime.class)) : null;
            }
        }
    }

    private void recordOther(Connection c, ManifestEntry o, Target into, long oid, long rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".restore_entry (bucket, object_key,"
                + " target, target_oid, rows, instance) VALUES (?, ?, ?, ?::oid, ?, ?)")) {
            ps.setString(1, o.bucket());
            ps.setString(2, o.key());
            ps.setString(3, into.name());
            ps.setLong(4, oid);
            ps.setLong(5, rows);
            ps.setString(6, INSTANCE);
            ps.executeUpdate();
        }
    }

    /**
     * Commits the other databases first, then the main one with the manifest rows 'restored' (for a restore
     * into the tables the rows came from). A database that fails to commit after another did leaves the
     * committed ones with their records: the next run loads only the rest.
     */
    private void commit(Transactions tx, List<ManifestEntry> load, TenantRestoreRequest r) throws SQLException {
        List<String> committed = new ArrayList<>();
        for (Map.Entry<String, Connection> e : tx.open.entrySet()) {
            if (!MAIN.equals(e.getKey())) {
                commitOne(e.getKey(), e.getValue(), committed);
                LOG.info("restore of {}: database {} committed", r.describe(), e.getKey());
            }
        }
        // The main database's records are written now, after the others committed: a crash before the main
        // commit leaves the manifest 'archived', and the next run completes what the records say is missing.
        Connection mc = tx.get(MAIN);
        try {
            for (MainLoad l : tx.mainLoads) {
                log.record(mc, l.o(), l.into(), l.oid(), l.rows(), l.millis());
            }
            if (r.intoSchema() == null) {
                for (ManifestEntry o : load) {
                    log.restored(mc, o);
                }
            }
        } catch (SQLException e) {
            if (committed.isEmpty()) {
                throw e;
            }
            throw partial(MAIN, committed, e);
        }
        commitOne(MAIN, mc, committed);
    }

    private static void commitOne(String name, Connection c, List<String> committed) throws SQLException {
        try {
            c.commit();
            committed.add(name);
        } catch (SQLException e) {
            if (committed.isEmpty()) {
                throw e;
            }
            throw partial(name, committed, e);
        }
    }

    private static StrataException partial(String name, List<String> committed, SQLException e) {
        return new StrataException(ErrorCode.RESTORE_FAILED, "database " + name + " failed to commit ("
                + Restorer.oneLine(e.getMessage()) + ") after " + String.join(", ", committed) + " committed;"
                + " run the same restore again to finish it (what is loaded is recorded and not loaded twice)", e);
    }

    private static ObjectResult result(ManifestEntry o, ObjectResult.Status status, long rows, long t0, String message) {
        // A window's bundle is named by its window's start, as the manifest has it (UTC); a tenant's by none.
        String window = "bundle".equals(o.kind()) ? o.windowStart().toString() : "";
        return new ObjectResult(o.key(), window, o.tenant(), o.chunk(), status, rows, o.gzipBytes(),
                (System.nanoTime() - t0) / 1_000_000, message);
    }
}
