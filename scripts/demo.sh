#!/usr/bin/env bash
# `make demo`: a Temporal dev server, a worker, and the pipeline on the example task
# repository, started from the Python, Go and TypeScript starters. Stops (by PID)
# everything it started, however it ends.
#
#   EXECUTOR=local (default)  tasks run on this host (no cloud)
#   EXECUTOR=skypilot         tasks go to the SkyPilot API server the worker is configured
#                             for (e.g. the local Slurm cluster: make slurm-up)
#   DEMO_TEMPORAL_PORT / DEMO_UI_PORT   dev server ports (default 7233 / 8233)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
executor="${EXECUTOR:-local}"
port="${DEMO_TEMPORAL_PORT:-7233}"
ui_port="${DEMO_UI_PORT:-8233}"
run="$(mktemp -d /tmp/skypilot-temporal-demo.XXXXXX)"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_local_agent
  echo "demo: stopped what it started; logs kept in $run"
}

# The local executor's agent, which the worker started for the demo's work dir, leaves
# by itself a minute after its last cluster. With no cluster left it is stopped now (by
# its PID file, checked against its command line); with clusters left it stays, as
# their autodown.
stop_local_agent() {
  local dir="$run/work/local" apid
  [ -f "$dir/agent.pid" ] && [ -z "$(ls -A "$dir/clusters" 2>/dev/null)" ] || return 0
  apid="$(cat "$dir/agent.pid")"
  if tr '\0' ' ' <"/proc/$apid/cmdline" 2>/dev/null | grep -q " agent $dir"; then
    kill "$apid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "demo: 127.0.0.1:$port is already in use; set DEMO_TEMPORAL_PORT" >&2
  exit 1
fi

echo "demo: Temporal dev server on 127.0.0.1:$port (UI http://127.0.0.1:$ui_port)"
.venv/bin/temporal server start-dev --ip 127.0.0.1 --port "$port" --ui-port "$ui_port" \
  --log-level error --db-filename "$run/temporal.db" >"$run/temporal.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.2
done

# The example tasks as a throw-away git repository (the worker clones it). On real
# SkyPilot (Slurm) the clusters share data through a host directory, locally through
# a bucket directory.
if [[ "$executor" == skypilot ]]; then
  cp -r examples/slurm "$run/tasks"
  data_env() { echo "DATA_DIR=${LOCAL_SLURM_DIR:-/tmp/skypilot-temporal-slurm}/data/$(basename "$run")-$1"; }
else
  cp -r examples/ml-pipeline "$run/tasks"
  data_env() { echo "DATA_BUCKET_NAME=demo-$1"; }
fi
git -C "$run/tasks" init -q -b main
git -C "$run/tasks" add -A
git -C "$run/tasks" -c user.email=demo@localhost -c user.name=demo commit -qm "example tasks"

export TEMPORAL_ADDRESS="127.0.0.1:$port" TEMPORAL_NAMESPACE=default
export TEMPORAL_UI_URL="http://127.0.0.1:$ui_port"
echo "demo: worker with the $executor executor (log: $run/worker.log)"
# The worker hands a run only the secrets its operator allows: here, the one the demo
# passes (the starters name it; no log or history shows its value).
SKYPILOT_TEMPORAL_EXECUTOR="$executor" SKYPILOT_TEMPORAL_ALLOW_LOCAL_REPOS=1 \
  SKYPILOT_TEMPORAL_WORK_DIR="$run/work" SKYPILOT_DISABLE_USAGE_COLLECTION=1 \
  DEMO_API_TOKEN="demo-secret-value" SKYPILOT_TEMPORAL_SECRET_ALLOWLIST=DEMO_API_TOKEN \
  .venv/bin/skypilot-temporal-worker >"$run/worker.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  grep -q "worker ready" "$run/worker.log" 2>/dev/null && break
  sleep 0.2
done

common=(--repo "$run/tasks" --secret-env DEMO_API_TOKEN)
echo; echo "== Python starter"
.venv/bin/skypilot-temporal-start "${common[@]}" --env "$(data_env python)"
echo; echo "== Go starter"
go run ./go-starter "${common[@]}" --env "$(data_env go)"
echo; echo "== TypeScript starter"
npx ts-node ts-starter/start.ts "${common[@]}" --env "$(data_env ts)"
echo
if [[ "$executor" == local ]]; then
  echo "demo: evaluation reports written through the buckets:"
  for lang in python go ts; do
    echo "  demo-$lang: $(tr '\n' ' ' < "$run/work/local/buckets/demo-$lang/evaluation_report.txt")"
  done
  left=$(ls "$run/work/local/clusters" 2>/dev/null | wc -l)
  echo "demo: clusters left: $left"
fi
