package io.strata.export;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.db.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZonedDateTime;
import java.util.List;

/** What a job would archive now: its due partitions, found as a run finds them. Reads only. */
public final class DuePartitions {

    private final Database database;
    private final Jobs jobs;
    private final PartitionFinder finder;

    public DuePartitions(Database database, Jobs jobs, String schema) {
        this.database = database;
        this.jobs = jobs;
        this.finder = new PartitionFinder(schema);
    }

    /** The job's due partitions at {@code now}; {@code count}: with each one's row count (one index range scan each). */
    public List<Partition> find(String job, ZonedDateTime now, boolean count) {
        JobState s = jobs.get(job);
        try (Connection c = database.connection()) {
            return finder.find(c, s.config(), s.table(), now, count);
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "job '" + job + "': cannot find due partitions: "
                    + e.getMessage(), e);
        }
    }

    /** The job's due partitions now, with their row counts. */
    public List<Partition> counted(String job) {
        return find(job, ZonedDateTime.now(), true);
    }
}
