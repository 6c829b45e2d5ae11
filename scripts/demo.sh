#!/usr/bin/env bash
# The README's main command: install what is needed, start an SSH lab of 20 hosts on this machine,
# show the plan, and run a real rollout on it with pogo one (caches first, half a rack at a time).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
lab=${POGO_DEMO_LAB:-/tmp/pogo-demo-lab}
node bin/pogo.js lab down --dir "$lab" >/dev/null 2>&1 || true
mkdir -p "$lab" && chmod 755 "$lab"
trap 'node bin/pogo.js lab down --dir "$lab" >/dev/null 2>&1 || true' EXIT
node bin/pogo.js lab up --hosts 20 --dir "$lab" >/dev/null
echo "== the plan: pogo schedule $lab/pogo.yaml"
node bin/pogo.js schedule "$lab/pogo.yaml"
echo
echo "== a real rollout over SSH: pogo one -c $lab/pogo.yaml -- 'sleep 1; uptime'"
node bin/pogo.js one -c "$lab/pogo.yaml" --ssh-config "$lab/ssh_config" --output -- 'sleep 1; uptime' || true
echo
echo "The web UI comes with pogo server (next step); the lab stops now (pogo lab down --dir $lab)."
