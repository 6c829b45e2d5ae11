-- 0005_relay: tasks handed between servers. A job's owner offers the tasks its own workers have no room for;
-- any server with a free worker claims them (FOR UPDATE SKIP LOCKED), runs them there and stores the result
-- for the owner, who deletes the row once the host's outcome is written. Servers beat with the worker
-- capacity they have to spare, so an owner offers no more than the others can take.
CREATE TABLE relay_tasks (
  job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  host TEXT COLLATE "C" NOT NULL,
  attempt INTEGER NOT NULL,
  offered_at BIGINT NOT NULL,
  claimed_by TEXT COLLATE "C",
  worker TEXT,
  claimed_at BIGINT,
  cancel TEXT,
  result_json JSONB,
  PRIMARY KEY (job_id, host, attempt)
);
CREATE INDEX relay_tasks_offered ON relay_tasks (offered_at, job_id, host) WHERE claimed_by IS NULL;
CREATE INDEX relay_tasks_carrier ON relay_tasks (claimed_by) WHERE claimed_by IS NOT NULL;

CREATE TABLE dispatch_servers (
  name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  free INTEGER NOT NULL,
  offered INTEGER NOT NULL,
  seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
