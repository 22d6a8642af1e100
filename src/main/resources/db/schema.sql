-- Strata's own tables. Every statement is idempotent; the installer runs this file under an
-- advisory lock at start-up, with ${schema} replaced by strata.schema.

CREATE SCHEMA IF NOT EXISTS ${schema};

-- One row per run of a job: a scheduled run, an 'archive' command, a JMX runNow().
CREATE TABLE IF NOT EXISTS ${schema}.run (
    id                 bigserial PRIMARY KEY,
    job                text        NOT NULL,
    instance           text        NOT NULL,           -- host:pid of the process that ran it
    trigger            text        NOT NULL,           -- schedule | command | jmx
    started_at         timestamptz NOT NULL DEFAULT now(),
    ended_at           timestamptz,
    status             text        NOT NULL DEFAULT 'running'
                       CHECK (status IN ('running', 'succeeded', 'failed', 'partial', 'stopped')),
    partitions         integer     NOT NULL DEFAULT 0,  -- batches found due
    partitions_done    integer     NOT NULL DEFAULT 0,  -- batches archived (an object each)
    partitions_failed  integer     NOT NULL DEFAULT 0,
    partitions_skipped integer     NOT NULL DEFAULT 0,  -- held by another instance, or empty when reached
    rows_archived      bigint      NOT NULL DEFAULT 0,
    raw_bytes          bigint      NOT NULL DEFAULT 0,
    gzip_bytes         bigint      NOT NULL DEFAULT 0,
    error              text
);
CREATE INDEX IF NOT EXISTS run_job_started ON ${schema}.run (job, started_at DESC);

-- One row per archived object, inserted in the same transaction that deletes the object's rows.
CREATE TABLE IF NOT EXISTS ${schema}.manifest (
    id            bigserial PRIMARY KEY,
    job           text        NOT NULL,
    table_name    text        NOT NULL,           -- schema.table the rows came from
    tenant        text,                           -- null unless the job splits by tenant
    window_start  timestamptz NOT NULL,
    window_end    timestamptz NOT NULL,
    chunk         integer     NOT NULL,           -- 1, then 2, 3 ... for rows that arrive late
    bucket        text        NOT NULL,
    object_key    text        NOT NULL,
    format        text        NOT NULL CHECK (format IN ('csv', 'jsonl')),
    columns       jsonb       NOT NULL,           -- [{"name":..,"type":..}] in export order
    row_count     bigint      NOT NULL,
    raw_bytes     bigint      NOT NULL,           -- before gzip
    gzip_bytes    bigint      NOT NULL,           -- the object's size in S3
    sha256        text        NOT NULL,           -- of the object as S3 holds it (hex)
    deleted       boolean     NOT NULL,           -- false for export-only jobs (delete: false)
    export_ms     integer     NOT NULL,
    upload_ms     integer     NOT NULL,
    verify_ms     integer     NOT NULL,
    run_id        bigint      REFERENCES ${schema}.run (id),
    archived_at   timestamptz NOT NULL DEFAULT now(),
    state         text        NOT NULL DEFAULT 'archived' CHECK (state IN ('archived', 'restored')),
    restored_at   timestamptz,
    UNIQUE (bucket, object_key)
);
CREATE INDEX IF NOT EXISTS manifest_job_window ON ${schema}.manifest (job, window_start);

-- The version of the object's format (see JobConfig.Format): objects archived before it was recorded are
-- version 1. ALTER TABLE waits for every transaction that uses the table, IF NOT EXISTS or not, so it runs
-- only while the column is missing: a start must not wait for the batches other instances have in flight.
DO '
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = ''${schema}.manifest''::regclass
                   AND attname = ''format_version'' AND NOT attisdropped) THEN
        ALTER TABLE ${schema}.manifest ADD COLUMN IF NOT EXISTS format_version integer NOT NULL DEFAULT 1;
    END IF;
END';

-- One row per object that 'restore' loaded into a table: the table it was archived from (the manifest
-- row's state turns 'restored' in the same transaction), or another one named with --into. An object
-- is loaded into a given table at most once; a table dropped and created again is a new table (oid).
CREATE TABLE IF NOT EXISTS ${schema}.restore (
    id           bigserial PRIMARY KEY,
    manifest_id  bigint      NOT NULL REFERENCES ${schema}.manifest (id) ON DELETE CASCADE,
    target       text        NOT NULL,           -- schema.table the rows went into
    target_oid   oid         NOT NULL,
    rows         bigint      NOT NULL,
    millis       integer     NOT NULL,
    instance     text        NOT NULL,           -- host:pid of the process that restored it
    restored_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (manifest_id, target_oid)
);

-- This installation: one row, made on first start. Its id goes into every object's metadata
-- (x-amz-meta-strata-installation, beside x-amz-meta-strata-job), so that the bucket says who wrote what.
CREATE TABLE IF NOT EXISTS ${schema}.installation (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at  timestamptz NOT NULL DEFAULT now(),
    one         boolean     NOT NULL DEFAULT true UNIQUE CHECK (one)
);
INSERT INTO ${schema}.installation DEFAULT VALUES ON CONFLICT DO NOTHING;

-- Keys a batch claimed before its upload, committed on their own before the object is written; the batch
-- that commits its manifest row deletes its claim in the same transaction. A claim without a manifest row
-- is a batch that did not commit: the object at its key (if any) is an orphan of this installation, which
-- the next batch of that key may write over. An object at a key with neither is someone else's.
CREATE TABLE IF NOT EXISTS ${schema}.claim (
    bucket      text        NOT NULL,
    object_key  text        NOT NULL,
    job         text        NOT NULL,
    run_id      bigint,
    claimed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bucket, object_key)
);

-- What kind of unit the object holds: 'rows' (a window of rows, deleted), 'offload' (columns of a window's
-- rows, set to NULL while the rows stay), 'tenant' (a bundle: a root row and its dependents, across
-- databases), 'bundle' (a window's rows and their dependents: a time job with tables:). Added while missing
-- only, as format_version is.
DO '
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = ''${schema}.manifest''::regclass
                   AND attname = ''kind'' AND NOT attisdropped) THEN
        ALTER TABLE ${schema}.manifest ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT ''rows''
            CHECK (kind IN (''rows'', ''offload'', ''tenant'', ''bundle''));
    END IF;
END';

-- A schema from before window bundles: its check of kind widened to take 'bundle'.
DO '
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ''${schema}.manifest''::regclass
               AND conname = ''manifest_kind_check'' AND pg_get_constraintdef(oid) NOT LIKE ''%bundle%'') THEN
        ALTER TABLE ${schema}.manifest DROP CONSTRAINT manifest_kind_check,
            ADD CONSTRAINT manifest_kind_check CHECK (kind IN (''rows'', ''offload'', ''tenant'', ''bundle''));
    END IF;
END';

-- What an object's unit freed in its source table, in bytes as PostgreSQL stored the values (TOAST and its
-- compression included): for offload objects, the sum of pg_column_size of the offloaded values; null for the
-- other kinds. Added while missing only, as format_version is.
DO '
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = ''${schema}.manifest''::regclass
                   AND attname = ''source_bytes'' AND NOT attisdropped) THEN
        ALTER TABLE ${schema}.manifest ADD COLUMN IF NOT EXISTS source_bytes bigint;
    END IF;
END';

-- Each object's key range, for reading one archived row without a restore (get): the key column (the job's
-- key, or the table's one-column primary key), the least and greatest key of the object's rows as text, and,
-- for integer and numeric keys, as numbers (ordered by value, not as text). Text and uuid keys are ordered by
-- their bytes: look-ups compare them COLLATE "C". NULL ranges: no key column, or objects from before ranges
-- were recorded. Added while missing only, as format_version is; so are their indexes.
DO '
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = ''${schema}.manifest''::regclass
                   AND attname = ''key_max_num'' AND NOT attisdropped) THEN
        ALTER TABLE ${schema}.manifest ADD COLUMN IF NOT EXISTS key_column text,
            ADD COLUMN IF NOT EXISTS key_min text, ADD COLUMN IF NOT EXISTS key_max text,
            ADD COLUMN IF NOT EXISTS key_min_num numeric, ADD COLUMN IF NOT EXISTS key_max_num numeric;
        CREATE INDEX IF NOT EXISTS manifest_job_key_num ON ${schema}.manifest (job, key_max_num, key_min_num)
            WHERE key_max_num IS NOT NULL;
        CREATE INDEX IF NOT EXISTS manifest_job_key_text ON ${schema}.manifest (job, (key_max COLLATE "C"), (key_min COLLATE "C"))
            WHERE key_max IS NOT NULL AND key_max_num IS NULL;
        CREATE INDEX IF NOT EXISTS manifest_job_no_key ON ${schema}.manifest (job) WHERE key_min IS NULL;
    END IF;
END';

-- Tenant bundles (kind 'tenant', README: Whole tenants): the bundle's tables (database, table, rows, deleted,
-- kept), the time to extract it and to test-restore it (null when the job's testRestore is off). Added while
-- missing only, as format_version is.
DO '
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = ''${schema}.manifest''::regclass
                   AND attname = ''test_restore_ms'' AND NOT attisdropped) THEN
        ALTER TABLE ${schema}.manifest ADD COLUMN IF NOT EXISTS tables jsonb,
            ADD COLUMN IF NOT EXISTS extract_ms integer, ADD COLUMN IF NOT EXISTS test_restore_ms integer;
    END IF;
END';

-- Rows of a tenant bundle in a database other than the main one, whose delete had not committed when the
-- bundle's manifest row did (docs/tenants.md): written in the transaction of that manifest row, with the
-- exact keys (and each row's digest) to delete; the delete in the other database commits next, then this row
-- goes. A row left here (kill -9 between the two commits) is completed by the next tenant run (and verify).
CREATE TABLE IF NOT EXISTS ${schema}.tenant_pending (
    id           bigserial   PRIMARY KEY,
    manifest_id  bigint      NOT NULL REFERENCES ${schema}.manifest (id),
    database     text        NOT NULL,
    table_name   text        NOT NULL,           -- schema.table in that database
    key_columns  jsonb       NOT NULL,           -- ["id"]: the table's primary key
    keys         jsonb       NOT NULL,           -- [[key values..., row digest], ...] (at most 10,000 per row)
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS tenant_pending_manifest ON ${schema}.tenant_pending (manifest_id);
