package io.strata.commands;

import io.strata.config.StrataConfig;
import io.strata.db.Database;
import io.strata.export.DuePartitions;
import io.strata.export.JobState;
import io.strata.export.Jobs;
import io.strata.export.RunSummary;
import io.strata.lookup.ArchivedRows;
import io.strata.lookup.ObjectCache;
import io.strata.lookup.RowLookup;
import io.strata.report.Report;
import io.strata.restore.RestoreRequest;
import io.strata.restore.RestoreResult;
import io.strata.restore.TenantRestoreRequest;
import io.strata.restore.TenantRestoreResult;
import io.strata.verify.VerifyReport;
import io.strata.verify.VerifyRequest;
import io.strata.kinds.tenant.PendingDeletes;
import io.strata.kinds.tenant.TenantResult;
import io.strata.kinds.tenant.TenantRun;
import io.strata.kinds.tenant.TenantRunner;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;

/**
 * Strata's commands, as Flyway has {@code migrate} and {@code info}: one method each, a typed record back.
 * The command line prints the records as tables or JSON; the MBeans return them as JSON. The work runs in
 * the routes (routes/*.camel.yaml), which the schedules reach the same way.
 */
public final class Strata extends StrataReader {

    private final Routes routes;
    private final RowLookup rows;
    private final TenantRunner tenants;

    public Strata(StrataConfig config, Database database, Jobs jobs, DuePartitions due, Routes routes, RowLookup rows,
            TenantRunner tenants) {
        super(config, database, jobs, due);
        this.routes = routes;
        this.rows = rows;
        this.tenants = tenants;
    }

    /**
     * {@code get}: the archived versions of {@code job}'s row whose key is {@code key}, newest first, read from the
     * objects whose key range holds it (README: Reading one archived row). Nothing is restored or changed.
     */
    public ArchivedRows get(String job, String key) {
        return rows.get(config, jobs, job, key);
    }

    /** The objects {@link #get} keeps read (the service's), or null when it keeps none. */
    public ObjectCache rowCache() {
        return rows.cache();
    }

    /**
     * {@code archive --job J [--tenant X …] [--pretend]} of a tenant job: the tenants named (each checked to exist
     * before any is archived), or those its {@code due} query returns; each through the tenant route.
     */
    public TenantRun archiveTenants(String job, List<String> named, boolean pretend, Consumer<String> progress) {
        List<String> list = named.isEmpty() ? tenants.due(job) : named;
        if (!named.isEmpty()) {
            tenants.checkTenants(job, named);
        }
        return tenants.run(job, list, pretend,
                r -> routes.request("direct:strata-tenant", r, Map.of(), TenantResult.class), progress);
    }

    /** True when {@code job} is a tenant job (enabled). */
    public boolean tenantJob(String job) {
        return tenants.has(job);
    }

    /** Completes the deletes in other databases that a tenant run could not (docs/tenants.md). */
    public PendingDeletes.Completed completePendingDeletes() {
        try {
            return tenants.pending().complete();
        } catch (java.sql.SQLException e) {
            throw new io.strata.StrataException(io.strata.ErrorCode.DB_CONNECTION, "pending deletes: " + e.getMessage(), e);
        }
    }

    /** {@code archive}: one run of {@code job} through its route; {@code trigger} names who asked (command, jmx). */
    public RunSummary archive(String job, String trigger) {
        jobs.get(job);
        return routes.request("direct:archive-" + job, null, Map.of("strataTrigger", trigger), RunSummary.class);
    }

    /** As {@link #archive}, without waiting for the run to end. */
    public CompletableFuture<RunSummary> archiveAsync(String job, String trigger) {
        jobs.get(job);
        return routes.requestAsync("direct:archive-" + job, null, Map.of("strataTrigger", trigger), RunSummary.class);
    }

    /** {@code restore}: the objects {@code request} selects, loaded through the restore route. */
    public RestoreResult restore(RestoreRequest request) {
        return routes.request("direct:restore", request, Map.of(), RestoreResult.class);
    }

    /**
     * {@code restore --job J --tenant X [--into-schema S]} of a tenant job, through the tenant restore route. The
     * deletes a tenant run left pending in other databases are completed first: they name rows by key and
     * digest, and would otherwise delete the rows this restore brings back.
     */
    public TenantRestoreResult restoreTenant(TenantRestoreRequest request) {
        if (tenants != null) {
            completePendingDeletes();
        }
        return routes.request("direct:restore-tenant", request, Map.of(), TenantRestoreResult.class);
    }

    /** {@code verify}: the archive checked against the manifest through the verify route. */
    public VerifyReport verify(VerifyRequest request) {
        return routes.request("direct:verify", request, Map.of(), VerifyReport.class);
    }

    /** {@code report}: today's report, written to {@code outDir} (null: strata.report.out) and to S3. */
    public Report report(String outDir) {
        return routes.request("direct:report", null, outDir == null ? Map.of() : Map.of("strataReportOut", outDir),
                Report.class);
    }

    /** Stops the job's new batches and scheduled runs until {@link #resume}; false when it was paused already. */
    public boolean pause(String job) {
        JobState s = jobs.get(job);
        boolean was = s.paused();
        s.paused(true);
        return !was;
    }

    /** Ends a pause; false when the job was not paused. */
    public boolean resume(String job) {
        JobState s = jobs.get(job);
        boolean was = s.paused();
        s.paused(false);
        return was;
    }
}
