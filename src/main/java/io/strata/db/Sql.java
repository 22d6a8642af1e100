package io.strata.db;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Quoting of identifiers and catalog names, and the typed timestamps of the statements that cannot take bind parameters (COPY). */
public final class Sql {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx");

    private Sql() {}

    public static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * A string literal of {@code value}, as an escape string ({@code E'…'}), which reads the same under any
     * {@code standard_conforming_strings}. For names from the catalog; a value from data is bound instead.
     */
    public static String literal(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** A timestamp literal for local time {@code t}: naive for timestamp columns, with the zone's offset for timestamptz. */
    public static String timestamp(LocalDateTime t, ZoneId zone, boolean withZone) {
        return withZone
                ? "'" + t.atZone(zone).format(OFFSET) + "'::timestamptz"
                : "'" + t.format(LOCAL) + "'::timestamp";
    }
}
