package io.strata.text;

/** Numbers as a person reads them. */
public final class Human {

    private Human() {}

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    public static String duration(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return String.format("%.1f s", ms / 1000.0);
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /** A length of time in its two largest units: {@code 3 d 4 h}, {@code 5 h 20 min}, {@code 12 min}. */
    public static String span(long seconds) {
        long m = seconds / 60;
        long h = m / 60;
        long d = h / 24;
        if (d > 0) {
            return d + " d" + (h % 24 > 0 ? " " + h % 24 + " h" : "");
        }
        if (h > 0) {
            return h + " h" + (m % 60 > 0 ? " " + m % 60 + " min" : "");
        }
        return m > 0 ? m + " min" : seconds + " s";
    }

    public static String ratio(long raw, long gz) {
        return gz == 0 ? "-" : String.format("%.1fx", (double) raw / gz);
    }

    public static String count(long n) {
        return String.format("%,d", n);
    }

    /**
     * A tenant value for a line of text: NULL for SQL NULL, {@code ""} for the empty string, and control
     * characters (a CR or LF would forge a line of its own) as {@code \n}, {@code \r}, {@code \t} or
     * a Unicode escape (backslash, u, four hex digits).
     */
    public static String tenant(String value) {
        if (value == null) {
            return "NULL";
        }
        if (value.isEmpty()) {
            return "\"\"";
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
