package io.strata.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.TestEnv;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A tenant job that cannot be right is refused at start, exit 2, naming the file, key and value; nothing moves. */
class TenantBadInputTest extends SchoolsTestCase {

    @Override
    protected String schema() {
        return "tenant_bad";
    }

    @BeforeEach
    void schools() throws Exception {
        TestEnv.sql("CREATE TABLE tn.unrelated (id bigint PRIMARY KEY)", "CREATE SEQUENCE tn.probe");
        SchoolsFixture.snapshot();
    }

    private void refused(String extraTables, String... expected) throws Exception {
        refusedJob(SchoolsFixture.jobYaml(extraTables), expected);
    }

    private void refusedJob(String jobYaml, String... expected) throws Exception {
        Path config = config().extraYaml(SchoolsFixture.databasesYaml()).jobsYaml(jobYaml).write(dir);
        TestEnv.Run run = TestEnv.cli("--config", config.toString(), "archive", "--job", "schools", "--tenant", "13");
        assertEquals(2, run.exit(), run.toString());
        for (String e : expected) {
            assertTrue(run.err().contains(e), "'" + e + "' in\n" + run);
        }
        assertTrue(run.err().contains(config.toString()) || run.err().contains("--tenant"), run.toString());
        SchoolsFixture.assertEveryRowInItsTableOrOneBundle(List.of()).forEach((t, n) -> assertEquals(0L, n, t));
    }

    @Test
    void anUnknownDatabase() throws Exception {
        refused("        - table: tn.attempts\n          database: nowhere\n          where: \"true\"\n",
                "strata.jobs[0].tenant.tables[2].database \"nowhere\"", "is not a database of strata.databases");
    }

    @Test
    void aTableNoForeignKeyOrWhereConnects() throws Exception {
        refused("        - table: tn.unrelated\n", "strata.jobs[0].tenant.tables[2].table \"tn.unrelated\"",
                "no foreign key connects it");
    }

    @Test
    void aWhereThatDoesNotParse() throws Exception {
        refused("        - table: tn.unrelated\n          where: \"id IN (SELEC 1\"\n",
                "strata.jobs[0].tenant.tables[2].where \"id IN (SELEC 1\"", "does not prepare");
    }

    @Test
    void aWhereWithAParameterThatIsNeitherTheTenantNorAnEarlierTablesColumn() throws Exception {
        refused("        - table: tn.unrelated\n          where: \"id = :school\"\n", "tables[2].where", "parameter :school");
        refused("        - table: tn.unrelated\n          where: \"id = ANY(:tn.classrooms.nope)\"\n", "parameter :tn.classrooms.nope");
    }

    @Test
    void aCycleThatCannotBeOrdered() throws Exception {
        // students would come after donations (by its where) and donations after students (its foreign key).
        String job = SchoolsFixture.jobYaml("").replace("WHERE c.school_id = :tenant)",
                "WHERE c.school_id = :tenant) OR id = ANY(:tn.donations.student_id)");
        refusedJob(job, "cycle", "main:tn.students", "main:tn.donations");
    }

    @Test
    void anUnknownTenantIsRefusedBeforeAnyWhereRunsAndTheWhereIsPreparedNeverExecuted() throws Exception {
        String job = SchoolsFixture.jobYaml("        - table: tn.unrelated\n          where: \"id = nextval('tn.probe')\"\n");
        Path config = config().extraYaml(SchoolsFixture.databasesYaml()).jobsYaml(job).write(dir);
        TestEnv.Run run = TestEnv.cli("--config", config.toString(), "archive", "--job", "schools", "--tenant", "404");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("--tenant 404: no such tenant"), run.toString());
        assertEquals(0, TestEnv.count("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM tn.probe"),
                "validation prepared the where and never ran it");
        SchoolsFixture.assertEveryRowInItsTableOrOneBundle(List.of()).forEach((t, n) -> assertEquals(0L, n, t));
    }
}
