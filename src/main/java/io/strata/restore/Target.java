package io.strata.restore;

import io.strata.db.Sql;
import io.strata.ErrorCode;
import io.strata.StrataException;

import java.util.regex.Pattern;

/** A table that rows are restored into: {@code schema.table}, or {@code table} in {@code public}. */
public record Target(String schema, String table) {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    /** @param what names the value in the error, e.g. {@code --into} */
    public static Target parse(String name, String what) {
        String[] parts = name.split("\\.", -1);
        for (String p : parts) {
            if (parts.length > 2 || !IDENTIFIER.matcher(p).matches()) {
                throw new StrataException(ErrorCode.BAD_ARGUMENT, what + " " + name + ": expected table or schema.table");
            }
        }
        return parts.length == 2 ? new Target(parts[0], parts[1]) : new Target("public", parts[0]);
    }

    public String name() {
        return schema + "." + table;
    }

    /** The name quoted for SQL. */
    public String sql() {
        return Sql.ident(schema) + "." + Sql.ident(table);
    }

    @Override
    public String toString() {
        return name();
    }
}
