package io.strata.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertsTest {

    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    static final String HOURLY = "0 0 * * * ?";

    static Report.Job job(String schedule, Report.LastRun last, Report.Due due) {
        Report.Totals none = new Report.Totals(0, 0, 0, 0, 0, 0, 0);
        return new Report.Job("j", "s.t", true, "P2D", "PT1H", schedule, none, due, null, new Report.Storage(0, 0, 0), last, null);
    }

    static Report.LastRun run(String status) {
        return new Report.LastRun(7, "schedule", NOW.minusSeconds(600), NOW.minusSeconds(500), status, 4, 1, 10, "boom");
    }

    static List<String> kinds(Report.Job job, History.Runs runs) {
        return ReportBuilder.alerts(List.of(job), runs == null ? Map.of() : Map.of("j", runs), NOW).stream()
                .map(Report.Alert::kind).toList();
    }

    @Test
    void aFailedOrPartialLastRunIsAnAlertAndASucceededOneIsNot() {
        History.Runs fine = new History.Runs(NOW.minusSeconds(900), NOW.minusSeconds(500));
        assertEquals(List.of("FAILED"), kinds(job(HOURLY, run("partial"), null), fine));
        assertEquals(List.of("FAILED"), kinds(job(HOURLY, run("failed"), null), fine));
        assertEquals(List.of(), kinds(job(HOURLY, run("succeeded"), null), fine));
    }

    @Test
    void noSuccessForTwiceTheScheduleIntervalIsStaleCountedFromTheFirstRunWhenThereWasNone() {
        Report.Job hourly = job(HOURLY, run("stopped"), null);
        assertEquals(List.of(), kinds(hourly, new History.Runs(NOW.minus(Duration.ofHours(5)), NOW.minus(Duration.ofMinutes(110)))));
        assertEquals(List.of("STALE"), kinds(hourly, new History.Runs(NOW.minus(Duration.ofHours(5)), NOW.minus(Duration.ofMinutes(130)))));
        assertEquals(List.of(), kinds(hourly, new History.Runs(NOW.minus(Duration.ofMinutes(30)), null)), "too new to tell");
        assertEquals(List.of("STALE"), kinds(hourly, new History.Runs(NOW.minus(Duration.ofHours(3)), null)));
        assertEquals(List.of(), kinds(job(HOURLY, null, null), null), "a job that never ran has no history to judge");
    }

    @Test
    void lagBeyondOneBatchAndOneScheduleIntervalIsAnAlert() {
        History.Runs fine = new History.Runs(NOW.minusSeconds(900), NOW.minusSeconds(500));
        long allowance = Duration.ofHours(2).toSeconds();
        Report.Due onTime = new Report.Due(50, NOW.minus(Duration.ofDays(2)).minusSeconds(allowance), 172800, allowance, allowance);
        Report.Due late = new Report.Due(50, NOW.minus(Duration.ofDays(2)).minusSeconds(allowance + 1), 172800, allowance + 1, allowance);
        assertEquals(List.of(), kinds(job(HOURLY, run("succeeded"), onTime), fine));
        assertEquals(List.of("LAG"), kinds(job(HOURLY, run("succeeded"), late), fine));
    }
}
