package io.strata.manifest;

/**
 * Which tenants' objects a command selects: every tenant's, those of the rows whose tenant is SQL NULL,
 * or those of one value (the empty string is a value like any other).
 *
 * @param all   every tenant
 * @param value the one value, when not {@code all}; null selects the NULL tenant
 */
public record TenantFilter(boolean all, String value) {

    public static final TenantFilter ALL = new TenantFilter(true, null);
    public static final TenantFilter NULL = new TenantFilter(false, null);

    public static TenantFilter of(String value) {
        return new TenantFilter(false, value);
    }

    /** True when the filter selects one tenant (a value, or NULL). */
    public boolean one() {
        return !all;
    }

    /** As a person reads it: {@code all}, {@code NULL}, or the value. */
    public String describe() {
        return all ? "all" : value == null ? "NULL" : value;
    }
}
