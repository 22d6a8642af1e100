package io.strata.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.db.Column;
import io.strata.format.Malformed;
import io.strata.format.Records;
import io.strata.manifest.ManifestEntry;
import io.strata.storage.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A tenant bundle's {@code bundle.json}, as restore reads it (README, "Whole tenants": the bundle's layout):
 * what each table entry holds and the order the tables load in, parents first.
 *
 * @param format             {@code csv} or {@code jsonl}, the format of every entry
 * @param entryFormatVersion the version of that format the entries were written in
 * @param tables             the tables in load order (parents first)
 */
public record BundleJson(String job, String tenant, String format, int entryFormatVersion, List<Table> tables) {

    /** The version of bundle.json this Strata reads. */
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One table's entry.
     *
     * @param database the name of its database in {@code strata.databases} ({@code main}: strata.database)
     * @param table    {@code schema.table}
     * @param entry    the zip entry that holds its rows
     * @param key      its primary key columns (empty when it has none)
     * @param rows     the rows the entry holds
     * @param sha256   of the entry's bytes (hex)
     */
    public record Table(String database, String table, String entry, List<Column> columns, List<String> key, long rows,
            String sha256) {

        /** {@code database:schema.table}, as {@code loadOrder} names it. */
        public String id() {
            return database + ":" + table;
        }
    }

    /** Reads bundle.json; content that is not a bundle.json this Strata reads is {@link Malformed}. */
    public static BundleJson read(InputStream in) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new Malformed("bundle.json is not JSON: " + Restorer.oneLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new Malformed("bundle.json is not a JSON object");
        }
        int version = root.path("formatVersion").asInt(-1);
        if (version < 1 || version > VERSION) {
            throw new Malformed("bundle.json formatVersion " + root.path("formatVersion") + ", which this Strata does"
                    + " not read (it reads version 1 to " + VERSION + ")");
        }
        String kind = root.path("kind").asText();
        if (!"tenant".equals(kind) && !"window".equals(kind)) {
            throw new Malformed("bundle.json kind " + root.path("kind") + ", expected \"tenant\" or \"window\"");
        }
        String format = text(root, "format");
        if (!"csv".equals(format) && !"jsonl".equals(format)) {
            throw new Malformed("bundle.json format " + format + ": expected csv or jsonl");
        }
        Map<String, Table> byId = new HashMap<>();
        for (JsonNode t : array(root, "tables")) {
            List<Column> columns = new ArrayList<>();
            for (JsonNode col : array(t, "columns")) {
                columns.add(new Column(text(col, "name"), text(col, "type"), col.path("generated").asBoolean(false),
                        col.path("identity").asBoolean(false), col.hasNonNull("json") ? col.get("json").asText() : null,
                        false));
            }
            List<String> key = new ArrayList<>();
            for (JsonNode k : t.path("key")) {
                key.add(k.asText());
            }
            if (!t.path("rows").canConvertToLong()) {
                throw new Malformed("bundle.json: table " + t.path("table") + " lacks its row count");
            }
            Table table = new Table(text(t, "database"), text(t, "table"), text(t, "entry"), List.copyOf(columns),
                    List.copyOf(key), t.path("rows").asLong(), text(t, "sha256"));
            try {
                Target.parse(table.table(), "bundle.json table");
            } catch (RuntimeException e) {
                throw new Malformed(e.getMessage());
            }
            if (byId.put(table.id(), table) != null) {
                throw new Malformed("bundle.json lists table " + table.id() + " twice");
            }
        }
        List<Table> ordered = new ArrayList<>();
        for (JsonNode id : array(root, "loadOrder")) {
            Table t = byId.remove(id.asText());
            if (t == null) {
                throw new Malformed("bundle.json loadOrder names " + id + ", which is not one of its tables (or is"
                        + " named twice)");
            }
            ordered.add(t);
        }
        if (!byId.isEmpty()) {
            throw new Malformed("bundle.json loadOrder leaves out " + String.join(", ", byId.keySet()));
        }
        return new BundleJson(text(root, "job"), root.path("tenant").isNull() ? null : text(root, "tenant"),
                format, root.path("entryFormatVersion").asInt(1), List.copyOf(ordered));
    }

    /** Reads the zip's bundle.json; a zip without one, or with entries it does not hold, is {@link Malformed}. */
    public static BundleJson of(ZipFile zip) throws IOException {
        ZipEntry e = zip.getEntry("bundle.json");
        if (e == null) {
            throw new Malformed("the zip holds no bundle.json");
        }
        BundleJson b;
        try (InputStream in = zip.getInputStream(e)) {
            b = read(in);
        }
        for (Table t : b.tables()) {
            if (zip.getEntry(t.entry()) == null) {
                throw new Malformed("bundle.json lists entry " + t.entry() + ", which the zip does not hold");
            }
        }
        return b;
    }

    /**
     * Reads every entry as restore would (verify --deep): its SHA-256 must be the one bundle.json lists, and its rows
     * must parse against the table's columns to the count bundle.json lists. Returns the rows of all entries.
     */
    public long check(ZipFile zip) throws IOException {
        long total = 0;
        for (Table t : tables) {
            MessageDigest sha = Digests.sha256();
            Records rows = ManifestEntry.reader(format, entryFormatVersion, t.columns(), null, null);
            try (InputStream in = new DigestInputStream(zip.getInputStream(zip.getEntry(t.entry())), sha)) {
                in.transferTo(rows);
            }
            rows.finish();
            checkEntry(t, HexFormat.of().formatHex(sha.digest()), rows.rows());
            total += rows.rows();
        }
        return total;
    }

    /** Refuses an entry whose bytes or rows are not those bundle.json lists. */
    static void checkEntry(Table t, String sha256, long rows) throws Malformed {
        if (!sha256.equalsIgnoreCase(t.sha256())) {
            throw new Malformed("entry " + t.entry() + " has SHA-256 " + sha256 + ", but bundle.json lists " + t.sha256());
        }
        if (rows != t.rows()) {
            throw new Malformed("entry " + t.entry() + " holds " + rows + " rows, but bundle.json lists " + t.rows());
        }
    }

    private static String text(JsonNode node, String field) throws Malformed {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            throw new Malformed("bundle.json lacks " + field);
        }
        return v.asText();
    }

    private static JsonNode array(JsonNode node, String field) throws Malformed {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            throw new Malformed("bundle.json lacks the array " + field);
        }
        return v;
    }
}
