package io.strata.cli;

import io.strata.ErrorCode;
import io.strata.StrataException;
import io.strata.app.Instance;
import io.strata.kinds.tenant.TenantListing;
import io.strata.text.Human;
import io.strata.text.Json;
import io.strata.text.Table;
import java.util.List;
import java.util.Map;

/** {@code tenants --job NAME [--json]}: the tenant bundles of a tenant job (the extraction records). */
final class TenantsCommand implements Command {

    @Override
    public int run(Invocation in) {
        String job = in.args.value("job");
        if (job == null) {
            throw new StrataException(ErrorCode.BAD_ARGUMENT, "tenants needs --job NAME (a tenant job)");
        }
        try (Instance.Reading reading = Instance.read(in.config())) {
            List<TenantListing.Bundle> bundles = reading.strata().tenants(job);
            if (in.json()) {
                in.out.println(Json.pretty(Map.of("job", job, "bundles", bundles)));
                return 0;
            }
            Table t = new Table("Tenant", "Chunk", "Tables", "Rows", "Size", "SHA-256", "Extract", "Test restore", "Archived",
                    "State");
            for (TenantListing.Bundle b : bundles) {
                t.row(b.tenant(), b.chunk(), b.tableCount(), Human.count(b.rows()), Human.bytes(b.bytes()),
                        b.sha256().substring(0, 12) + "…", b.extractMs() == null ? "-" : Human.duration(b.extractMs()),
                        b.testRestoreMs() == null ? "off" : Human.duration(b.testRestoreMs()), b.archivedAt(), b.state());
            }
            in.out.print(t.render());
            in.out.println(bundles.size() + " bundle(s) of job " + job);
            return 0;
        }
    }
}
