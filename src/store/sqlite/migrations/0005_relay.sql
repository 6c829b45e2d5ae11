-- 0005_relay: mirrors postgres/migrations/0005_relay.sql. With SQLite one server holds the file and relays
-- nothing; the tables keep both dialects passing one contract suite.
CREATE TABLE relay_tasks (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  host TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  offered_at INTEGER NOT NULL,
  claimed_by TEXT,
  worker TEXT,
  claimed_at INTEGER,
  cancel TEXT,
  result_json TEXT,
  PRIMARY KEY (job_id, host, attempt)
);
CREATE INDEX relay_tasks_offered ON relay_tasks (offered_at, job_id, host) WHERE claimed_by IS NULL;
CREATE INDEX relay_tasks_carrier ON relay_tasks (claimed_by) WHERE claimed_by IS NOT NULL;

CREATE TABLE dispatch_servers (
  name TEXT NOT NULL PRIMARY KEY,
  free INTEGER NOT NULL,
  offered INTEGER NOT NULL,
  seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
