package io.strata.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.figures.Due;
import io.strata.figures.LastRun;
import io.strata.figures.Totals;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertsTest {

    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    static final String HOURLY = "0 0 * * * ?";

    /** When a job first ran, and when it last succeeded. */
    record Runs(Instant first, Instant lastSuccess) {}

    static Report.Job job(String schedule, LastRun last, Due due, Runs runs) {
        Totals none = new Totals(0, 0, 0, 0, 0, 0, 0);
        return new Report.Job("j", "s.t", true, "P2D", "PT1H", schedule, none, due, null, new Report.Storage(0, 0, 0), last,
                runs == null ? null : runs.lastSuccess(), runs == null ? null : runs.first(), null);
    }

    static LastRun run(String status) {
        return new LastRun(7, "schedule", NOW.minusSeconds(600), NOW.minusSeconds(500), status, 4, 1, 10, "boom", 100_000L);
    }

    static List<String> kinds(String schedule, LastRun last, Due due, Runs runs) {
        return ReportBuilder.alerts(List.of(job(schedule, last, due, runs)), NOW).stream().map(Report.Alert::kind).toList();
    }

    @Test
    void aFailedOrPartialLastRunIsAnAlertAndASucceededOneIsNot() {
        Runs fine = new Runs(NOW.minusSeconds(900), NOW.minusSeconds(500));
        assertEquals(List.of("FAILED"), kinds(HOURLY, run("partial"), null, fine));
        assertEquals(List.of("FAILED"), kinds(HOURLY, run("failed"), null, fine));
        assertEquals(List.of(), kinds(HOURLY, run("succeeded"), null, fine));
    }

    @Test
    void noSuccessForTwiceTheScheduleIntervalIsStaleCountedFromTheFirstRunWhenThereWasNone() {
        LastRun stopped = run("stopped");
        assertEquals(List.of(), kinds(HOURLY, stopped, null, new Runs(NOW.minus(Duration.ofHours(5)), NOW.minus(Duration.ofMinutes(110)))));
        assertEquals(List.of("STALE"), kinds(HOURLY, stopped, null, new Runs(NOW.minus(Duration.ofHours(5)), NOW.minus(Duration.ofMinutes(130)))));
        assertEquals(List.of(), kinds(HOURLY, stopped, null, new Runs(NOW.minus(Duration.ofMinutes(30)), null)), "too new to tell");
        assertEquals(List.of("STALE"), kinds(HOURLY, stopped, null, new Runs(NOW.minus(Duration.ofHours(3)), null)));
        assertEquals(List.of(), kinds(HOURLY, null, null, null), "a job that never ran has no history to judge");
    }

    @Test
    void lagBeyondOneBatchAndOneScheduleIntervalIsAnAlert() {
        Runs fine = new Runs(NOW.minusSeconds(900), NOW.minusSeconds(500));
        long allowance = Duration.ofHours(2).toSeconds();
        Due onTime = new Due(3, 50, NOW.minus(Duration.ofDays(2)).minusSeconds(allowance), 172800 + allowance, allowance,
                allowance, 172800, null);
        Due late = new Due(3, 50, NOW.minus(Duration.ofDays(2)).minusSeconds(allowance + 1), 172800 + allowance + 1,
                allowance + 1, allowance, 172800, null);
        assertEquals(List.of(), kinds(HOURLY, run("succeeded"), onTime, fine));
        assertEquals(List.of("LAG"), kinds(HOURLY, run("succeeded"), late, fine));
    }
}
