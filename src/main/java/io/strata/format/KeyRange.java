package io.strata.format;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The least and the greatest key of the records of one object, gathered as they stream out (a {@link RecordKeys}
 * listener): exact over the records written, whatever else happens to the table meanwhile. Keys that are SQL
 * NULL are left out (no look-up finds them). A key that cannot be ordered (a numeric NaN) makes the range
 * unknown: such an object is read by every look-up of its job rather than missed.
 */
public final class KeyRange implements RecordKeys.Listener {

    private final String column;
    private final KeyType type;
    private long records;
    private boolean unknown;
    private long minLong = Long.MAX_VALUE;
    private long maxLong = Long.MIN_VALUE;
    private BigDecimal minDecimal;
    private BigDecimal maxDecimal;
    private byte[] minBytes;
    private byte[] maxBytes;

    public KeyRange(String column, KeyType type) {
        this.column = column;
        this.type = type;
    }

    public String column() {
        return column;
    }

    public KeyType type() {
        return type;
    }

    @Override
    public void record(long start, long end, byte[] key, int length, boolean isNull) {
        if (isNull) {
            return;
        }
        records++;
        switch (type) {
            case INTEGER -> {
                long v = parseLong(key, length);
                if (unknown) {
                    return;
                }
                minLong = Math.min(minLong, v);
                maxLong = Math.max(maxLong, v);
            }
            case DECIMAL -> {
                BigDecimal v;
                try {
                    v = new BigDecimal(new String(key, 0, length, StandardCharsets.US_ASCII));
                } catch (NumberFormatException e) {
                    unknown = true;
                    return;
                }
                minDecimal = minDecimal == null || v.compareTo(minDecimal) < 0 ? v : minDecimal;
                maxDecimal = maxDecimal == null || v.compareTo(maxDecimal) > 0 ? v : maxDecimal;
            }
            default -> {
                if (minBytes == null || Arrays.compareUnsigned(key, 0, length, minBytes, 0, minBytes.length) < 0) {
                    minBytes = Arrays.copyOf(key, length);
                }
                if (maxBytes == null || Arrays.compareUnsigned(key, 0, length, maxBytes, 0, maxBytes.length) > 0) {
                    maxBytes = Arrays.copyOf(key, length);
                }
            }
        }
    }

    private long parseLong(byte[] b, int length) {
        int i = 0;
        boolean negative = length > 0 && b[0] == '-';
        if (negative) {
            i = 1;
        }
        if (i == length || length - i > 19) {
            unknown = true;
            return 0;
        }
        long v = 0;
        for (; i < length; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                unknown = true;
                return 0;
            }
            v = v * 10 - d;  // accumulated negative: Long.MIN_VALUE fits
        }
        return negative ? v : -v;
    }

    /** True when keys were seen and all could be ordered. */
    public boolean known() {
        return records > 0 && !unknown;
    }

    /** The least key as text; null unless {@link #known()}. */
    public String min() {
        return !known() ? null : switch (type) {
            case INTEGER -> Long.toString(minLong);
            case DECIMAL -> minDecimal.toPlainString();
            default -> new String(minBytes, StandardCharsets.UTF_8);
        };
    }

    public String max() {
        return !known() ? null : switch (type) {
            case INTEGER -> Long.toString(maxLong);
            case DECIMAL -> maxDecimal.toPlainString();
            default -> new String(maxBytes, StandardCharsets.UTF_8);
        };
    }

    /** The least key as a number (integer and numeric keys); null otherwise. */
    public BigDecimal minNumber() {
        return !known() || type == KeyType.TEXT ? null : new BigDecimal(min());
    }

    public BigDecimal maxNumber() {
        return !known() || type == KeyType.TEXT ? null : new BigDecimal(max());
    }
}
