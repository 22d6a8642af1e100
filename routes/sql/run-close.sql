-- Closes the run log row of a run: the archive route's step run-close, after its last batch ended.
-- ${schema} is strata.schema (quoted); :#name are the values the route passes (JobRunner.closeRow).
-- A run the service was stopped in closes as 'stopped'; one whose process died stays 'running' until the
-- next run of its job on this host closes it as failed.
UPDATE ${schema}.run
   SET ended_at = now(), status = :#status, partitions_done = :#done, partitions_failed = :#failed,
       partitions_skipped = :#skipped, rows_archived = :#rows, raw_bytes = :#rawBytes, gzip_bytes = :#gzipBytes,
       error = :#error
 WHERE id = :#id
