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
SKY_VENV="$repo/.venv" "$repo/tests/infra/slurm/up.sh"
rc=$?
if [[ $rc != 0 ]]; then
  # Stop what a failed start left up (down.sh stops only what up.sh recorded).
  [[ $was_up == 1 ]] || SKY_VENV="$repo/.venv" "$repo/tests/infra/slurm/down.sh" || true
  exit $rc
fi
SKYPILOT_TEMPORAL_E2E=1 "$@"
rc=$?
if [[ $was_up == 0 ]]; then
  "$repo/tests/infra/slurm/down.sh" || true
fi
exit $rc
