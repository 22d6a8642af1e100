package io.strata.export;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.JobConfig;
import io.strata.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What deleting a job's rows does besides, read from the catalog at start-up: the foreign keys that
 * reference the job's table (or one of its partitions or inheritance children), and the table's DELETE
 * triggers and rules. README, "Tables that other tables reference", says what Strata does with each.
 * The catalog's queries are {@link ReferenceCatalog}'s; this class keeps the rules (refuse, keep, accept,
 * warn) and the SQL they become together, which makes it a little longer than most.
 */
public final class References {

    /** A foreign key's ON DELETE action ({@code pg_constraint.confdeltype}). */
    public enum Action {
        NO_ACTION("NO ACTION"), RESTRICT("RESTRICT"), CASCADE("CASCADE"), SET_NULL("SET NULL"), SET_DEFAULT("SET DEFAULT");

        private final String sql;

        Action(String sql) {
            this.sql = sql;
        }

        /** CASCADE, SET NULL and SET DEFAULT change rows of the referencing table; the others refuse the delete. */
        public boolean changesRows() {
            return this != NO_ACTION && this != RESTRICT;
        }

        @Override
        public String toString() {
            return sql;
        }

        static Action of(String confdeltype) {
            return switch (confdeltype) {
                case "r" -> RESTRICT;
                case "c" -> CASCADE;
                case "n" -> SET_NULL;
                case "d" -> SET_DEFAULT;
                default -> NO_ACTION;
            };
        }
    }

    /**
     * One foreign key that references the job's table.
     *
     * @param name             {@code schema.table.constraint} of the referencing table: how acceptOnDelete names it
     * @param table            the referencing table, {@code schema.table}
     * @param quotedTable      the same, quoted; with ONLY unless it is partitioned (its rows are all its partitions')
     * @param columns          the referencing columns, in key order
     * @param referencedTable  the referenced table, quoted: the job's table, or a partition or child of it
     * @param ofJobTable       whether the referenced table is the job's table itself
     * @param referencedColumns the referenced columns, in key order
     * @param indexed          whether an index on the referencing table starts with the referencing columns
     */
    public record Reference(String name, String table, String quotedTable, List<String> columns, String referencedTable,
            boolean ofJobTable, List<String> referencedColumns, Action action, boolean indexed) {

        /** {@code public.order_items (order_id)} */
        public String describe() {
            return table + " (" + String.join(", ", columns) + ")";
        }
    }

    /** A user trigger that fires on DELETE of the job's rows: {@code timing} BEFORE, AFTER or INSTEAD OF. */
    public record Trigger(String name, String table, String timing, boolean row) {

        public String describe() {
            return "trigger " + name + " (" + timing + " DELETE FOR EACH " + (row ? "ROW" : "STATEMENT") + ") on " + table;
        }
    }

    /** Due rows a run leaves in the table because other rows reference them: in all, and by each reference. */
    public record Kept(long rows, List<KeptBy> byReference) {}

    /** The due rows one reference keeps (a row two references hold counts for both). */
    public record KeptBy(String constraint, String table, List<String> columns, String action, long rows) {}

    public static final References NONE = new References("", List.of(), List.of(), List.of());

    private final String jobTable;
    private final List<Reference> references;
    private final List<Trigger> triggers;
    private final List<String> rules;

    private References(String jobTable, List<Reference> references, List<Trigger> triggers, List<String> rules) {
        this.jobTable = jobTable;
        this.references = references;
        this.triggers = triggers;
        this.rules = rules;
    }

    public static References inspect(Connection c, JobConfig job, TableInfo table) throws SQLException {
        References refs = new References(job.qualifiedTable(), ReferenceCatalog.references(c, table.qualifiedName()),
                ReferenceCatalog.triggers(c, table.qualifiedName()), ReferenceCatalog.rules(c, table.qualifiedName()));
        c.rollback();
        return refs;
    }

    public List<Reference> references() {
        return references;
    }

    public List<Trigger> triggers() {
        return triggers;
    }

    public List<String> rules() {
        return rules;
    }

    /**
     * Refuses a job whose DELETE would delete or change rows that are in no object, and checks its
     * {@code acceptOnDelete}. Returns what the job's batches must heed: the references of tables that are not
     * archived with the unit.
     *
     * @param key             where the job is configured, for messages: {@code file: strata.jobs[0]}
     * @param archivedWithUnit referencing tables ({@code schema.table}) whose rows the unit archives itself:
     *                        their references are neither refused nor kept out
     */
    public References check(JobConfig job, String key, Set<String> archivedWithUnit) {
        for (String accepted : job.acceptOnDelete()) {
            Reference ref = references.stream().filter(r -> r.name().equals(accepted)).findFirst().orElseThrow(() ->
                    new StrataException(ErrorCode.CONFIG_INVALID, key + ".acceptOnDelete \"" + accepted
                            + "\" is not a foreign key that references " + jobTable + " (those that do: "
                            + (references.isEmpty() ? "none" : String.join(", ", references.stream().map(Reference::name).toList()))
                            + ")"));
            if (!ref.action().changesRows()) {
                throw new StrataException(ErrorCode.CONFIG_INVALID, key + ".acceptOnDelete \"" + accepted + "\" is ON DELETE "
                        + ref.action() + ": it changes no row (Strata keeps the rows it references); remove it from the list");
            }
        }
        if (!rules.isEmpty() || triggers.stream().anyMatch(t -> t.timing().equals("INSTEAD OF"))) {
            List<String> what = new ArrayList<>(rules.stream().map(r -> "rule " + r + " (ON DELETE)").toList());
            triggers.stream().filter(t -> t.timing().equals("INSTEAD OF")).forEach(t -> what.add(t.describe()));
            throw new StrataException(ErrorCode.DELETE_RULE, "job '" + job.name() + "': " + jobTable + " has "
                    + String.join(", ", what) + ": a DELETE of its rows becomes another statement (or COPY refuses it),"
                    + " so the rows deleted would not be the rows archived. Nothing was changed. Drop it, or set delete: false"
                    + " to export without deleting");
        }
        List<Reference> heeded = references.stream().filter(r -> !archivedWithUnit.contains(r.table())).toList();
        List<Reference> refused = heeded.stream()
                .filter(r -> r.action().changesRows() && !job.acceptOnDelete().contains(r.name())).toList();
        if (!refused.isEmpty()) {
            StringBuilder m = new StringBuilder("job '" + job.name() + "': deleting archived rows of " + jobTable
                    + " would change rows that are in no object, so the job does not run (nothing was changed):");
            for (Reference r : refused) {
                m.append("\n  ").append(r.name()).append(": ").append(effect(r));
            }
            m.append("\nEither make ").append(refused.size() == 1 ? "this constraint" : "these constraints")
                    .append(" ON DELETE NO ACTION (Strata then archives only the rows no other row references, and keeps"
                            + " the others), or, if the change is intended, list "
                            + (refused.size() == 1 ? "it" : "them") + " in ")
                    .append(key).append(".acceptOnDelete: [")
                    .append(String.join(", ", refused.stream().map(Reference::name).toList())).append(']');
            throw new StrataException(ErrorCode.REFERENCED_TABLE, m.toString());
        }
        return new References(jobTable, heeded, triggers, rules);
    }

    private String effect(Reference r) {
        String head = r.describe() + " references " + jobTable + " ON DELETE " + r.action() + ": archiving a row ";
        return head + switch (r.action()) {
            case CASCADE -> "also deletes the rows of " + r.table() + " that reference it";
            case SET_NULL -> "sets " + String.join(", ", r.columns()) + " to NULL in the rows of " + r.table() + " that reference it";
            case SET_DEFAULT -> "sets " + String.join(", ", r.columns()) + (r.columns().size() == 1 ? " to its default"
                    : " to their defaults") + " in the rows of " + r.table()
                    + " that reference it";
            default -> "that other rows reference is kept";
        };
    }

    /** The references whose rows keep the rows they reference in the table (NO ACTION, RESTRICT). */
    public List<Reference> keeping() {
        return references.stream().filter(r -> !r.action().changesRows()).toList();
    }

    /** The accepted references whose action runs on archived rows, each in a sentence. */
    public List<String> accepted() {
        return references.stream().filter(r -> r.action().changesRows()).map(r -> effect(r) + " (accepted in acceptOnDelete)").toList();
    }

    /** What an operator should know before the job runs, each in a sentence: DELETE triggers, references without an index. */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        for (Trigger t : triggers) {
            out.add("DELETE " + t.describe() + (t.row()
                    ? " runs for every archived row (an audit trigger writes a row per archived row)"
                            + (t.timing().equals("BEFORE") ? "; a row for which it returns NULL is neither deleted nor archived" : "")
                    : " runs once per batch"));
        }
        for (Reference r : references) {
            if (!r.indexed()) {
                out.add(r.describe() + " references " + jobTable + " (" + r.name() + ") but has no index on "
                        + (r.columns().size() == 1 ? "that column" : "those columns") + ": every archived row costs a scan of "
                        + r.table() + ". Run:\n  " + ReferenceCatalog.suggestedIndex(r));
            }
        }
        return out;
    }

    /**
     * The condition that keeps the rows other rows reference out of a batch (NO ACTION and RESTRICT keys: deleting
     * one would fail the whole batch); null when there is none. A NULL in a referencing column references nothing.
     */
    public String keepOut() {
        List<String> parts = keeping().stream().map(r -> r.ofJobTable() ? "NOT " + exists(r)
                : "(tableoid <> " + regclass(r) + " OR NOT " + exists(r) + ")").toList();
        return parts.isEmpty() ? null : String.join(" AND ", parts);
    }

    /** The rows that {@link #keepOut} keeps: referenced by a NO ACTION or RESTRICT key; null when none can be. */
    public String referenced() {
        List<String> parts = keeping().stream().map(References::referencedBy).toList();
        return parts.isEmpty() ? null : "(" + String.join(" OR ", parts) + ")";
    }

    private static String referencedBy(Reference r) {
        return r.ofJobTable() ? exists(r) : "(tableoid = " + regclass(r) + " AND " + exists(r) + ")";
    }

    /**
     * Whether a row of the reference's table references the current row. The referencing columns are renamed in a
     * subquery, so that the referenced columns, unqualified, can only be the outer row's (whatever the outer
     * table's alias, and even when both tables have columns of the same names, or are one table); PostgreSQL
     * flattens it into an anti-join or semi-join that uses an index on the referencing columns.
     */
    private static String exists(Reference r) {
        String prefix = "strata_fk_";
        while (startsAny(r.referencedColumns(), prefix)) {
            prefix = "_" + prefix;
        }
        List<String> renamed = new ArrayList<>();
        List<String> match = new ArrayList<>();
        for (int i = 0; i < r.columns().size(); i++) {
            renamed.add(Sql.ident(r.columns().get(i)) + " AS " + prefix + (i + 1));
            match.add("strata_ref." + prefix + (i + 1) + " = " + Sql.ident(r.referencedColumns().get(i)));
        }
        return "EXISTS (SELECT 1 FROM (SELECT " + String.join(", ", renamed) + " FROM " + r.quotedTable()
                + ") strata_ref WHERE " + String.join(" AND ", match) + ")";
    }

    private static boolean startsAny(List<String> names, String prefix) {
        return names.stream().anyMatch(n -> n.startsWith(prefix));
    }

    private static String regclass(Reference r) {
        return "'" + r.referencedTable().replace("'", "''") + "'::regclass";
    }

    /** How many of the job's due rows at {@code now} a run would keep, by each NO ACTION or RESTRICT key; reads only. */
    public Kept keptDue(Connection c, JobConfig job, TableInfo table, ZonedDateTime now) throws SQLException {
        List<Reference> keeping = keeping();
        LocalDateTime cutoff = PartitionFinder.cutoff(job, now);
        if (keeping.isEmpty() || cutoff == null) {
            return new Kept(0, List.of());
        }
        StringBuilder sql = new StringBuilder("SELECT count(*) FILTER (WHERE ").append(referenced()).append(')');
        for (Reference r : keeping) {
            sql.append(", count(*) FILTER (WHERE ").append(referencedBy(r)).append(')');
        }
        sql.append(" FROM ").append(table.qualifiedName()).append(" WHERE ").append(Sql.ident(job.timestampColumn())).append(" < ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            PartitionFinder.bind(ps, 1, cutoff, job, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                List<KeptBy> by = new ArrayList<>();
                for (int i = 0; i < keeping.size(); i++) {
                    Reference r = keeping.get(i);
                    by.add(new KeptBy(r.name(), r.table(), r.columns(), r.action().toString(), rs.getLong(i + 2)));
                }
                return new Kept(rs.getLong(1), List.copyOf(by));
            } finally {
                c.rollback();
            }
        }
    }
}
