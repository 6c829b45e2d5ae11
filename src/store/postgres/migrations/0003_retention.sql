-- Retention: a finished job's events and output may be pruned; the job row, its host rows and the audit stay.
-- pruned_seq keeps the last event number, so events of a job revived later go on from there.
ALTER TABLE jobs ADD COLUMN pruned_at BIGINT;
ALTER TABLE jobs ADD COLUMN pruned_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX jobs_prunable ON jobs (ended_at) WHERE pruned_at IS NULL AND ended_at IS NOT NULL;
