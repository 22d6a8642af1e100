package io.strata.app;

import io.strata.db.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SQL the routes run with camel-sql: {@code routes/sql/NAME.sql} from the jar, or the file of the same
 * name in the operator's routes directory ({@code strata.routes}/sql) when there is one. Each becomes the
 * Camel property {@code strata.sql.NAME}, which a route's {@code sql:} endpoint names: comment lines
 * dropped, lines joined, {@code ${schema}} replaced by strata.schema as a quoted identifier. Values reach
 * the statements only as {@code :#name} parameters.
 */
final class SqlFiles {

    static final List<String> NAMES = List.of("run-open", "run-close");

    private SqlFiles() {}

    static Map<String, String> properties(Path operatorDir, String schema) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : NAMES) {
            out.put("strata.sql." + name, statement(read(operatorDir, name), schema));
        }
        return out;
    }

    static String statement(String text, String schema) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("--"))
                .collect(Collectors.joining(" ")).replace("${schema}", Sql.ident(schema));
    }

    private static String read(Path operatorDir, String name) {
        String file = name + ".sql";
        if (operatorDir != null) {
            Path own = operatorDir.resolve("sql").resolve(file);
            if (Files.isRegularFile(own)) {
                try {
                    return Files.readString(own);
                } catch (IOException e) {
                    throw new IllegalStateException("strata.routes: cannot read " + own + ": " + e.getMessage(), e);
                }
            }
        }
        try (InputStream in = SqlFiles.class.getClassLoader().getResourceAsStream("routes/sql/" + file)) {
            if (in == null) {
                throw new IllegalStateException("routes/sql/" + file + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read routes/sql/" + file + ": " + e.getMessage(), e);
        }
    }
}
