-- 0001_init: jobs and their hosts, the append-only event log, chunked output, namespace configs, users, tokens, audit.
-- Mirrors sqlite/migrations/0001_init.sql column for column. Times and ids are BIGINT (ms), output BYTEA,
-- JSON payloads JSONB. Keys and names sort byte-wise (COLLATE "C"), as SQLite's BINARY collation does,
-- so ordering and page cursors mean the same whatever the database's locale.

CREATE TABLE jobs (
  id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  namespace TEXT COLLATE "C" NOT NULL,
  user_name TEXT COLLATE "C" NOT NULL,
  command TEXT NOT NULL,
  targets TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  ended_at BIGINT,
  config_version INTEGER,
  options_json JSONB NOT NULL,
  host_count INTEGER NOT NULL,
  counts_json JSONB NOT NULL,
  rollback_of TEXT COLLATE "C" REFERENCES jobs (id),
  lease_owner TEXT,
  lease_epoch BIGINT NOT NULL DEFAULT 0,
  lease_expires_at BIGINT
);
CREATE INDEX jobs_newest ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_user_newest ON jobs (user_name, created_at DESC, id DESC);
CREATE INDEX jobs_state ON jobs (state);

-- One row per host of a job in plan order. The (host, job_id) key is how progress finds a row and also
-- serves a host's history and the jobs-with-this-host filter.
CREATE TABLE hosts (
  job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  host TEXT COLLATE "C" NOT NULL,
  state TEXT NOT NULL DEFAULT 'waiting',
  attempt INTEGER NOT NULL DEFAULT 0,
  started_at BIGINT,
  ended_at BIGINT,
  exit_code INTEGER,
  signal TEXT,
  message TEXT NOT NULL DEFAULT '',
  error_code TEXT,
  worker TEXT,
  output_bytes BIGINT NOT NULL DEFAULT 0,
  truncated BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (job_id, idx),
  UNIQUE (host, job_id)
);

-- The append-only log of a job; the payload beyond the indexed columns is JSON.
CREATE TABLE events (
  job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  t BIGINT NOT NULL,
  type TEXT NOT NULL,
  host TEXT COLLATE "C",
  data_json JSONB NOT NULL,
  PRIMARY KEY (job_id, seq)
);

-- Output chunks of a host attempt.
CREATE TABLE output (
  job_id TEXT COLLATE "C" NOT NULL,
  host TEXT COLLATE "C" NOT NULL,
  attempt INTEGER NOT NULL,
  seq BIGINT NOT NULL,
  byte_offset BIGINT NOT NULL,
  t BIGINT NOT NULL,
  stream TEXT NOT NULL,
  source TEXT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (job_id, host, attempt, seq),
  FOREIGN KEY (job_id, host) REFERENCES hosts (job_id, host) ON DELETE CASCADE
);

CREATE TABLE namespaces (
  namespace TEXT COLLATE "C" NOT NULL,
  version INTEGER NOT NULL,
  text TEXT NOT NULL,
  user_name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (namespace, version)
);

CREATE TABLE users (
  name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  created_at BIGINT NOT NULL
);

-- Tokens by sha256 hash only: the secret never reaches the database.
CREATE TABLE tokens (
  hash TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  user_name TEXT COLLATE "C" NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  label TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE audit (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  t BIGINT NOT NULL,
  user_name TEXT COLLATE "C" NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  subject TEXT COLLATE "C" NOT NULL,
  detail TEXT NOT NULL,
  remote TEXT NOT NULL
);
CREATE INDEX audit_subject ON audit (subject, id);
CREATE INDEX audit_user ON audit (user_name, id);
