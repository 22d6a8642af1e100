package io.strata.tenant;

import io.strata.testing.StrataTestCase;
import io.strata.testing.TestEnv;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test over the seed-shaped schools schema ({@link SchoolsFixture}): the main database's tables made anew before
 * each test, the second database's dropped after each and the database itself after the class.
 */
abstract class SchoolsTestCase extends StrataTestCase {

    @BeforeEach
    void createSchools() throws Exception {
        TestEnv.resetSchema("tn");
        TestEnv.resetSchema("tn_before");
        SchoolsFixture.create();
    }

    @AfterEach
    void dropShard() {
        SchoolsFixture.drop();
    }

    @AfterAll
    static void dropShardDatabase() {
        SchoolsFixture.dropDatabase();
    }

    /** The config of the schools job, with the second database. */
    Path schoolsConfig() {
        return config().extraYaml(SchoolsFixture.databasesYaml()).jobsYaml(SchoolsFixture.jobYaml("")).write(dir);
    }
}
