package io.strata.kinds.tenant;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.db.Database;
import io.strata.restore.EntryLoader;
import io.strata.restore.Target;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The test restore before any delete: every entry of the bundle S3 verified (the local zip is byte for byte what S3
 * holds) is loaded, parents first, into a scratch table {@code LIKE} its source — a temp table of a transaction of
 * its own in the table's database, which rolls back — and its row count and digest must be those of the rows that
 * were exported. A difference fails the tenant (TEST_RESTORE_FAILED) with nothing deleted.
 */
final class TestRestore {

    private final Map<String, Database> databases;

    TestRestore(Map<String, Database> databases) {
        this.databases = databases;
    }

    void check(TenantBatch b) throws Exception {
        Map<String, Connection> scratch = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(b.file.toFile())) {
            for (TenantBatch.Entry e : b.entries) {
                BundleTable t = e.table;
                Connection c = scratch.get(t.database());
                if (c == null) {
                    c = databases.get(t.database()).connection();
                    scratch.put(t.database(), c);
                }
                String name = "strata_r" + t.index();
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TEMP TABLE " + name + " (LIKE " + t.quoted() + ") ON COMMIT DROP");
                }
                ZipEntry entry = zip.getEntry(e.name);
                if (entry == null) {
                    throw new StrataException(ErrorCode.TEST_RESTORE_FAILED, b.key + ": the bundle has no entry " + e.name);
                }
                long loaded;
                try (InputStream in = zip.getInputStream(entry)) {
                    loaded = EntryLoader.load(c, new Target("pg_temp", name), t.columns(), b.plan.job().format().extension(),
                            b.plan.job().format().version(), in, b.key + "!" + e.name);
                } catch (java.sql.SQLException | java.io.IOException | RuntimeException x) {
                    throw new StrataException(ErrorCode.TEST_RESTORE_FAILED, b.key + ": the test restore of " + t.id()
                            + " failed, nothing was deleted: " + x.getMessage(), x);
                }
                String digest;
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT " + BundleWriter.digestSql("(SELECT " + t.columnList(null)
                                + " FROM pg_temp." + name + ")"))) {
                    rs.next();
                    digest = rs.getString(1);
                }
                if (loaded != e.rows || !digest.equals(e.digest)) {
                    throw new StrataException(ErrorCode.TEST_RESTORE_FAILED, b.key + ": the test restore of " + t.id()
                            + " gave " + loaded + " rows (digest " + digest + ") where " + e.rows + " were exported (digest "
                            + e.digest + "); nothing was deleted");
                }
            }
        } finally {
            for (Connection c : scratch.values()) {
                try {
                    c.rollback();
                    c.close();
                } catch (Exception ignored) {
                    // the scratch tables go with the transaction
                }
            }
        }
    }
}
