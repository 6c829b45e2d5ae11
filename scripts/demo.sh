#!/usr/bin/env bash
# The README's main command: install what is needed, start an SSH lab of 20 hosts on this machine, start
# `pogo server` (SQLite, embedded worker) on it, and run a real rollout with `pogo run` (caches first,
# within the config's limits), then show the job's status, a host's output, where the API and the web UI are.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
# The web UI, built when web/ changed since the last build (pogo server serves dist/web at /).
npx tsx scripts/build-web.ts
lab=${POGO_DEMO_LAB:-/tmp/pogo-demo-lab}
data=$(mktemp -d /tmp/pogo-demo-data.XXXXXX)
pogo() { node bin/pogo.js "$@"; }
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  pogo lab down --dir "$lab" >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT
pogo lab down --dir "$lab" >/dev/null 2>&1 || true
mkdir -p "$lab" && chmod 755 "$lab"
pogo lab up --hosts 20 --dir "$lab" >/dev/null

echo "== pogo server on SQLite ($data), embedded worker over SSH to the lab"
# Its own config home: the demo does not write your ~/.config/pogo/config.yaml.
XDG_CONFIG_HOME="$data/config" node bin/pogo.js server --data "$data/server" --listen 127.0.0.1:0 \
  --ssh-config "$lab/ssh_config" >"$data/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do grep -q 'API http' "$data/server.log" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*API \(http[^ ]*\).*/\1/p' "$data/server.log" | head -1)
[ -n "$url" ] || { cat "$data/server.log"; exit 1; }
export POGO_SERVER=$url
POGO_TOKEN=$(cat "$data/server/admin.token")
export POGO_TOKEN
echo "   API $url (token in $data/server/admin.token)"
echo
echo "== the plan: pogo schedule $lab/pogo.yaml"
pogo schedule "$lab/pogo.yaml"
echo
echo "== pogo config push lab $lab/pogo.yaml"
pogo config push lab "$lab/pogo.yaml"
echo
echo "== a real rollout over SSH: pogo run -n lab -t '\$lab' -- 'sleep 1; uptime'"
pogo run -n lab -t '$lab' -- 'sleep 1; uptime' || true
echo
echo "== pogo status last; pogo log last lab-0001"
pogo status last || true
pogo log last lab-0001 || true
echo
echo "The API is at $url (OpenAPI: $url/v1/openapi.json; metrics: $url/metrics)."
echo "The web UI is at $url/ : log in with the admin token, $POGO_TOKEN"
echo "  (it is in $data/server/admin.token; the job above is at $url/jobs/last)."
if [ -t 0 ]; then
  read -r -p "The server keeps running for you to try pogo jobs/status/log (POGO_SERVER and POGO_TOKEN as above). Press Enter to stop. " _
fi
