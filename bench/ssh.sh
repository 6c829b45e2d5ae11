#!/usr/bin/env bash
# Side by side on one SSH lab: pogo one (ssh2 transport) vs pdsh vs Ansible ad-hoc (raw and command).
# Wall time, client CPU per host, peak client memory (PSS of the whole process tree), and ratios.
# Usage: npm run bench:ssh   (HOSTS=1000 FANOUT=200 COMMANDS="true|sleep 1" TOOLS="pogo pdsh raw command")
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
HOSTS=${HOSTS:-1000}
FANOUT=${FANOUT:-200}
IFS='|' read -r -a COMMANDS <<<"${COMMANDS:-true|sleep 1}"
TOOLS=" ${TOOLS:-pogo pdsh raw command} "
want() { [[ "$TOOLS" == *" $1 "* ]]; }

for tool in pdsh ansible /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (run bash scripts/setup.sh as root)" >&2; exit 1; }
done
npm run --silent build
lab=$(mktemp -d /tmp/pogo-bench.XXXXXX)
chmod 755 "$lab"
results="$lab/results.jsonl"
cleanup() { node bin/pogo.js lab down --dir "$lab" >/dev/null 2>&1 || true; rm -rf "$lab"; }
trap cleanup EXIT
node bin/pogo.js lab up --hosts "$HOSTS" --dir "$lab" >/dev/null
pogo=(node dist/cli/main.js)
measure() { npx tsx bench/measure.ts "$@" >>"$results"; }
# OpenSSH 9.2 negotiates sntrup761x25519 by default, ~70 ms more client CPU per session than curve25519,
# which is what ssh2 (Pogo) uses: pin curve25519 for the OpenSSH-based peers so the comparison is fair.
kex='-o KexAlgorithms=curve25519-sha256'
export ANSIBLE_SSH_ARGS="-o ControlMaster=no $kex" ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_LOAD_CALLBACK_PLUGINS=0

for cmd in "${COMMANDS[@]}"; do
  echo "bench: '$cmd' on $HOSTS hosts, fan-out $FANOUT" >&2
  want pogo && measure "pogo|$cmd" -- "${pogo[@]}" one --ssh-config "$lab/ssh_config" -t "@$lab/hosts" --max-parallel "$FANOUT" \
    --connect-rate 1000 --no-hooks --json -- "$cmd"
  want pdsh && measure "pdsh|$cmd" -- env PDSH_SSH_ARGS_APPEND="-F $lab/ssh_config $kex" pdsh -R ssh -f "$FANOUT" -w "^$lab/hosts" "$cmd"
  want raw && measure "ansible raw|$cmd" -- ansible -i "$lab/inventory.ini" lab -m raw -a "$cmd" -f "$FANOUT"
  want command && measure "ansible command|$cmd" -- ansible -i "$lab/inventory.ini" lab -m command -a "$cmd" -f "$FANOUT"
done
npx tsx bench/ssh-report.ts "$results" "$HOSTS" "$FANOUT"
[ -z "${BENCH_KEEP:-}" ] || cp "$results" "$BENCH_KEEP"
