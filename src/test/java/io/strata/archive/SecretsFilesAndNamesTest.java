package io.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.config.ConfigLoader;
import io.strata.config.StrataConfig;
import io.strata.storage.TempFiles;
import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import io.strata.text.Redact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/**
 * The smaller promises: secrets never shown (config records, URLs in status and errors), temp files that
 * hold rows readable by their owner only, and Strata's own schema named by any identifier, a reserved
 * word included.
 */
class SecretsFilesAndNamesTest extends StrataTestCase {

    static final String SCHEMA = "strata_t_small";

    @Override
    protected String schema() {
        return SCHEMA;
    }

    @Test
    void theConfigRecordsNeverPrintThePasswordOrTheSecretKey() throws Exception {
        Path cfg = config(job("ev", SCHEMA + ".events"));
        Files.writeString(cfg, Files.readString(cfg).replace("user: " + TestEnv.USER + " }",
                "user: " + TestEnv.USER + ", password: hunter2-db }"));
        StrataConfig config = new ConfigLoader().load(cfg);
        String shown = config.toString();
        assertFalse(shown.contains("hunter2-db"), shown);
        assertFalse(shown.contains(TestEnv.SECRET_KEY), shown);
        assertTrue(shown.contains("password=***") && shown.contains("secretKey=***"), shown);
    }

    @Test
    void aPasswordInAUrlIsMaskedWhereverTheUrlIsShown() {
        assertEquals("jdbc:postgresql://db:5432/app?user=a&password=***&ssl=true",
                Redact.url("jdbc:postgresql://db:5432/app?user=a&password=s3cret&ssl=true"));
        assertEquals("jdbc:postgresql://alice:***@db/app", Redact.url("jdbc:postgresql://alice:s3cret@db/app"));
        assertEquals("https://key:***@minio.local:9000", Redact.url("https://key:s3cret@minio.local:9000"));
        assertEquals("http://127.0.0.1:9000", Redact.url("http://127.0.0.1:9000"));
        assertEquals("jdbc:postgresql://db/app?sslpassword=***", Redact.url("jdbc:postgresql://db/app?sslpassword=x"));
    }

    @Test
    void statusAndConnectionErrorsShowTheUrlWithoutItsPassword() throws Exception {
        events(10, "now() - interval '3 days'", "'v'");
        // Trust authentication ignores the password, so the URL works and status prints it.
        Path cfg = config(job("ev", SCHEMA + ".events"));
        Files.writeString(cfg, Files.readString(cfg).replace(TestEnv.URL + "\"", TestEnv.URL + "?password=hunter2\""));
        TestEnv.Run status = TestEnv.cli("--config", cfg.toString(), "status");
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("password=***"), status.out());
        assertFalse((status.out() + status.err()).contains("hunter2"), status.toString());

        Files.writeString(cfg, Files.readString(cfg).replace(TestEnv.SERVER, "jdbc:postgresql://127.0.0.1:1/"));
        TestEnv.Run down = TestEnv.cli("--config", cfg.toString(), "status");
        assertEquals(2, down.exit(), down.toString());
        assertTrue(down.err().contains("DB_CONNECTION"), down.err());
        assertFalse((down.out() + down.err()).contains("hunter2"), down.toString());
    }

    @Test
    void tempFilesAreTheOwnersAloneInADirectoryCreatedForTheOwner() throws Exception {
        Path tmp = dir.resolve("private/tmp");
        TempFiles.prepare(tmp);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp)));
        Path file = TempFiles.create(tmp);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void strataTablesLiveInASchemaNamedByAReservedWord() throws Exception {
        String table = events(30, "date_trunc('hour', now()) - interval '3 days' - (g % 3) * interval '1 hour'",
                "md5(g::text)");
        TestEnv.sql("DROP SCHEMA IF EXISTS \"select\" CASCADE");
        try {
            Path cfg = config(job("ev", table));
            Files.writeString(cfg, Files.readString(cfg).replace("schema: " + SCHEMA, "schema: select"));
            TestEnv.Run run = TestEnv.cli("--config", cfg.toString(), "archive");
            assertEquals(0, run.exit(), run.toString());
            assertEquals(3, TestEnv.count("SELECT count(*) FROM \"select\".manifest"));
            TestEnv.Run status = TestEnv.cli("--config", cfg.toString(), "status");
            assertEquals(0, status.exit(), status.toString());
            TestEnv.Run restore = TestEnv.cli("--config", cfg.toString(), "restore", "--job", "ev", "--from", "2000-01-01",
                    "--to", "2100-01-01");
            assertEquals(0, restore.exit(), restore.toString());
            assertEquals(30, TestEnv.count("SELECT count(*) FROM " + table));
            TestEnv.Run verify = TestEnv.cli("--config", cfg.toString(), "verify");
            assertEquals(0, verify.exit(), verify.toString());
        } finally {
            TestEnv.sql("DROP SCHEMA IF EXISTS \"select\" CASCADE");
        }
    }
}
