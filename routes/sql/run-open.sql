-- Opens the run log row of a run of a job: the archive route's step run-open, before its batches begin.
-- ${schema} is strata.schema (quoted); :#name are the values the route passes (JobRunner.runRow).
-- Returns the run's id, which every manifest row of the run refers to.
INSERT INTO ${schema}.run (job, instance, trigger, partitions)
VALUES (:#job, :#instance, :#trigger, :#partitions)
RETURNING id
