package io.strata.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.ErrorCode;
import io.strata.StrataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private StrataConfig load(String yaml, Map<String, String> env) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return new ConfigLoader(env::get).load(f);
    }

    @Test
    void theShippedConfigLoads() {
        StrataConfig c = new ConfigLoader(name -> null).load(Path.of("config/application.yaml"));
        assertEquals("strata_demo", c.jobs().get(0).schema());
        assertTrue(c.s3().embedded());
    }

    @Test
    void defaultsFillWhatTheOperatorLeftOut() throws Exception {
        StrataConfig c = load("""
                strata:
                  database: { url: "jdbc:postgresql://h/db" }
                  jobs:
                    - { name: ev, table: events, timestampColumn: at, keep: P3M }
                """, Map.of());
        JobConfig j = c.jobs().get(0);
        assertEquals("public", j.schema());
        assertEquals(Period.ofMonths(3), j.keepPeriod());
        assertEquals(WindowSize.of(Duration.ofHours(1)), j.batch());
        assertEquals(JobConfig.Format.CSV, j.format());
        assertTrue(j.delete() && j.enabled());
        assertEquals(2, j.concurrency());
        assertNull(j.tenantColumn());
        assertEquals("archive", c.s3().bucket());
        assertTrue(c.s3().createBucket(), "embedded S3 creates its bucket");
        assertEquals(StrataConfig.S3Config.PayloadSigning.UNSIGNED, c.s3().payloadSigning());
        assertEquals("strata", c.schema());
        assertEquals(6, c.database().poolSize(), "the job's 2 batches, a restore's 2 objects, and 2 more");
    }

    @Test
    void placeholdersReadTheEnvironmentWithDefaults() throws Exception {
        StrataConfig c = load("""
                strata:
                  database: { url: "{{env:DB_URL:jdbc:postgresql://x/y}}", password: "{{env:PGPASSWORD:}}" }
                  s3: { endpoint: "{{env:S3_URL}}", bucket: b-1 }
                """, Map.of("S3_URL", "http://minio:9000"));
        assertEquals("jdbc:postgresql://x/y", c.database().url());
        assertEquals("", c.database().password());
        assertEquals("http://minio:9000", c.s3().endpoint());
        assertFalse(c.s3().createBucket(), "a real S3's bucket is not created unless asked");
    }

    @Test
    void keepForeverMeansNothingIsEverDue() throws Exception {
        StrataConfig c = load("""
                strata:
                  database: { url: "jdbc:postgresql://h/db" }
                  jobs: [ { name: ev, table: events, timestampColumn: at, keep: forever } ]
                """, Map.of());
        assertTrue(c.jobs().get(0).keepForever());
    }

    @Test
    void duplicateJobNamesAreRefused() {
        StrataException e = assertThrows(StrataException.class, () -> load("""
                strata:
                  database: { url: "jdbc:postgresql://h/db" }
                  jobs:
                    - { name: ev, table: a, timestampColumn: at, keep: P1D }
                    - { name: ev, table: b, timestampColumn: at, keep: P1D }
                """, Map.of()));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(e.getMessage().contains("strata.jobs[1].name"), e.getMessage());
    }

    @Test
    void aNameYamlReadsAsABooleanIsRefusedWithAHint() {
        StrataException e = assertThrows(StrataException.class, () -> load("""
                strata:
                  database: { url: "jdbc:postgresql://h/db" }
                  jobs: [ { name: off, table: a, timestampColumn: at, keep: P1D } ]
                """, Map.of()));
        assertTrue(e.getMessage().contains("strata.jobs[0].name") && e.getMessage().contains("quotes"), e.getMessage());
    }

    @Test
    void payloadSigningTakesItsThreeModesAndRefusesAnythingElse() throws Exception {
        for (StrataConfig.S3Config.PayloadSigning mode : StrataConfig.S3Config.PayloadSigning.values()) {
            StrataConfig c = load("""
                    strata:
                      database: { url: "jdbc:postgresql://h/db" }
                      s3: { endpoint: "http://minio:9000", payloadSigning: %s }
                    """.formatted(mode.name().toLowerCase()), Map.of());
            assertEquals(mode, c.s3().payloadSigning());
        }
        StrataException e = assertThrows(StrataException.class, () -> load("""
                strata:
                  database: { url: "jdbc:postgresql://h/db" }
                  s3: { payloadSigning: aws-chunked }
                """, Map.of()));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(e.getMessage().contains("strata.s3.payloadSigning") && e.getMessage().contains("unsigned, signed or chunked"),
                e.getMessage());
    }

    @Test
    void acceptOnDeleteIsAListOfSchemaTableConstraintAndEmptyByDefault() throws Exception {
        StrataConfig c = load("""
                strata:
                  database: { url: "jdbc:postgresql://h/db" }
                  jobs:
                    - { name: a, table: orders, timestampColumn: at, keep: P1D }
                    - name: b
                      table: orders
                      timestampColumn: at
                      keep: P1D
                      acceptOnDelete: [public.order_items.order_items_order_id_fkey, "s.t.with.dots"]
                """, Map.of());
        assertEquals(java.util.List.of(), c.jobs().get(0).acceptOnDelete());
        assertEquals(java.util.List.of("public.order_items.order_items_order_id_fkey", "s.t.with.dots"),
                c.jobs().get(1).acceptOnDelete());
        StrataException notAList = assertThrows(StrataException.class, () -> load("""
                strata:
                  database: { url: "jdbc:postgresql://h/db" }
                  jobs: [ { name: a, table: t, timestampColumn: at, keep: P1D, acceptOnDelete: public.x.y } ]
                """, Map.of()));
        assertTrue(notAList.getMessage().contains("strata.jobs[0].acceptOnDelete") && notAList.getMessage().contains("list"),
                notAList.getMessage());
        StrataException unqualified = assertThrows(StrataException.class, () -> load("""
                strata:
                  database: { url: "jdbc:postgresql://h/db" }
                  jobs: [ { name: a, table: t, timestampColumn: at, keep: P1D, acceptOnDelete: [x_fkey] } ]
                """, Map.of()));
        assertTrue(unqualified.getMessage().contains("\"x_fkey\"") && unqualified.getMessage().contains("schema.table.constraint"),
                unqualified.getMessage());
    }
}
