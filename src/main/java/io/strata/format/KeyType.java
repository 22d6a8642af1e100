package io.strata.format;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

/**
 * How the values of a key column are ordered, so that an object's key range (its least and greatest key) means
 * what PostgreSQL's order of the type means: integers and numerics by value, text and uuid by their bytes (the
 * order of the {@code "C"} collation, which the manifest's look-up uses). Other types have no key range.
 */
public enum KeyType {
    /** smallint, integer, bigint. */
    INTEGER,
    /** numeric (without NaN and the infinities, which no key holds in practice; such a key leaves the range unknown). */
    DECIMAL,
    /** text, varchar, char, uuid: ordered by their UTF-8 bytes. */
    TEXT;

    /** The key type of a column of PostgreSQL type {@code type} (as format_type writes it), or null when it has none. */
    public static KeyType of(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        if (t.equals("smallint") || t.equals("integer") || t.equals("bigint")) {
            return INTEGER;
        }
        if (t.startsWith("numeric")) {
            return DECIMAL;
        }
        if (t.equals("text") || t.startsWith("character varying") || t.equals("uuid") || t.startsWith("character(")
                || t.equals("character")) {
            return TEXT;
        }
        return null;
    }

    /**
     * The key as an operator writes it ({@code get --key}), in the form the objects hold it; throws
     * IllegalArgumentException, saying why, when it is not a value of {@code type}.
     */
    public static String canonical(String type, String value) {
        KeyType k = of(type);
        String t = type.toLowerCase(Locale.ROOT);
        String v = value.strip();
        if (k == INTEGER) {
            long n;
            try {
                n = Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not an integer");
            }
            long max = t.equals("smallint") ? Short.MAX_VALUE : t.equals("integer") ? Integer.MAX_VALUE : Long.MAX_VALUE;
            long min = t.equals("smallint") ? Short.MIN_VALUE : t.equals("integer") ? Integer.MIN_VALUE : Long.MIN_VALUE;
            if (n > max || n < min) {
                throw new IllegalArgumentException("is out of range for type " + type);
            }
            return Long.toString(n);
        }
        if (k == DECIMAL) {
            try {
                return new BigDecimal(v).toPlainString();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not a number");
            }
        }
        if (t.equals("uuid")) {
            try {
                return UUID.fromString(v).toString();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("is not a uuid");
            }
        }
        if (k == TEXT) {
            return value;
        }
        throw new IllegalArgumentException("is a key of type " + type + ", which has no order Strata records (keys are"
                + " integers, numerics, text or uuid)");
    }

    /** Whether the key bytes {@code key[0..length)} of an object are the value {@code wanted} ({@link #canonical}). */
    public boolean matches(byte[] key, int length, String wanted, byte[] wantedBytes) {
        switch (this) {
            case INTEGER -> {
                return length == wantedBytes.length && Arrays.equals(key, 0, length, wantedBytes, 0, length);
            }
            case DECIMAL -> {
                try {
                    return new BigDecimal(new String(key, 0, length, StandardCharsets.US_ASCII)).compareTo(new BigDecimal(wanted)) == 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
            default -> {
                return length == wantedBytes.length && Arrays.equals(key, 0, length, wantedBytes, 0, length);
            }
        }
    }
}
