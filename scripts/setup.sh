#!/usr/bin/env bash
# Installs what Pogo needs on a fresh Debian machine: Node packages (npm ci) and, when root, Debian packages.
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "pogo: Node.js >= 20 is required (found $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# Debian packages the later suites use (the SSH lab, Chromium) are added here as they land; PostgreSQL below.
# The SSH lab (docs/lab.md): sshd and ssh/ssh-keygen, sudo (the lab user's sudo tests), pdsh and ansible
# (the lab's tests drive them as other tools would; ansible-inventory is the oracle of the inventory tests);
# chromium for the web UI's browser tests and `npm run bench:ui` (driven by playwright-core: no browser is
# downloaded); zsh and fish (their completion scripts are checked by their parsers).
POGO_DEBIAN_PACKAGES=${POGO_DEBIAN_PACKAGES:-openssh-server openssh-client sudo pdsh ansible time chromium zsh fish}
if [ -n "$POGO_DEBIAN_PACKAGES" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=$(for p in $POGO_DEBIAN_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
  if [ -n "$missing" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  fi
fi

# PostgreSQL for the PostgreSQL store's tests (test/store/postgres.test.ts, test/server-postgres.test.ts):
# installed when missing, the cluster started when it does not answer, and the tests' database created.
# The tests use POGO_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test); for that default, a
# loopback-only trust rule for the `test` database is added: this is for throwaway test machines.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ "${POGO_SKIP_POSTGRES:-}" != 1 ]; then
  if ! dpkg -s postgresql >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  pg_version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$pg_version" ]; then
    if ! pg_isready -q -h 127.0.0.1; then
      pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
      for _ in $(seq 50); do pg_isready -q -h 127.0.0.1 && break; sleep 0.2; done
    fi
    if [ -z "${POGO_TEST_PG_URL:-}" ]; then
      hba="/etc/postgresql/$pg_version/main/pg_hba.conf"
      if [ -f "$hba" ] && ! grep -qE '^host[[:space:]]+(test|all)[[:space:]]+(postgres|all)[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
        sed -i '1i host test postgres 127.0.0.1/32 trust # pogo tests (scripts/setup.sh)' "$hba"
        echo "pogo setup: PostgreSQL trusts postgres@127.0.0.1 on database test (for the tests)" >&2
        runuser -u postgres -- psql -q -c 'SELECT pg_reload_conf()' >/dev/null
      fi
      if ! runuser -u postgres -- psql -Atqc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1; then
        runuser -u postgres -- createdb test
      fi
    fi
  fi
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
