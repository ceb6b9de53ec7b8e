#!/usr/bin/env bash
# Runs a command with the local Slurm cluster and SkyPilot API server up
# (tests/infra/slurm/up.sh), then stops them again if this script started them.
#
#   scripts/with-slurm.sh COMMAND [ARGS...]
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${LOCAL_SLURM_DIR:-/tmp/skypilot-temporal-slurm}"
was_up=0
if [[ -s "$state/run/slurmctld.pid" ]] && kill -0 "$(cat "$state/run/slurmctld.pid")" 2>/dev/null \
   && curl -sf --max-time 5 http://127.0.0.1:46580/api/health >/dev/null; then
  was_up=1
fi
SKY_VENV="$repo/.venv" "$repo/tests/infra/slurm/up.sh" || exit $?
SKYPILOT_TEMPORAL_E2E=1 "$@"
rc=$?
if [[ $was_up == 0 ]]; then
  "$repo/tests/infra/slurm/down.sh" || true
fi
exit $rc
