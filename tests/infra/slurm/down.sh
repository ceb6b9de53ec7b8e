#!/usr/bin/env bash
# Stop what tests/infra/slurm/up.sh started, by the PIDs it recorded in
# $LOCAL_SLURM_DIR/run. Processes it did not start are left alone. Safe to run
# twice. Keeps the state directory (keys, shims, configs) so the next up.sh is
# quick; delete $LOCAL_SLURM_DIR afterwards for a clean slate.
#
#   sudo tests/infra/slurm/down.sh
#
# Order: cancel the SSH user's Slurm jobs (each SkyPilot cluster is one job),
# stop the SkyPilot API server, the managed-jobs network-check stand-in, sshd and
# its sessions, slurmd, slurmctld, munged.
# Same switches as up.sh: LOCAL_SLURM_DIR, SKY_VENV, LOCAL_SLURM_SSH_USER,
# LOCAL_SLURM_API_USER.
set -uo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
STATE_DIR=${LOCAL_SLURM_DIR:-/tmp/skypilot-temporal-slurm}
SKY_VENV=${SKY_VENV:-$REPO_ROOT/.venv}
SSH_USER=${LOCAL_SLURM_SSH_USER:-skyslurm}
API_USER=${LOCAL_SLURM_API_USER:-${SUDO_USER:-root}}
RUN=$STATE_DIR/run

T0=${EPOCHREALTIME/./}
log() { local us=$(( ${EPOCHREALTIME/./} - T0 )); printf '[down %3d.%01ds] %s\n' $(( us / 1000000 )) $(( us / 100000 % 10 )) "$*"; }
# A zombie counts as gone (this machine's init may reap daemons late).
running() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${st#Z}" = "$st" ]; }
alive() { [ -s "$1" ] && running "$(cat "$1")"; }

[ "$(id -u)" = 0 ] || { echo "down.sh: run as root" >&2; exit 1; }
[ -d "$RUN" ] || { log "nothing to stop ($RUN does not exist)"; exit 0; }

wait_gone() {  # wait_gone PID SECONDS
  for _ in $(seq 1 $(( $2 * 10 ))); do running "$1" || return 0; sleep 0.1; done
  return 1
}

stop_pid() {  # stop_pid PIDFILE NAME: SIGTERM, then SIGKILL after 15 s
  local pidf=$1 name=$2 pid
  if ! alive "$pidf"; then rm -f "$pidf"; return 0; fi
  pid=$(cat "$pidf")
  kill "$pid" 2>/dev/null
  if ! wait_gone "$pid" 15; then kill -9 "$pid" 2>/dev/null; wait_gone "$pid" 5; fi
  rm -f "$pidf"
  log "stopped $name (pid $pid)"
}

# 1. SkyPilot clusters on this Slurm cluster are jobs of the SSH user.
if alive "$RUN/slurmctld.pid" && id "$SSH_USER" >/dev/null 2>&1; then
  if [ -n "$(squeue -h -u "$SSH_USER" -o %i 2>/dev/null)" ]; then
    scancel -u "$SSH_USER"
    for _ in $(seq 1 60); do
      [ -z "$(squeue -h -u "$SSH_USER" -o %i 2>/dev/null)" ] && break
      sleep 0.5
    done
    log "cancelled the Slurm jobs of $SSH_USER"
  fi
fi

# 2. The SkyPilot API server (sky api stop ends it and its workers).
if alive "$RUN/apiserver.pid"; then
  pid=$(cat "$RUN/apiserver.pid")
  api_home=$(getent passwd "$API_USER" | cut -d: -f6)
  if [ -x "$SKY_VENV/bin/sky" ]; then
    runuser -u "$API_USER" -- env -u SKYPILOT_API_SERVER_ENDPOINT HOME="$api_home" \
      SKYPILOT_DISABLE_USAGE_COLLECTION=1 "$SKY_VENV/bin/sky" api stop >/dev/null 2>&1
  fi
  wait_gone "$pid" 10 || stop_pid "$RUN/apiserver.pid" "SkyPilot API server"
  # The server runs in a session of its own (sid = its pid); end what
  # `sky api stop` left of it.
  left=$(ps -eo pid=,sid=,stat= | awk -v s="$pid" '$2 == s && $3 !~ /^Z/ {print $1}')
  if [ -n "$left" ]; then
    kill $left 2>/dev/null
    sleep 1
    left=$(ps -eo pid=,sid=,stat= | awk -v s="$pid" '$2 == s && $3 !~ /^Z/ {print $1}')
    [ -z "$left" ] || kill -9 $left 2>/dev/null
  fi
  log "stopped SkyPilot API server (pid $pid)"
fi
rm -f "$RUN/apiserver.pid" "$RUN/apiserver.config"
# The managed-jobs network-check stand-in (LOCAL_SLURM_MANAGED_JOBS=1), after the
# controller inside the API server that asked it.
stop_pid "$RUN/netcheck.pid" "network-check stand-in"

# 3. sshd: first the open sessions (children of the listener), then the listener.
if alive "$RUN/sshd.pid"; then
  pid=$(cat "$RUN/sshd.pid")
  for child in $(ps -o pid= --ppid "$pid"); do kill "$child" 2>/dev/null; done
  stop_pid "$RUN/sshd.pid" sshd
fi

# 4. Slurm and munge.
stop_pid "$RUN/slurmd.pid" slurmd
stop_pid "$RUN/slurmctld.pid" slurmctld
stop_pid "$RUN/munged.pid" munged
rm -f "$RUN/munge/munged.pid"

# 5. Stragglers of the dedicated login user (e.g. a SkyPilot log helper that
#    outlived its job), only if up.sh created that user.
if [ -f "$STATE_DIR/ssh-user-created-by-up" ] && id "$SSH_USER" >/dev/null 2>&1; then
  left=$(ps -o pid=,stat= -u "$SSH_USER" 2>/dev/null | awk '$2 !~ /^Z/ {print $1}')
  if [ -n "$left" ]; then
    kill $left 2>/dev/null
    log "ended leftover processes of $SSH_USER: $(echo $left)"
  fi
fi
log "done"
