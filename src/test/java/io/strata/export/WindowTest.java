package io.strata.export;

import io.strata.db.Sql;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.config.JobConfig;
import io.strata.config.WindowSize;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowTest {

    @Test
    void windowsAreWholeBatchesAlignedOnMidnight() {
        LocalDateTime t = LocalDateTime.of(2026, 3, 29, 14, 37, 12);
        assertEquals(new Window(t.withMinute(0).withSecond(0), t.withHour(15).withMinute(0).withSecond(0)),
                Window.containing(t, Duration.ofHours(1)));
        assertEquals(LocalDateTime.of(2026, 3, 29, 14, 30), Window.containing(t, Duration.ofMinutes(15)).start());
        assertEquals(LocalDateTime.of(2026, 3, 29, 12, 0), Window.containing(t, Duration.ofHours(6)).start());
        assertEquals(LocalDateTime.of(2026, 3, 30, 0, 0), Window.containing(t, Duration.ofDays(1)).end());
    }

    @Test
    void labelsHaveHoursOrMinutesAsTheBatchNeeds() {
        LocalDateTime t = LocalDateTime.of(2026, 1, 2, 3, 45);
        assertEquals("2026010203", Window.containing(t, Duration.ofHours(1)).label());
        assertEquals("202601020345", Window.containing(t, Duration.ofMinutes(15)).label());
    }

    @Test
    void windowsAcrossTheAutumnDstChangeTileTheTimelineWithoutGapOrOverlap() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 2026-10-25: clocks go back from 03:00 CEST to 02:00 CET
        Window two = Window.containing(LocalDateTime.of(2026, 10, 25, 2, 10), Duration.ofHours(1));
        Window three = Window.containing(LocalDateTime.of(2026, 10, 25, 3, 10), Duration.ofHours(1));
        assertEquals(two.endAt(berlin), three.startAt(berlin), "contiguous");
        assertEquals(Duration.ofHours(2), Duration.between(two.startAt(berlin), two.endAt(berlin)),
                "the repeated local hour belongs to one window");
        assertEquals("'2026-10-25 02:00:00+02:00'::timestamptz", Sql.timestamp(two.start(), berlin, true));
        assertEquals("'2026-10-25 02:00:00'::timestamp", Sql.timestamp(two.start(), berlin, false));
    }

    @Test
    void cutoffIsTheStartOfTheWindowHoldingNowMinusKeep() {
        JobConfig job = new JobConfig("j", "public", "t", "at", "P2D", Duration.ofDays(2), null,
                WindowSize.of(Duration.ofHours(1)), JobConfig.Format.CSV, "0 0 3 * * ?", null, true, true, 1, ZoneId.of("UTC"),
                List.of(), null, null, null, null, true, "strata.jobs[0]");
        ZonedDateTime now = ZonedDateTime.of(2026, 11, 21, 16, 45, 0, 0, ZoneId.of("UTC"));
        assertEquals(LocalDateTime.of(2026, 11, 19, 16, 0), PartitionFinder.cutoff(job, now));
    }

    @Test
    void identifiersAreQuoted() {
        assertEquals("\"we\"\"ird\"", Sql.ident("we\"ird"));
    }
}
