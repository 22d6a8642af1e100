package io.strata.commands;

import io.strata.export.References;
import java.util.List;

/**
 * What a job's run would do now, and changes nothing: its due partitions with their rows, the due rows
 * that other tables' references keep in the table, and what else its DELETE does. The same record for
 * {@code archive --dry-run} and JMX {@code dryRun()}.
 *
 * @param keptRows due rows a run would leave in the table, referenced through {@code keptBy}'s keys
 */
public record DryRun(String job, int partitions, long rows, List<Window> windows, long keptRows,
        List<References.KeptBy> keptBy, List<String> accepted, List<String> warnings) {

    /** One due partition: a window (ISO-8601 with offset, in the job's zone), of one tenant when the job splits. */
    public record Window(String start, String end, boolean tenantSplit, String tenant, long rows) {}
}
