-- 0004_cluster: several servers on one database. One dispatcher at a time decides for every running job
-- of a namespace (its namespace lease), so the namespace's constraint ledger is whole in one memory;
-- operator requests (halt, resume, retry, skip) made on any server wait here for the job's owner.
CREATE TABLE namespace_leases (
  namespace TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  owner TEXT,
  epoch BIGINT NOT NULL DEFAULT 0,
  expires_at BIGINT
);

CREATE TABLE job_requests (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  action_json JSONB NOT NULL,
  by_user TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  done_at BIGINT,
  error_json JSONB
);
CREATE INDEX job_requests_open ON job_requests (job_id, id) WHERE done_at IS NULL;
