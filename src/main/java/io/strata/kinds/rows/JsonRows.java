package io.strata.kinds.rows;

import io.strata.db.Column;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.strata.db.Sql;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL expression that writes a row as one line of JSONL format version 2 (docs/archive.md, "JSONL").
 * A table without JSON columns, or whose only JSON columns are jsonb NOT NULL, is written as
 * {@code to_json} writes it, as in version 1, at the same cost. Otherwise a row whose JSON values JSON can
 * carry exactly on one line is still {@code to_json}; any other row is put together column by column (the
 * same output, otherwise): a json or jsonb column that is SQL NULL is left out, and a value JSON cannot
 * carry exactly is written as its PostgreSQL text, a JSON string, and named in the list under the key
 * {@code ""}, which comes first.
 */
public final class JsonRows {

    /** The key that lists the columns written as text: no PostgreSQL column has an empty name. */
    static final String TEXT_KEY = "";

    /** Parts joined by one concat_ws, below the 100 arguments a function takes. */
    private static final int GROUP = 90;

    private JsonRows() {}

    /** The expression of the line of row {@code row} (an alias) of a table with these columns. */
    public static String line(String row, List<Column> columns) {
        String whole = "to_json(" + row + ".*)";
        List<String> special = new ArrayList<>();
        List<String> listed = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        for (Column c : columns) {
            String v = row + "." + Sql.ident(c.name());
            String key = Sql.literal(quote(c.name()) + ":");
            String asText = textForm(c, v);
            if (c.jsonDocument() && !c.notNull()) {
                special.add(v + " IS NULL" + (asText == null ? "" : " OR " + asText));
            } else if (asText != null) {
                special.add(asText);
            }
            if (asText != null) {
                listed.add("CASE WHEN " + asText + " THEN " + Sql.literal(quote(c.name())) + " END");
            }
            // A SQL NULL document makes its field NULL, which concat_ws leaves out; any other column says null.
            String json = c.jsonDocument() ? "to_json(" + v + ")::text" : "coalesce(to_json(" + v + ")::text, 'null')";
            fields.add(key + " || " + (asText == null ? json
                    : "CASE WHEN " + asText + " THEN to_json(" + v + "::text)::text ELSE " + json + " END"));
        }
        if (special.isEmpty()) {
            return whole;
        }
        if (!listed.isEmpty()) {
            fields.add(0, Sql.literal(quote(TEXT_KEY) + ":[") + " || " + joined(listed) + " || ']'");
        }
        return "CASE WHEN " + String.join(" OR ", special) + " THEN '{' || coalesce(" + joined(fields) + ", '') || '}'"
                + " ELSE " + whole + "::text END";
    }

    /**
     * The parts that are not NULL, joined with commas; NULL when every part is. A function takes at most 100
     * arguments, so a wide table's parts are joined in groups first.
     */
    private static String joined(List<String> parts) {
        if (parts.size() <= GROUP) {
            return "nullif(concat_ws(',', " + String.join(", ", parts) + "), '')";
        }
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < parts.size(); i += GROUP) {
            groups.add(joined(parts.subList(i, Math.min(parts.size(), i + GROUP))));
        }
        return joined(groups);
    }

    /**
     * The condition under which column {@code c}'s value {@code v} is written as its text, or null when it
     * never is. JSON Lines cannot hold a line break; a JSON reader drops the white space around a value, and
     * PostgreSQL reads no JSON that holds {@code \u0000}; and an array of JSON values has one null for its
     * SQL NULL elements and its JSON null ones.
     */
    private static String textForm(Column c, String v) {
        if ("json".equals(c.json())) {
            return jsonTextNeedsText(v + "::text");
        }
        if ("json[]".equals(c.json())) {
            return "EXISTS (SELECT 1 FROM unnest(" + v + ") e WHERE e IS NULL OR json_typeof(e) = 'null' OR "
                    + jsonTextNeedsText("e::text") + ")";
        }
        if ("jsonb[]".equals(c.json())) {
            return "EXISTS (SELECT 1 FROM unnest(" + v + ") e WHERE e IS NULL OR jsonb_typeof(e) = 'null')";
        }
        return null; // jsonb's own output is one line, without white space around it or \u0000
    }

    private static String jsonTextNeedsText(String t) {
        return "(strpos(" + t + ", E'\\n') > 0 OR strpos(" + t + ", E'\\r') > 0 OR strpos(" + t + ", E'\\\\u0000') > 0"
                + " OR " + t + " LIKE ' %' OR " + t + " LIKE E'\\t%' OR " + t + " LIKE '% ' OR " + t + " LIKE E'%\\t')";
    }

    /** A name as a JSON string. */
    static String quote(String name) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(name)) + "\"";
    }
}
