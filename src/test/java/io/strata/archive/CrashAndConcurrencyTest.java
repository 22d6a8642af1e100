package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Invariants 3 and 7 with real processes: {@code archive} killed with SIGKILL at random moments
 * loses nothing, and two processes archiving one job at once archive each partition once.
 */
class CrashAndConcurrencyTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_crash";
    static final String T = SCHEMA + ".events";
    static final int HOURS = 150;
    static final int ROWS = HOURS * 200;

    @Override
    protected String schema() {
        return SCHEMA;
    }
    Path config;

    @BeforeEach
    void setUp() {
        events(ROWS, "date_trunc('hour', now()) - interval '3 days' - (g % " + HOURS + ") * interval '1 hour' + (g % 3571) * interval '1 second'",
                "md5(g::text)");
        config = config("""
                  - name: ev
                    table: %s
                    timestampColumn: at
                    keep: P2D
                """.formatted(T));
    }

    private Process start(String name) throws Exception {
        return TestEnv.child(List.of("-Xmx256m"), "--config", config.toString(), "archive")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    @Test
    void archiveKilledAtRandomMomentsLosesNoRowAndFinishesOnTheNextRun() throws Exception {
        Random random = new Random(7);
        int killedMidRun = 0;
        for (int i = 0; i < 5; i++) {
            Process p = start("killed-" + i);
            Thread.sleep(1500 + random.nextInt(3000));
            if (p.isAlive()) {
                p.destroyForcibly();
                killedMidRun++;
            }
            p.waitFor(30, TimeUnit.SECONDS);
            assertAccounted(false);
        }
        assertTrue(killedMidRun > 0, "at least one run was killed mid-flight");
        Process last = start("final");
        assertTrue(last.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, last.exitValue(), Files.readString(dir.resolve("final.log")));
        assertAccounted(true);
        assertEquals(0, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest WHERE chunk > 1"),
                "an orphan's key is reused, never skipped to a new chunk");
    }

    @Test
    void twoProcessesArchivingOneJobArchiveEachPartitionOnce() throws Exception {
        Process a = start("a");
        Process b = start("b");
        assertTrue(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, a.exitValue(), Files.readString(dir.resolve("a.log")));
        assertEquals(0, b.exitValue(), Files.readString(dir.resolve("b.log")));
        assertAccounted(true);
        assertEquals(HOURS, TestEnv.count("SELECT count(DISTINCT window_start) FROM " + SCHEMA + ".manifest"));
        assertEquals(HOURS, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".manifest"), "one object per window");
        assertEquals(HOURS, TestEnv.count("SELECT sum(partitions_done) FROM " + SCHEMA + ".run"));
        assertEquals(2, TestEnv.count("SELECT count(*) FROM " + SCHEMA + ".run WHERE status = 'succeeded'"));
    }

    /** Every original row is in the table or in exactly one manifested object, whose bytes match the manifest. */
    private void assertAccounted(boolean complete) throws Exception {
        Set<Long> seen = new HashSet<>();
        try (Connection c = TestEnv.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id FROM " + T)) {
                while (rs.next()) {
                    seen.add(rs.getLong(1));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT object_key, sha256, row_count FROM " + SCHEMA + ".manifest")) {
                while (rs.next()) {
                    Path object = object(rs.getString(1));
                    assertEquals(rs.getString(2), ArchiveFormatsTest.sha256(object), "object of " + rs.getString(1));
                    List<String> lines = ArchiveFormatsTest.gunzipLines(object);
                    assertEquals(rs.getLong(3), lines.size() - 1);
                    for (String line : lines.subList(1, lines.size())) {
                        long id = Long.parseLong(line.substring(0, line.indexOf(',')));
                        assertTrue(seen.add(id), "row " + id + " is in two places");
                    }
                }
            }
        }
        assertEquals(ROWS, seen.size(), "every row is in the table or one manifested object");
        if (complete) {
            assertEquals(0, TestEnv.count("SELECT count(*) FROM " + T), "everything was due");
        }
    }
}
