package io.strata.manifest;

import io.strata.db.Sql;
import io.strata.db.Database;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Creates Strata's schema and tables on first start; safe to run from several instances at once. */
public final class SchemaInstaller {

    private final Database database;
    private final String schema;

    public SchemaInstaller(Database database, String schema) {
        this.database = database;
        this.schema = schema;
    }

    /** Creates what is missing and returns this installation's id. */
    public String install() {
        String sql;
        try (InputStream in = SchemaInstaller.class.getResourceAsStream("/db/schema.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${schema}", Sql.ident(schema));
        } catch (IOException e) {
            throw new IllegalStateException("db/schema.sql missing from the jar", e);
        }
        try (Connection c = database.connection(); Statement st = c.createStatement()) {
            // Serialises concurrent installers: CREATE ... IF NOT EXISTS is not safe against a race.
            st.execute("SELECT pg_advisory_xact_lock(hashtext('strata-schema'))");
            st.execute(sql);
            String id;
            try (ResultSet rs = st.executeQuery("SELECT id FROM " + Sql.ident(schema) + ".installation")) {
                rs.next();
                id = rs.getString(1);
            }
            c.commit();
            return id;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create schema " + schema + ": " + e.getMessage(), e);
        }
    }
}
