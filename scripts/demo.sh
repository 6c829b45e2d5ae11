#!/usr/bin/env bash
# The README's main command: install what is needed, then preview and simulate a rollout of the example farm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
echo "== the plan (pogo schedule examples/web.yaml)"
node bin/pogo.js schedule examples/web.yaml
echo
echo "== a simulated rollout with one failing front end (pogo simulate)"
node bin/pogo.js simulate examples/web.yaml --targets '$colo' --duration 30s --fail web03.example.com --max-failures 2 || true
