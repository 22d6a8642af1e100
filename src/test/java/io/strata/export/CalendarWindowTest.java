package io.strata.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.config.JobConfig;
import io.strata.config.WindowSize;
import io.strata.text.Times;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Calendar windows (P1W, P1M) in a zone with DST: their bounds, labels, keys, and when keep makes them due. */
class CalendarWindowTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    static JobConfig job(WindowSize batch, String keep, String tenant) {
        return new JobConfig("raw-data", "public", "points", "ts", keep, null, Period.parse(keep), batch,
                JobConfig.Format.JSONL, "0 0 3 * * ?", tenant, true, true, 1, BERLIN, List.of(), null, null, null, null, true, "strata.jobs[0]");
    }

    @Test
    void aMonthWindowRunsFromTheFirstInstantOfTheMonthToTheFirstOfTheNextAcrossDst() {
        // 2025-03-30: clocks go from 02:00 CET to 03:00 CEST; March has 31 days less one hour.
        Window march = Window.containing(LocalDateTime.of(2025, 3, 30, 3, 30), WindowSize.MONTH);
        assertEquals(OffsetDateTime.parse("2025-03-01T00:00+01:00"), march.startAt(BERLIN));
        assertEquals(OffsetDateTime.parse("2025-04-01T00:00+02:00"), march.endAt(BERLIN));
        assertEquals(Duration.ofDays(31).minusHours(1), Duration.between(march.startAt(BERLIN), march.endAt(BERLIN)));
        // 2025-10-26: back from 03:00 CEST to 02:00 CET; October has 31 days and one hour.
        Window october = Window.containing(LocalDateTime.of(2025, 10, 26, 2, 30), WindowSize.MONTH);
        assertEquals(Duration.ofDays(31).plusHours(1), Duration.between(october.startAt(BERLIN), october.endAt(BERLIN)));
        // February of a leap year, and the month that holds the last instant of a month is that month.
        Window feb = Window.containing(LocalDateTime.of(2024, 2, 29, 23, 59, 59), WindowSize.MONTH);
        assertEquals(new Window(LocalDateTime.of(2024, 2, 1, 0, 0), LocalDateTime.of(2024, 3, 1, 0, 0)), feb);
        assertEquals(march.end(), Window.containing(march.end(), WindowSize.MONTH).start(), "months tile the timeline");
    }

    @Test
    void aMonthWindowAcrossTheYearEnd() {
        Window december = Window.containing(LocalDateTime.of(2024, 12, 31, 23, 59, 59), WindowSize.MONTH);
        assertEquals(OffsetDateTime.parse("2024-12-01T00:00+01:00"), december.startAt(BERLIN));
        assertEquals(OffsetDateTime.parse("2025-01-01T00:00+01:00"), december.endAt(BERLIN));
        assertEquals("202412", december.label());
        Window january = Window.containing(LocalDateTime.of(2025, 1, 1, 0, 0), WindowSize.MONTH);
        assertEquals(december.end(), january.start());
        assertEquals("202501", january.label());
    }

    @Test
    void aWeekWindowIsAnIsoWeekFromMonday() {
        // 2025-01-01 is a Wednesday: its ISO week (2025-W01) starts on Monday 2024-12-30.
        Window w = Window.containing(LocalDateTime.of(2025, 1, 1, 12, 0), WindowSize.WEEK);
        assertEquals(new Window(LocalDateTime.of(2024, 12, 30, 0, 0), LocalDateTime.of(2025, 1, 6, 0, 0)), w);
        assertEquals("20241230w", w.label());
        assertEquals(w, Window.containing(LocalDateTime.of(2024, 12, 30, 0, 0), WindowSize.WEEK), "Monday 00:00 is in it");
        assertEquals(w, Window.containing(LocalDateTime.of(2025, 1, 5, 23, 59, 59), WindowSize.WEEK), "so is Sunday's end");
        // The week of the spring DST change is an hour short.
        Window dst = Window.containing(LocalDateTime.of(2025, 3, 30, 12, 0), WindowSize.WEEK);
        assertEquals(OffsetDateTime.parse("2025-03-24T00:00+01:00"), dst.startAt(BERLIN));
        assertEquals(OffsetDateTime.parse("2025-03-31T00:00+02:00"), dst.endAt(BERLIN));
        assertEquals(Duration.ofDays(7).minusHours(1), Duration.between(dst.startAt(BERLIN), dst.endAt(BERLIN)));
    }

    @Test
    void keysOfMonthAndWeekWindowsHaveTheirOwnLayoutAndNeverMeetDayOrHourKeys() {
        JobConfig month = job(WindowSize.MONTH, "P2M", "user_id");
        Partition p = new Partition(month, Window.containing(LocalDateTime.of(2024, 1, 15, 0, 0), WindowSize.MONTH),
                true, "42", -1);
        String key = ObjectKeys.objectKey("archive", p, 1);
        assertEquals("archive/raw-data/42/2024/01/points-202401-c1.jsonl.gz", key);
        assertEquals("202401", ObjectKeys.windowLabel(key));
        assertEquals("202401", ObjectKeys.windowLabel(ObjectKeys.sidecarKey(key)));
        JobConfig week = job(WindowSize.WEEK, "P2W", null);
        String weekKey = ObjectKeys.objectKey("", new Partition(week,
                Window.containing(LocalDateTime.of(2025, 1, 1, 0, 0), WindowSize.WEEK), false, null, -1), 3);
        assertEquals("raw-data/2024/12/30/points-20241230w-c3.jsonl.gz", weekKey);
        assertEquals("20241230w", ObjectKeys.windowLabel(weekKey));

        // Every window of a year, in each batch a job can have: no two share a label (and so a key).
        Set<String> labels = new HashSet<>();
        int windows = 0;
        for (WindowSize size : List.of(WindowSize.MONTH, WindowSize.WEEK, WindowSize.of(Duration.ofDays(1)),
                WindowSize.of(Duration.ofHours(1)), WindowSize.of(Duration.ofMinutes(30)))) {
            LocalDateTime t = LocalDateTime.of(2024, 1, 1, 0, 0);
            while (t.getYear() == 2024) {
                Window w = Window.containing(t, size);
                assertEquals(w, Window.ofLabel(w.label(), size), "a label names its window: " + w.label());
                labels.add(w.label());
                windows++;
                t = w.end();
            }
        }
        // The only labels shared are a day's and its first hour's (yyyyMMdd00, as before calendar windows):
        // 366 of them in 2024. Month and week labels meet no other.
        assertEquals(windows - 366, labels.size(), "labels are unique apart from a day and its first hour");
        assertNotEquals(Window.containing(LocalDateTime.of(2024, 1, 1, 0, 0), WindowSize.MONTH).label(),
                Window.containing(LocalDateTime.of(2024, 1, 1, 0, 0), WindowSize.of(Duration.ofDays(1))).label());
    }

    @Test
    void aMonthIsDueTwoMonthsAfterItEndsWithKeepP2M() {
        JobConfig job = job(WindowSize.MONTH, "P2M", null);
        Window january = Window.containing(LocalDateTime.of(2024, 1, 10, 0, 0), WindowSize.MONTH);
        // The last instant of March in Berlin: January (ended 1 February) is not yet two months past its end.
        LocalDateTime cutoff = PartitionFinder.cutoff(job, ZonedDateTime.of(2024, 3, 31, 23, 59, 59, 999_999_999, BERLIN));
        assertEquals(LocalDateTime.of(2024, 1, 1, 0, 0), cutoff);
        assertFalse(due(january, cutoff), "January at the end of March");
        assertTrue(due(Window.containing(LocalDateTime.of(2023, 12, 31, 23, 0), WindowSize.MONTH), cutoff), "December is");
        // The first instant of April in Berlin (22:00 UTC the day before): January is due.
        cutoff = PartitionFinder.cutoff(job, ZonedDateTime.parse("2024-03-31T22:00Z").withZoneSameInstant(ZoneId.of("UTC")));
        assertEquals(LocalDateTime.of(2024, 2, 1, 0, 0), cutoff);
        assertTrue(due(january, cutoff), "January on 1 April");
        assertFalse(due(Window.containing(LocalDateTime.of(2024, 2, 1, 0, 0), WindowSize.MONTH), cutoff), "not February");
        // One nanosecond earlier in UTC is still 31 March in Berlin.
        assertEquals(LocalDateTime.of(2024, 1, 1, 0, 0),
                PartitionFinder.cutoff(job, ZonedDateTime.parse("2024-03-31T21:59:59.999999999Z")));
    }

    @Test
    void weeksAreDueKeepAfterTheyEnd() {
        JobConfig job = job(WindowSize.WEEK, "P2W", null);
        // The week of Monday 2024-12-30 ends Monday 2025-01-06 00:00; two weeks later is Monday 2025-01-20 00:00.
        Window w = Window.containing(LocalDateTime.of(2025, 1, 1, 0, 0), WindowSize.WEEK);
        assertFalse(due(w, PartitionFinder.cutoff(job, ZonedDateTime.of(2025, 1, 19, 23, 59, 59, 0, BERLIN))));
        assertTrue(due(w, PartitionFinder.cutoff(job, ZonedDateTime.of(2025, 1, 20, 0, 0, 0, 0, BERLIN))));
    }

    /** As the finder decides: a window is due when it ends at or before the cutoff. */
    private static boolean due(Window w, LocalDateTime cutoff) {
        return !w.end().isAfter(cutoff);
    }

    @Test
    void aMonthOnTheCommandLineIsItsFirstInstantInTheZone() {
        assertEquals(OffsetDateTime.parse("2024-01-01T00:00+01:00"), Times.parse("from", "2024-01", BERLIN));
        assertEquals(OffsetDateTime.parse("2024-04-01T00:00+02:00"), Times.parse("to", "2024-04", BERLIN));
        assertEquals(OffsetDateTime.parse("2024-04-03T00:00+02:00"), Times.parse("to", "2024-04-03", BERLIN));
    }
}
