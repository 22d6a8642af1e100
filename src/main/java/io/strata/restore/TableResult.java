package io.strata.restore;

/**
 * What became of one table of one bundle in a tenant restore.
 *
 * @param database its database's name ({@code main}: strata.database)
 * @param table    {@code schema.table} it was archived from
 * @param target   {@code schema.table} it was loaded into
 * @param rows     the bundle's rows inserted
 * @param present  the bundle's rows not inserted because a row with their key was in the table already (a row
 *                 shared with another tenant, kept when this one was archived)
 * @param message  why it was skipped; null when loaded
 */
public record TableResult(int chunk, String database, String table, String target, ObjectResult.Status status,
        long rows, long present, long millis, String message) {}
