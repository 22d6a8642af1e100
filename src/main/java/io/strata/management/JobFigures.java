package io.strata.management;

import io.strata.config.JobConfig;
import io.strata.db.Database;
import io.strata.export.JobState;
import io.strata.report.History;
import io.strata.report.Report;
import io.strata.report.TableStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A job's slower attributes, read from the database (totals, last run, rows due and lag) and kept for a
 * few seconds, or until the job starts or ends a run, so that a console refreshing every attribute does
 * not query for each one.
 */
final class JobFigures {

    private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final JobConfig job;
    private final JobState state;
    private final Database database;
    private final History history;
    private final TableStats tables;
    private volatile Read read;

    record Read(long at, Object last, boolean running, Report.Totals totals, Report.LastRun lastRun, Report.Due due) {}

    JobFigures(JobConfig job, JobState state, Database database, String schema) {
        this.job = job;
        this.state = state;
        this.database = database;
        this.history = new History(schema);
        this.tables = new TableStats(schema);
    }

    Read get() {
        Read r = read;
        Object last = state == null ? null : state.last();
        boolean running = state != null && state.running();
        if (r != null && r.last() == last && r.running() == running && System.nanoTime() - r.at() < FRESH_NANOS) {
            return r;
        }
        try (Connection c = database.connection()) {
            Report.Totals totals = history.totals(c, job.name()).get(job.name());
            Report.LastRun lastRun = history.lastRuns(c, job.name()).get(job.name());
            Report.Due due = state == null ? null : tables.due(c, job, state.table(), Instant.now(), Duration.ZERO);
            c.rollback();
            r = new Read(System.nanoTime(), last, running, totals == null ? new Report.Totals(0, 0, 0, 0, 0, 0, 0) : totals,
                    lastRun, due);
            read = r;
            return r;
        } catch (SQLException | RuntimeException e) {
            // only JDK exception types: a remote JConsole has none of Strata's classes
            throw new IllegalStateException("job " + job.name() + ": cannot read the database: " + e.getMessage());
        }
    }
}
