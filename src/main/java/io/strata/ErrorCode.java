package io.strata;

/**
 * Error codes an operator can look up in the README's troubleshooting table. Codes of bad input exit
 * with 2 and change nothing; codes of a failure at run time exit with 1.
 */
public enum ErrorCode {
    /** Command-line arguments that do not parse. */
    BAD_ARGUMENT(2),
    /** The configuration file is missing, is not YAML, or has a key or value that is not valid. */
    CONFIG_INVALID(2),
    /** A job names a table that does not exist. */
    UNKNOWN_TABLE(2),
    /** A job names a column that the table does not have, or one of an unsupported type. */
    UNKNOWN_COLUMN(2),
    /** The database cannot be reached. */
    DB_CONNECTION(2),
    /** The database refused the user or password. */
    DB_AUTH(2),
    /** The S3 endpoint cannot be reached. */
    S3_CONNECTION(2),
    /** S3 refused the credentials. */
    S3_AUTH(2),
    /** The bucket does not exist and {@code createBucket} is false. */
    S3_NO_BUCKET(2),
    /**
     * Another table references the job's table with ON DELETE CASCADE, SET NULL or SET DEFAULT, and the
     * job does not accept it: archiving would delete or change rows that are in no object.
     */
    REFERENCED_TABLE(2),
    /**
     * The job's table has an ON DELETE rule or an INSTEAD OF DELETE trigger: its DELETE would become another
     * statement, so the rows deleted would not be the rows exported.
     */
    DELETE_RULE(2),
    /** An upload to S3 failed part way. */
    S3_UPLOAD(1),
    /** What S3 holds differs from what was written (size or SHA-256). */
    CHECKSUM_MISMATCH(1),
    /** Exporting rows from PostgreSQL failed. */
    EXPORT_FAILED(1),
    /** The job is already running in this process; the new run did not start. */
    JOB_BUSY(1),
    /** The key a batch would write holds an object that no manifest lists and this installation did not write. */
    KEY_TAKEN(1),
    /** Any other failure while a batch ran. */
    BATCH_FAILED(1),
    /** A manifest lists an object (or sidecar) that S3 does not hold. */
    OBJECT_MISSING(1),
    /** An object differs from its manifest (size, SHA-256), or does not parse to the rows the manifest lists. */
    OBJECT_CORRUPT(1),
    /** S3 holds an archive object that no manifest lists: left by a run that did not commit. */
    OBJECT_ORPHAN(1),
    /** Loading a sound object into its table failed (a constraint, a column the table lacks); nothing of it stayed. */
    RESTORE_FAILED(1),
    /** A tenant bundle's test restore did not give back the rows that were exported; nothing was deleted. */
    TEST_RESTORE_FAILED(1);

    private final int exitCode;

    ErrorCode(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
