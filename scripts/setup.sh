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

# Debian packages the later suites use (the SSH lab, PostgreSQL, Chromium) are added here as they land.
# The SSH lab (docs/lab.md): sshd and ssh/ssh-keygen, sudo (the lab user's sudo tests), pdsh and ansible
# (the lab's tests drive them as other tools would).
POGO_DEBIAN_PACKAGES=${POGO_DEBIAN_PACKAGES:-openssh-server openssh-client sudo pdsh ansible time}
if [ -n "$POGO_DEBIAN_PACKAGES" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=$(for p in $POGO_DEBIAN_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
  if [ -n "$missing" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  fi
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
