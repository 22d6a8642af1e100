package io.strata.kinds.tenant;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.config.TenantJobConfig;
import io.strata.db.Database;
import io.strata.db.Sql;
import io.strata.text.Human;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a tenant job over a list of tenants (those named, or what its {@code due} query returns), {@code concurrency}
 * at a time, each through the tenant route; first it completes the pending deletes an earlier run left. Tells
 * {@code progress} a line per tenant with the run's position and an ETA.
 */
public final class TenantRunner {

    private final Map<String, Database> databases;
    private final Map<String, TenantPlan> plans;
    private final PendingDeletes pending;
    private final String schema;

    public TenantRunner(Map<String, Database> databases, Map<String, TenantPlan> plans, PendingDeletes pending, String schema) {
        this.databases = databases;
        this.plans = plans;
        this.pending = pending;
        this.schema = Sql.ident(schema);
    }

    public boolean has(String job) {
        return plans.containsKey(job);
    }

    public TenantPlan plan(String job) {
        TenantPlan p = plans.get(job);
        if (p == null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "no tenant job named '" + job + "'");
        }
        return p;
    }

    public PendingDeletes pending() {
        return pending;
    }

    /** The root keys the job's {@code due} query returns (as text), in its order; none without a due. */
    public List<String> due(String job) {
        TenantJobConfig j = plan(job).job().tenantJob();
        if (j.due() == null) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (Connection c = databases.get(TenantJobConfig.MAIN).connection()) {
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION READ ONLY");
                try (ResultSet rs = st.executeQuery(j.due())) {
                    while (rs.next()) {
                        keys.add(rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                throw new StrataException(ErrorCode.CONFIG_INVALID, j.at() + ".tenant.due = " + j.due() + ": " + e.getMessage(), e);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw Database.connectionError("main", "", e);
        }
        return keys;
    }

    /**
     * Refuses (BAD_ARGUMENT, nothing changed) a tenant that is neither a row of the root table nor in the manifest:
     * every tenant named is checked before any is archived.
     */
    public void checkTenants(String job, List<String> tenants) {
        TenantPlan plan = plan(job);
        try (Connection c = databases.get(TenantJobConfig.MAIN).connection();
                PreparedStatement root = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + plan.root().quoted() + " WHERE "
                        + Sql.ident(plan.job().key()) + " = CAST(CAST(? AS text) AS " + plan.rootKeyType() + "))");
                PreparedStatement archived = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + schema
                        + ".manifest WHERE job = ? AND kind = 'tenant' AND tenant = ?)")) {
            for (String t : tenants) {
                boolean exists;
                try {
                    root.setString(1, t);
                    try (ResultSet rs = root.executeQuery()) {
                        rs.next();
                        exists = rs.getBoolean(1);
                    }
                } catch (SQLException e) {
                    throw new StrataException(ErrorCode.BAD_ARGUMENT, "--tenant " + t + ": not a value of "
                            + plan.job().qualifiedTable() + "." + plan.job().key() + " (" + plan.rootKeyType() + "): "
                            + e.getMessage());
                }
                archived.setString(1, job);
                archived.setString(2, t);
                try (ResultSet rs = archived.executeQuery()) {
                    rs.next();
                    exists |= rs.getBoolean(1);
                }
                if (!exists) {
                    throw new StrataException(ErrorCode.BAD_ARGUMENT, "--tenant " + t + ": no such tenant: no row of "
                            + plan.job().qualifiedTable() + " has " + plan.job().key() + " = " + t
                            + ", and no bundle of job " + job + " holds one");
                }
            }
            c.rollback();
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "checking the tenants of " + job + ": " + e.getMessage(), e);
        }
    }

    /** Archives {@code tenants} of {@code job}, each sent through {@code send} (the tenant route). */
    public TenantRun run(String job, List<String> tenants, boolean pretend, Function<TenantRequest, TenantResult> send,
            Consumer<String> progress) {
        TenantPlan plan = plan(job);
        long t0 = System.nanoTime();
        PendingDeletes.Completed completed;
        try {
            completed = pending.complete();
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DB_CONNECTION, "completing the pending deletes: " + e.getMessage(), e);
        }
        if (completed.pending() > 0) {
            progress.accept(job + ": completed " + completed.pending() + " pending delete(s) of an earlier run ("
                    + Human.count(completed.deleted()) + " rows deleted in their databases)");
        }
        List<TenantResult> results = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(plan.job().tenantJob().concurrency(), r -> {
            Thread t = new Thread(r, "strata-tenant-" + job);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String tenant : tenants) {
                futures.add(pool.submit(() -> {
                    TenantRequest request = new TenantRequest(job, tenant, pretend);
                    TenantResult r = send.apply(request);
                    if (r == null) {
                        // The route ended before the tenant's bundle began (its error is in the log): failed, named.
                        r = TenantResult.ended(request, TenantResult.Status.FAILED, 0, "failed before its bundle began;"
                                + " the log says why");
                    }
                    results.add(r);
                    int n = done.incrementAndGet();
                    long elapsed = (System.nanoTime() - t0) / 1_000_000;
                    long eta = n == tenants.size() ? 0 : elapsed * (tenants.size() - n) / n;
                    progress.accept(line(r) + "  [" + n + "/" + tenants.size() + ", ETA " + Human.duration(eta) + "]");
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Long> kept = new TreeMap<>();
        for (TenantResult r : results) {
            for (TenantResult.Table t : r.tables()) {
                if (t.kept() > 0) {
                    kept.merge(t.table(), t.kept(), Long::sum);
                }
            }
        }
        return new TenantRun(job, pretend, List.copyOf(results), kept, (System.nanoTime() - t0) / 1_000_000, completed);
    }

    /** {@code schools  13  c1  archived  1,234 rows (3 kept)  8 tables  12 KB  45 ms}. */
    static String line(TenantResult r) {
        StringBuilder s = new StringBuilder(r.job()).append("  ").append(r.tenant()).append("  ");
        switch (r.status()) {
            case ARCHIVED, PRETEND -> s.append(r.status() == TenantResult.Status.PRETEND ? "pretend" : "c" + r.chunk())
                    .append("  ").append(Human.count(r.rows())).append(" rows")
                    .append(r.kept() > 0 ? " (" + Human.count(r.kept()) + " kept: shared)" : "")
                    .append("  ").append(r.tables().size()).append(" tables  ").append(Human.bytes(r.bytes()))
                    .append("  extract ").append(Human.duration(r.extractMs()))
                    .append(r.testRestoreMs() == null ? "" : "  test restore " + Human.duration(r.testRestoreMs()));
            default -> s.append(r.status().name().toLowerCase()).append(r.error() == null ? "" : ": " + r.error());
        }
        return s.append("  ").append(Human.duration(r.millis())).toString();
    }
}
