#!/usr/bin/env bash
# The README's test command: install what is needed, then run every check and every test suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
npm run --silent check
npx vitest run --reporter=default
