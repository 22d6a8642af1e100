package io.strata.restore;

import java.util.function.Consumer;

/**
 * What to restore: every manifested bundle of {@code tenant} in tenant job {@code job}, into the tables the rows
 * came from, or into same-named tables in schema {@code intoSchema} (of each table's own database) when set.
 *
 * @param progress told after each table is loaded or skipped (may be null)
 */
public record TenantRestoreRequest(String job, String tenant, String intoSchema, Consumer<TableResult> progress) {}
