package io.strata.cli;

import io.strata.text.Human;
import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.StrataRuntime;
import io.strata.export.JobState;
import io.strata.export.References;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * What a dry run says of a job's DELETE besides its rows: the due rows that references keep in the table,
 * the accepted ON DELETE actions, and the warnings (DELETE triggers, referencing columns without an index).
 *
 * @param keptRows due rows a run would leave in the table, referenced by {@code keptBy}'s keys
 */
record DryRunReferences(long keptRows, List<References.KeptBy> keptBy, List<String> accepted, List<String> warnings) {

    static DryRunReferences of(StrataRuntime rt, String job) {
        JobState s = rt.runner().state(job);
        References refs = s.table().references();
        try (Connection c = rt.database().connection()) {
            References.Kept kept = refs.keptDue(c, s.config(), s.table(), ZonedDateTime.now());
            return new DryRunReferences(kept.rows(), kept.byReference(), refs.accepted(), refs.warnings());
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "job '" + job + "': " + e.getMessage(), e);
        }
    }

    void print(String job, PrintStream out) {
        if (!keptBy.isEmpty()) {
            out.println(job + ": " + Human.count(keptRows) + " of the due rows stay in the table: other rows reference them");
            for (References.KeptBy k : keptBy) {
                out.println("  " + Human.count(k.rows()) + " referenced through " + k.constraint() + ": " + k.table() + " ("
                        + String.join(", ", k.columns()) + ") ON DELETE " + k.action());
            }
        }
        accepted.forEach(a -> out.println(job + ": " + a));
        warnings.forEach(w -> out.println(job + ": warning: " + w));
    }
}
