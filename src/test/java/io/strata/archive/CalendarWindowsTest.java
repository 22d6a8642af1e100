package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.config.ConfigLoader;
import io.strata.config.JobConfig;
import io.strata.export.PartitionFinder;
import io.strata.export.TableInfo;
import io.strata.storage.Durability;
import io.strata.storage.S3Storage;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Calendar windows (batch P1M, P1W) in Europe/Berlin, and integer epoch timestamp columns: what is archived,
 * under which keys, and that restore by month gives back exactly the rows there were.
 */
class CalendarWindowsTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_calendar";
    static final String T = SCHEMA + ".events";
    static final String P = SCHEMA + ".points";

    @Override
    protected String schema() {
        return SCHEMA;
    }

    static String md5(String table, String where) {
        return TestEnv.column("SELECT coalesce(md5(string_agg(t::text, E'\\n' ORDER BY id)), 'empty') FROM " + table
                + " t WHERE " + where).get(0);
    }

    private String monthConfig(String table, String... keys) {
        var c = config().job("ev", table).zone("Europe/Berlin").jobKey("batch", "P1M").keep("P2M");
        for (int i = 0; i < keys.length; i += 2) {
            c.jobKey(keys[i], keys[i + 1]);
        }
        return c.write(dir).toString();
    }

    @Test
    void monthWindowsAcrossDstAndTheYearEndArchiveAndRestoreByMonth() throws Exception {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, v text)",
                "CREATE INDEX ON " + T + " (at)",
                // Every 7 hours from mid-December 2024 to mid-April 2025 (over the year end and the spring DST change).
                "INSERT INTO " + T + " SELECT g, timestamptz '2024-12-15 00:00+01' + g * interval '7 hours', 'row ' || g"
                        + " FROM generate_series(1, 400) g",
                // The edges of months in Berlin time, either side of each.
                "INSERT INTO " + T + " VALUES (1001, '2024-12-31 23:59:59.999999+01', 'last of 2024'),"
                        + " (1002, '2025-01-01 00:00:00+01', 'first of 2025'),"
                        + " (1003, '2025-03-30 01:59:59+01', 'before DST'), (1004, '2025-03-30 03:00:00+02', 'after DST'),"
                        + " (1005, '2025-03-31 23:59:59.999999+02', 'last of March'), (1006, '2025-04-01 00:00:00+02', 'first of April'),"
                        + " (1007, '2025-03-31 22:30:00+00', 'April in Berlin, March in UTC')",
                "CREATE TABLE " + SCHEMA + ".before AS SELECT * FROM " + T);
        String cfg = monthConfig(T);

        TestEnv.Run archive = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, archive.exit(), archive.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T), "every month of 2024-25 is long due");
        assertEquals(List.of("ev/2024/12/events-202412-c1.csv.gz", "ev/2025/01/events-202501-c1.csv.gz",
                        "ev/2025/02/events-202502-c1.csv.gz", "ev/2025/03/events-202503-c1.csv.gz",
                        "ev/2025/04/events-202504-c1.csv.gz"),
                TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest ORDER BY window_start"));
        assertTrue(Files.exists(object("ev/2025/03/events-202503-c1.csv.gz")));
        // Each object holds its month in Berlin: the window's bounds are the months' first instants.
        assertEquals(List.of("2025-03-01 00:00:00+01|2025-04-01 00:00:00+02"), TestEnv.column("SELECT window_start AT TIME ZONE"
                + " 'Europe/Berlin' || '+01|' || window_end AT TIME ZONE 'Europe/Berlin' || '+02' FROM " + SCHEMA
                + ".manifest WHERE object_key LIKE '%202503%'"));
        for (String month : List.of("2024-12", "2025-01", "2025-02", "2025-03", "2025-04")) {
            long expected = TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".before WHERE to_char(at AT TIME ZONE"
                    + " 'Europe/Berlin', 'YYYY-MM') = '" + month + "'");
            assertEquals(expected, TestEnv.count("SELECT row_count FROM " + SCHEMA + ".manifest WHERE object_key LIKE '%"
                    + month.replace("-", "") + "-c1%'"), month);
        }

        TestEnv.Run verify = TestEnv.cli("--config", cfg, "verify", "--deep");
        assertEquals(0, verify.exit(), verify.toString());
        // An object of June 2025 that no manifest lists: an orphan of June, and of no other month.
        try (S3Storage storage = S3Storage.connect(new ConfigLoader().load(Path.of(cfg)).s3(), s3.endpoint(),
                TestEnv.ACCESS_KEY, TestEnv.SECRET_KEY, Durability.REMOTE)) {
            storage.client().putObject(r -> r.bucket("test").key("ev/2025/06/events-202506-c1.csv.gz"),
                    RequestBody.fromBytes(new byte[] {1}));
        }
        TestEnv.Run june = TestEnv.cli("--config", cfg, "verify", "--job", "ev", "--from", "2025-06", "--to", "2025-07");
        assertEquals(1, june.exit(), june.toString());
        assertTrue(june.toString().contains("OBJECT_ORPHAN") && june.toString().contains("events-202506-c1"), june.toString());
        TestEnv.Run before = TestEnv.cli("--config", cfg, "verify", "--job", "ev", "--from", "2024-12", "--to", "2025-06");
        assertEquals(0, before.exit(), "June starts where May ends: " + before);
        TestEnv.Run status = TestEnv.cli("--config", cfg, "status");
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("P2M"), status.out());
        TestEnv.Run report = TestEnv.cli("--config", cfg, "report", "--out", dir.resolve("report").toString(), "--json");
        assertEquals(0, report.exit(), report.toString());
        assertTrue(report.out().contains("\"P1M\""), "the report names the batch as configured:\n" + report.out());

        // --from 2025-01 --to 2025-04: January to March in Berlin, not the instant of April that is March in UTC.
        TestEnv.Run some = TestEnv.cli("--config", cfg, "restore", "--job", "ev", "--from", "2025-01", "--to", "2025-04");
        assertEquals(0, some.exit(), some.toString());
        String janToMarch = "at >= '2025-01-01 00:00+01' AND at < '2025-04-01 00:00+02'";
        assertEquals(md5(SCHEMA + ".before", janToMarch), md5(T, "true"), "January to March, row for row");
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T + " WHERE id IN (1001, 1006, 1007)"));
        TestEnv.Run all = TestEnv.cli("--config", cfg, "restore", "--job", "ev", "--from", "2024-12", "--to", "2025-05");
        assertEquals(0, all.exit(), all.toString());
        assertEquals(md5(SCHEMA + ".before", "true"), md5(T, "true"), "the whole table, restored twice in part");
    }

    @Test
    void keepP2MArchivesAMonthTwoMonthsAfterItEndsNotBefore() {
        // The first instant, in Berlin, of the month two months before this one: the cutoff with keep P2M.
        String cutoff = "((date_trunc('month', now() AT TIME ZONE 'Europe/Berlin') - interval '2 months')"
                + " AT TIME ZONE 'Europe/Berlin')";
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, v text)",
                "CREATE INDEX ON " + T + " (at)",
                "INSERT INTO " + T + " VALUES (1, " + cutoff + " - interval '1 microsecond', 'last of a month that ended"
                        + " two months ago'), (2, " + cutoff + ", 'first of the month that ends one month ago'),"
                        + " (3, " + cutoff + " + interval '20 days', 'the same month'), (4, now(), 'now')");
        String cfg = monthConfig(T);
        TestEnv.Run run = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(List.of("2", "3", "4"), TestEnv.column("SELECT id::text FROM " + T + " ORDER BY id"));
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE window_end = " + cutoff));
    }

    @Test
    void weekWindowsAreIsoWeeksFromMondayWithTheirMondayInTheKey() {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + T + " (id bigint PRIMARY KEY, at timestamptz NOT NULL, v text)",
                "CREATE INDEX ON " + T + " (at)",
                "INSERT INTO " + T + " SELECT g, timestamptz '2024-12-28 00:00+01' + g * interval '5 hours', 'w'"
                        + " FROM generate_series(0, 50) g",
                "INSERT INTO " + T + " VALUES (100, '2024-12-29 23:59:59.999999+01', 'Sunday'),"
                        + " (101, '2024-12-30 00:00+01', 'Monday')");
        String cfg = config().job("ev", T).zone("Europe/Berlin").jobKey("batch", "P1W").keep("P1W")
                .format("jsonl").write(dir).toString();
        TestEnv.Run run = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(List.of("ev/2024/12/23/events-20241223w-c1.jsonl.gz", "ev/2024/12/30/events-20241230w-c1.jsonl.gz",
                        "ev/2025/01/06/events-20250106w-c1.jsonl.gz"),
                TestEnv.column("SELECT object_key FROM " + SCHEMA + ".manifest ORDER BY window_start"));
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE window_start ="
                + " '2024-12-30 00:00+01' AND window_end = '2025-01-06 00:00+01'"));
        TestEnv.Run restore = TestEnv.cli("--config", cfg, "restore", "--job", "ev", "--from", "2024-12-30",
                "--to", "2025-01-06");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(List.of("2024-12-30 00:00:00+01"), TestEnv.column("SELECT min(at) AT TIME ZONE 'Europe/Berlin' || '+01'"
                + " FROM " + T), "Monday's first instant is the week's first");
        assertTrue(TestEnv.column("SELECT id::text FROM " + T).contains("101"));
        assertFalse(TestEnv.column("SELECT id::text FROM " + T).contains("100"), "Sunday is the week before");
        assertEquals(List.of("2025-01-05 23:00:00+01"), TestEnv.column("SELECT max(at) AT TIME ZONE 'Europe/Berlin' || '+01'"
                + " FROM " + T), "the week ends with Sunday's last row");
    }

    /**
     * Integer epoch columns, seconds in an integer column and milliseconds in a bigint one: archived by month in
     * Berlin time, per user, and restored to the same values.
     */
    @ParameterizedTest
    @CsvSource({"seconds, integer, 1", "milliseconds, bigint, 1000"})
    void epochTimestampColumnsArchiveByMonthAndRestoreExactly(String unit, String type, long perSecond) {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + P + " (id bigint PRIMARY KEY, user_id int NOT NULL, ts " + type + " NOT NULL,"
                        + " raw_data jsonb, note text)",
                "CREATE INDEX ON " + P + " (ts)",
                // Three users over 2024, every 31 hours, with a millisecond part when the unit has one.
                "INSERT INTO " + P + " SELECT g, g % 3, (extract(epoch FROM timestamptz '2024-01-01 00:00+01'"
                        + " + g * interval '31 hours 7 seconds') * " + perSecond + ")::bigint + (g % 997) % " + perSecond + ","
                        + " CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN 'null' ELSE jsonb_build_object('g', g, 'lat', g / 7.0) END,"
                        + " 'p' || g FROM generate_series(1, 280) g",
                // The first instant of March in Berlin, and the last one of February.
                "INSERT INTO " + P + " VALUES (1001, 1, extract(epoch FROM timestamptz '2024-03-01 00:00+01')::bigint * "
                        + perSecond + ", '{}', 'first of March'), (1002, 1, extract(epoch FROM timestamptz"
                        + " '2024-03-01 00:00+01')::bigint * " + perSecond + " - 1, '{}', 'last of February')",
                "CREATE TABLE " + SCHEMA + ".before AS SELECT * FROM " + P);
        String cfg = config().job("raw-data", P).timestampColumn("ts").jobKey("timestampUnit", unit)
                .tenantColumn("user_id").zone("Europe/Berlin").jobKey("batch", "P1M").keep("P2M").format("jsonl")
                .write(dir).toString();
        TestEnv.Run status = TestEnv.cli("--config", cfg, "status", "--json");
        assertEquals(0, status.exit(), status.toString());
        // The due figures read the epoch column too: one partition per user and month of 2024, every row, the first.
        assertTrue(status.out().contains("\"partitions\" : 36,") && status.out().contains("\"rows\" : 282,")
                && status.out().contains("\"oldestDueRow\" : \"2024-01-02T06:00:07" + (perSecond == 1 ? "Z" : ".001Z")),
                status.out());
        TestEnv.Run archive = TestEnv.cli("--config", cfg, "archive");
        assertEquals(0, archive.exit(), archive.toString());
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + P));
        String month = "to_char(to_timestamp(ts::float8 / " + perSecond + ") AT TIME ZONE 'Europe/Berlin', 'YYYYMM')";
        assertEquals(TestEnv.count("SELECT count(DISTINCT (user_id, " + month + ")) FROM " + SCHEMA + ".before"),
                TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"), "one object per user and month");
        assertEquals(TestEnv.column("SELECT u || ':' || n FROM (SELECT user_id || '/' || " + month + " AS u, count(*) AS n"
                        + " FROM " + SCHEMA + ".before GROUP BY 1) g ORDER BY 1"),
                TestEnv.column("SELECT substring(object_key from 'raw-data/([0-9]+)/') || '/' || substring(object_key from"
                        + " '-([0-9]{6})-c1') || ':' || row_count FROM " + SCHEMA + ".manifest ORDER BY 1"),
                "each user's month in its own object, Berlin months");
        assertEquals(1, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE object_key ="
                + " 'raw-data/1/2024/03/points-202403-c1.jsonl.gz' AND window_start = '2024-03-01 00:00+01'"));

        TestEnv.Run verify = TestEnv.cli("--config", cfg, "verify", "--deep");
        assertEquals(0, verify.exit(), verify.toString());
        TestEnv.Run restore = TestEnv.cli("--config", cfg, "restore", "--job", "raw-data", "--from", "2024-01",
                "--to", "2025-01");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(md5(SCHEMA + ".before", "true"), md5(P, "true"), "every epoch value and every column as it was");
    }

    @ParameterizedTest
    @CsvSource({"bigint", "integer"})
    void theDuePartitionProbeOnAnEpochColumnUsesItsIndex(String type) throws Exception {
        TestEnv.sql("CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + P + " (id bigint PRIMARY KEY, user_id int NOT NULL, ts " + type + " NOT NULL, note text)",
                "INSERT INTO " + P + " SELECT g, g % 10, 1704063600 + g * 60, 'p' FROM generate_series(1, 50000) g",
                "CREATE INDEX points_ts_idx ON " + P + " (ts)", "ANALYZE " + P);
        Path cfg = Path.of(config().job("raw-data", P).timestampColumn("ts").jobKey("timestampUnit", "seconds")
                .zone("Europe/Berlin").jobKey("batch", "P1M").keep("P2M").write(dir).toString());
        JobConfig job = new ConfigLoader().load(cfg).job("raw-data").orElseThrow();
        try (Connection c = TestEnv.connect()) {
            c.setAutoCommit(false);
            TableInfo table = TableInfo.inspect(c, job);
            assertTrue(table.timestampIndexed(), "the start-up check finds the index on the integer column");
            StringBuilder plan = new StringBuilder();
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + PartitionFinder.probe(job, table, true))) {
                table.bindTime(ps, 1, LocalDateTime.of(2024, 3, 1, 0, 0), job.zone());
                table.bindTime(ps, 2, LocalDateTime.of(2024, 2, 1, 0, 0), job.zone());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
            }
            c.rollback();
            assertTrue(plan.toString().contains("Index Only Scan using points_ts_idx")
                    || plan.toString().contains("Index Scan using points_ts_idx"), plan.toString());
            assertFalse(plan.toString().contains("Seq Scan"), plan.toString());
        }

        TestEnv.sql("DROP INDEX " + SCHEMA + ".points_ts_idx");
        Process p = TestEnv.child(List.of(), "--config", cfg.toString(), "archive", "--dry-run")
                .redirectError(dir.resolve("err.log").toFile()).redirectOutput(dir.resolve("out.log").toFile()).start();
        assertEquals(0, p.waitFor());
        String err = Files.readString(dir.resolve("err.log"));
        assertTrue(err.contains("has no index on ts") && err.contains("CREATE INDEX CONCURRENTLY \"points_ts_idx\" ON \""
                + SCHEMA + "\".\"points\" (\"ts\");"), err);
    }
}
