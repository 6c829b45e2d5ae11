-- 0002_grants_tokens: roles per namespace (`*` = every namespace), token ids, expiry, revocation, last use;
-- users can be revoked (disabled). The global role of 0001 becomes a `*` grant; users.role stays, unread.
-- Mirrors sqlite/migrations/0002_grants_tokens.sql.

CREATE TABLE grants (
  user_name TEXT COLLATE "C" NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  namespace TEXT COLLATE "C" NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_name, namespace)
);

INSERT INTO grants (user_name, namespace, role, created_at) SELECT name, '*', role, created_at FROM users;

ALTER TABLE users ADD COLUMN disabled_at BIGINT;

-- A short public id per token (shown in lists, used to revoke it); old tokens get a prefix of their hash,
-- which names no secret (the hash of a 256-bit random token).
ALTER TABLE tokens ADD COLUMN id TEXT COLLATE "C";
ALTER TABLE tokens ADD COLUMN expires_at BIGINT;
ALTER TABLE tokens ADD COLUMN revoked_at BIGINT;
ALTER TABLE tokens ADD COLUMN last_used_at BIGINT;
UPDATE tokens SET id = substr(hash, 1, 10);
CREATE UNIQUE INDEX tokens_id ON tokens (id);
CREATE INDEX tokens_user ON tokens (user_name);
