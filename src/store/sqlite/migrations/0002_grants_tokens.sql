-- 0002_grants_tokens: roles per namespace (`*` = every namespace), token ids, expiry, revocation, last use;
-- users can be revoked (disabled). The global role of 0001 becomes a `*` grant; users.role stays, unread.

CREATE TABLE grants (
  user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  namespace TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_name, namespace)
) WITHOUT ROWID;

INSERT INTO grants (user_name, namespace, role, created_at) SELECT name, '*', role, created_at FROM users;

ALTER TABLE users ADD COLUMN disabled_at INTEGER;

-- A short public id per token (shown in lists, used to revoke it); old tokens get a prefix of their hash,
-- which names no secret (the hash of a 256-bit random token).
ALTER TABLE tokens ADD COLUMN id TEXT;
ALTER TABLE tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE tokens ADD COLUMN revoked_at INTEGER;
ALTER TABLE tokens ADD COLUMN last_used_at INTEGER;
UPDATE tokens SET id = substr(hash, 1, 10);
CREATE UNIQUE INDEX tokens_id ON tokens (id);
CREATE INDEX tokens_user ON tokens (user_name);
