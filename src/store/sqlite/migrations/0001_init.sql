-- 0001_init: jobs and their hosts, the append-only event log, chunked output, namespace configs, users, tokens, audit.

CREATE TABLE jobs (
  id TEXT NOT NULL PRIMARY KEY,
  namespace TEXT NOT NULL,
  user_name TEXT NOT NULL,
  command TEXT NOT NULL,
  targets TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER,
  config_version INTEGER,
  options_json TEXT NOT NULL,
  host_count INTEGER NOT NULL,
  counts_json TEXT NOT NULL,
  rollback_of TEXT REFERENCES jobs (id),
  lease_owner TEXT,
  lease_epoch INTEGER NOT NULL DEFAULT 0,
  lease_expires_at INTEGER
);
CREATE INDEX jobs_newest ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_user_newest ON jobs (user_name, created_at DESC, id DESC);
CREATE INDEX jobs_state ON jobs (state);

-- One row per host of a job, clustered in plan order. The (host, job_id) key is how progress finds a row
-- and also serves a host's history and the jobs-with-this-host filter (one index instead of two).
CREATE TABLE hosts (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  host TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'waiting',
  attempt INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER,
  ended_at INTEGER,
  exit_code INTEGER,
  signal TEXT,
  message TEXT NOT NULL DEFAULT '',
  error_code TEXT,
  worker TEXT,
  output_bytes INTEGER NOT NULL DEFAULT 0,
  truncated INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (job_id, idx),
  UNIQUE (host, job_id)
) WITHOUT ROWID;

-- The append-only log of a job; the payload beyond the indexed columns is JSON.
CREATE TABLE events (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  t INTEGER NOT NULL,
  type TEXT NOT NULL,
  host TEXT,
  data_json TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

-- Output chunks of a host attempt; data last so range scans need not read the blobs.
CREATE TABLE output (
  job_id TEXT NOT NULL,
  host TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  byte_offset INTEGER NOT NULL,
  t INTEGER NOT NULL,
  stream TEXT NOT NULL,
  source TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (job_id, host, attempt, seq),
  FOREIGN KEY (job_id, host) REFERENCES hosts (job_id, host) ON DELETE CASCADE
);

CREATE TABLE namespaces (
  namespace TEXT NOT NULL,
  version INTEGER NOT NULL,
  text TEXT NOT NULL,
  user_name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, version)
);

CREATE TABLE users (
  name TEXT NOT NULL PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  created_at INTEGER NOT NULL
);

-- Tokens by sha256 hash only: the secret never reaches the database.
CREATE TABLE tokens (
  hash TEXT NOT NULL PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  t INTEGER NOT NULL,
  user_name TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL,
  remote TEXT NOT NULL
);
CREATE INDEX audit_subject ON audit (subject, id);
CREATE INDEX audit_user ON audit (user_name, id);
