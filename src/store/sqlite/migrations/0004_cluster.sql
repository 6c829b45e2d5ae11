-- 0004_cluster: mirrors postgres/migrations/0004_cluster.sql. With SQLite one server holds the file, so
-- its namespace leases are always its own and requests are answered at once; the tables keep both
-- dialects passing one contract suite.
CREATE TABLE namespace_leases (
  namespace TEXT NOT NULL PRIMARY KEY,
  owner TEXT,
  epoch INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER
);

CREATE TABLE job_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  action_json TEXT NOT NULL,
  by_user TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  done_at INTEGER,
  error_json TEXT
);
CREATE INDEX job_requests_open ON job_requests (job_id, id) WHERE done_at IS NULL;
