package io.strata.text;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with a header rule, numbers right-aligned. */
public final class Table {

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = List.of(headers);
    }

    public Table row(Object... cells) {
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(c == null ? "" : c.toString());
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public String render() {
        int[] w = new int[headers.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = headers.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        rule(out, w);
        line(out, w, headers, false);
        rule(out, w);
        for (List<String> r : rows) {
            line(out, w, r, true);
        }
        rule(out, w);
        return out.toString();
    }

    private static void rule(StringBuilder out, int[] w) {
        out.append('+');
        for (int x : w) {
            out.append("-".repeat(x + 2)).append('+');
        }
        out.append('\n');
    }

    private static void line(StringBuilder out, int[] w, List<String> cells, boolean align) {
        out.append('|');
        for (int i = 0; i < w.length; i++) {
            String c = cells.get(i);
            boolean right = align && c.matches("[-+]?[\\d,.]+( ?[A-Za-z%]{1,3})?x?");
            out.append(' ').append(right ? " ".repeat(w[i] - c.length()) + c : c + " ".repeat(w[i] - c.length())).append(" |");
        }
        out.append('\n');
    }
}
