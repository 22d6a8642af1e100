package io.strata.kinds.tenant;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of a {@code where}: {@code :tenant} and {@code :schema.table.column}, found outside string
 * literals, quoted identifiers and {@code ::} casts, each replaced by a placeholder (with the cast that gives it its
 * type): a bound {@code ?} in the start-up check, a {@code $k} of {@code EXECUTE … USING} at run time
 * ({@link TenantPlan#parameter}). Values never become SQL text.
 */
final class WhereParameters {

    private WhereParameters() {}

    /** The condition with its parameters as {@code {n}} placeholders, and their names in order. */
    record Parsed(String template, List<String> names) {

        /** The condition with each parameter replaced by what {@code bound} gives for it. */
        String render(java.util.function.Function<String, String> bound) {
            String s = template;
            for (int i = names.size() - 1; i >= 0; i--) {
                s = s.replace("{" + i + "}", bound.apply(names.get(i)));
            }
            return s;
        }
    }

    static Parsed parse(String where) {
        StringBuilder out = new StringBuilder();
        List<String> names = new ArrayList<>();
        int n = where.length();
        for (int i = 0; i < n; i++) {
            char c = where.charAt(i);
            if (c == '\'' || c == '"') {
                int end = where.indexOf(c, i + 1);
                while (end > 0 && end + 1 < n && where.charAt(end + 1) == c) {
                    end = where.indexOf(c, end + 2);
                }
                end = end < 0 ? n - 1 : end;
                out.append(where, i, end + 1);
                i = end;
            } else if (c == '{' || c == '}') {
                throw new IllegalArgumentException("'" + c + "' is not allowed outside a string literal");
            } else if (c == ':' && i + 1 < n && where.charAt(i + 1) == ':') {
                out.append("::");
                i++;
            } else if (c == ':' && i + 1 < n && (Character.isLetter(where.charAt(i + 1)) || where.charAt(i + 1) == '_')) {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(where.charAt(j)) || where.charAt(j) == '_' || where.charAt(j) == '.')) {
                    j++;
                }
                String name = where.substring(i + 1, j);
                while (name.endsWith(".")) {
                    name = name.substring(0, name.length() - 1);
                    j--;
                }
                out.append('{').append(names.size()).append('}');
                names.add(name);
                i = j - 1;
            } else {
                out.append(c);
            }
        }
        return new Parsed(out.toString(), List.copyOf(names));
    }
}
