package io.strata.kinds.tenant;

/** One tenant to archive: the body the tenant route ({@code direct:strata-tenant}) takes. */
public record TenantRequest(String job, String tenant, boolean pretend) {}
