package io.strata.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.testing.SecondDatabase;
import io.strata.testing.TestEnv;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.postgresql.PGConnection;

/**
 * The seed-shaped schema in schema {@code tn}: in the main database schools → classrooms → classroom_students ←
 * students, donations by school, classroom or student, student_sessions; in the second database (the shard)
 * enrollments → attempts. Schools 11 to 14, three classrooms each, four students per classroom, and student 9000
 * in a classroom of school 13 and one of school 14 (shared). Schools 11 and 12 closed two years ago (due).
 */
final class SchoolsFixture {

    static final SecondDatabase SHARD = SecondDatabase.of("_2");
    static final String SHARD_DB = SHARD.name();
    static final List<String> MAIN_TABLES = List.of("schools", "classrooms", "students", "classroom_students", "donations",
            "student_sessions");
    static final List<String> SHARD_TABLES = List.of("enrollments", "attempts");

    private SchoolsFixture() {}

    static void create() throws SQLException {
        SHARD.create();
        TestEnv.sql("CREATE SCHEMA tn",
                "CREATE TABLE tn.schools (id bigint PRIMARY KEY, name text NOT NULL, closed_on date)",
                "CREATE TABLE tn.classrooms (id bigint PRIMARY KEY, school_id bigint NOT NULL REFERENCES tn.schools, name text)",
                "CREATE TABLE tn.students (id bigint PRIMARY KEY, name text, born date, initials text GENERATED ALWAYS AS (left(name, 1)) STORED)",
                "CREATE TABLE tn.classroom_students (classroom_id bigint REFERENCES tn.classrooms, student_id bigint REFERENCES tn.students,"
                        + " PRIMARY KEY (classroom_id, student_id))",
                "CREATE TABLE tn.donations (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, school_id bigint REFERENCES tn.schools,"
                        + " class_id bigint REFERENCES tn.classrooms, student_id bigint REFERENCES tn.students, amount numeric(10,2),"
                        + " note jsonb)",
                "CREATE TABLE tn.student_sessions (id bigint PRIMARY KEY, student_id bigint NOT NULL REFERENCES tn.students,"
                        + " at timestamptz NOT NULL)",
                "INSERT INTO tn.schools SELECT s, 'School ' || s, CASE WHEN s <= 12 THEN current_date - 800 END"
                        + " FROM generate_series(11, 14) s",
                "INSERT INTO tn.classrooms SELECT s * 10 + k, s, 'Room ' || k FROM generate_series(11, 14) s, generate_series(1, 3) k",
                "INSERT INTO tn.students SELECT c * 10 + k, 'Kid ' || (c * 10 + k), date '2010-01-01' + k FROM tn.classrooms cl,"
                        + " LATERAL (SELECT cl.id AS c) x, generate_series(1, 4) k",
                "INSERT INTO tn.students VALUES (9000, 'Shared kid', '2011-05-05')",
                "INSERT INTO tn.classroom_students SELECT c.id, c.id * 10 + k FROM tn.classrooms c, generate_series(1, 4) k",
                "INSERT INTO tn.classroom_students VALUES (131, 9000), (141, 9000)",
                "INSERT INTO tn.donations (school_id, amount, note) SELECT id, 100.50, '{\"by\": \"fair\"}' FROM tn.schools",
                "INSERT INTO tn.donations (class_id, amount, note) SELECT id, 20, 'null' FROM tn.classrooms",
                "INSERT INTO tn.donations (student_id, amount) SELECT id, 5 FROM tn.students",
                "INSERT INTO tn.student_sessions SELECT id, id, timestamptz '2025-01-01 10:00+00' FROM tn.students");
        shard("DROP SCHEMA IF EXISTS tn CASCADE", "CREATE SCHEMA tn",
                "CREATE TABLE tn.enrollments (id bigint PRIMARY KEY, classroom_id bigint NOT NULL, started timestamptz)",
                "CREATE TABLE tn.attempts (id bigint PRIMARY KEY, enrollment_id bigint NOT NULL REFERENCES tn.enrollments,"
                        + " score int, answer text)",
                "INSERT INTO tn.enrollments SELECT c * 10 + k, c, timestamptz '2025-02-01 08:00+00' FROM generate_series(11, 14) s,"
                        + " generate_series(1, 3) r, LATERAL (SELECT s * 10 + r AS c) x, generate_series(1, 2) k",
                "INSERT INTO tn.attempts SELECT e.id * 10 + k, e.id, k * 10, 'answer, \"quoted\"' || k FROM tn.enrollments e,"
                        + " generate_series(1, 3) k");
    }

    static void drop() {
        shard("DROP SCHEMA IF EXISTS tn CASCADE");
    }

    /** Drops the second database (after a test class: every Strata connection to it is closed by then). */
    static void dropDatabase() {
        SHARD.drop();
    }

    static String jobYaml(String extraTableYaml) {
        return "  - name: schools\n"
                + "    tenant:\n"
                + "      table: tn.schools\n"
                + "      key: id\n"
                + "      due: \"SELECT id FROM tn.schools WHERE closed_on < current_date - 365 ORDER BY id\"\n"
                + "      tables:\n"
                + "        - table: tn.students\n"
                + "          where: \"id IN (SELECT cs.student_id FROM tn.classroom_students cs JOIN tn.classrooms c"
                + " ON c.id = cs.classroom_id WHERE c.school_id = :tenant)\"\n"
                + "        - table: tn.enrollments\n"
                + "          database: shard\n"
                + "          where: \"classroom_id = ANY(:tn.classrooms.id)\"\n"
                + extraTableYaml
                + "    concurrency: 2\n";
    }

    /**
     * A time job with {@code tables:} over the schools: its windows (days, by {@code closed_at}, which
     * {@link #closedAt} adds) are bundles of the schools closed that day with all that depends on them.
     */
    static String windowJobYaml() {
        return "  - name: closed\n"
                + "    table: tn.schools\n"
                + "    timestampColumn: closed_at\n"
                + "    keep: P365D\n"
                + "    batch: P1D\n"
                + "    concurrency: 1\n"
                + "    tables:\n"
                + "      - table: tn.students\n"
                + "        where: \"id IN (SELECT cs.student_id FROM tn.classroom_students cs"
                + " WHERE cs.classroom_id = ANY(:tn.classrooms.id))\"\n"
                + "      - table: tn.enrollments\n"
                + "        database: shard\n"
                + "        where: \"classroom_id = ANY(:tn.classrooms.id)\"\n";
    }

    /** Adds the schools' {@code closed_at} (indexed): {@code closed_on} at 09:00 UTC, NULL for the open ones. */
    static void closedAt() {
        TestEnv.sql("ALTER TABLE tn.schools ADD COLUMN closed_at timestamptz",
                "UPDATE tn.schools SET closed_at = closed_on::timestamp AT TIME ZONE 'UTC' + interval '9 hours'",
                "CREATE INDEX ON tn.schools (closed_at)");
    }

    static String databasesYaml() {
        return SHARD.databasesYaml();
    }

    static void shard(String... statements) {
        SHARD.sql(statements);
    }

    static long shardCount(String sql) {
        return SHARD.count(sql);
    }

    /**
     * Opens a transaction on the shard that holds {@code table} in SHARE mode: FOR UPDATE (ROW SHARE) passes it, a
     * DELETE (ROW EXCLUSIVE) waits. Returns the connection; its backend's pid is {@link #pid}.
     */
    static Connection holdDeletes(String table) throws SQLException {
        Connection c = connect(true);
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("LOCK TABLE " + table + " IN SHARE MODE");
        }
        return c;
    }

    static int pid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Waits until a DELETE of Strata's waits in the shard for the lock of backend {@code holder}. */
    static void awaitDeleteHeldBy(int holder, java.time.Duration wait, java.util.function.Supplier<String> log) {
        io.strata.testing.Await.until("the shard's DELETE to wait for the test's lock", wait, () -> shardCount(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM%'"
                        + " AND " + holder + " = ANY (pg_blocking_pids(pid))") == 1, log);
    }

    static Connection connect(boolean shard) throws SQLException {
        return shard ? SHARD.connect() : TestEnv.connect();
    }

    /** Copies every table to {@code tn_before.<table>} (in its database): the rows as they were. */
    static void snapshot() {
        TestEnv.sql("DROP SCHEMA IF EXISTS tn_before CASCADE", "CREATE SCHEMA tn_before");
        for (String t : MAIN_TABLES) {
            TestEnv.sql("CREATE TABLE tn_before." + t + " AS SELECT * FROM tn." + t);
        }
        shard("DROP SCHEMA IF EXISTS tn_before CASCADE", "CREATE SCHEMA tn_before");
        for (String t : SHARD_TABLES) {
            shard("CREATE TABLE tn_before." + t + " AS SELECT * FROM tn." + t);
        }
    }

    /**
     * Every row of the snapshot is in its table now or in exactly one of {@code bundles} (zip files, each with the
     * manifest's kept counts); no row of a table changed; a bundle row that is still in the table is one it kept.
     * Returns, per table, the rows deleted.
     */
    static Map<String, Long> assertEveryRowInItsTableOrOneBundle(List<Path> bundles) throws Exception {
        Map<String, Long> deleted = new java.util.TreeMap<>();
        for (String db : List.of("main", "shard")) {
            boolean shard = db.equals("shard");
            try (Connection c = connect(shard); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS tn_bundle CASCADE");
                st.execute("CREATE SCHEMA tn_bundle");
                for (String t : shard ? SHARD_TABLES : MAIN_TABLES) {
                    // Plain columns: the entries hold generated and identity values as they were.
                    st.execute("CREATE TABLE tn_bundle." + t + " AS SELECT * FROM tn_before." + t + " WITH NO DATA");
                    for (Path zip : bundles) {
                        try (ZipFile z = new ZipFile(zip.toFile())) {
                            var e = z.getEntry("tables/" + db + "/tn." + t + ".csv");
                            if (e == null) {
                                continue;
                            }
                            try (InputStream in = z.getInputStream(e)) {
                                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY tn_bundle." + t + " FROM STDIN (FORMAT csv, HEADER)", in);
                            }
                        }
                    }
                    assertEquals(0, count(st, "SELECT count(*) FROM (SELECT * FROM tn." + t + " EXCEPT ALL SELECT * FROM tn_before." + t + ") x"),
                            t + ": no row changed or appeared");
                    assertEquals(0, count(st, "SELECT count(*) FROM (SELECT * FROM tn_before." + t + " EXCEPT ALL (SELECT * FROM tn." + t
                            + " UNION ALL SELECT * FROM tn_bundle." + t + ")) x"), t + ": every row is in its table or in a bundle");
                    long gone = count(st, "SELECT (SELECT count(*) FROM tn_before." + t + ") - (SELECT count(*) FROM tn." + t + ")");
                    long inBundles = count(st, "SELECT count(*) FROM tn_bundle." + t);
                    long keptInBundles = count(st, "SELECT count(*) FROM (SELECT * FROM tn_bundle." + t + " INTERSECT ALL SELECT * FROM tn." + t + ") x");
                    assertEquals(gone, inBundles - keptInBundles, t + ": each deleted row is in exactly one bundle");
                    deleted.put(t, gone);
                }
                st.execute("DROP SCHEMA tn_bundle CASCADE");
            }
        }
        return deleted;
    }

    static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<String> keys(String schema) {
        return new ArrayList<>(TestEnv.column("SELECT object_key FROM " + schema + ".manifest WHERE kind = 'tenant' ORDER BY id"));
    }
}
