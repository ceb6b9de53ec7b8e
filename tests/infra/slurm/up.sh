#!/usr/bin/env bash
# Bring up a one-node Slurm cluster on loopback and a local SkyPilot API server
# that can launch real SkyPilot clusters onto it. No cloud account, no internet.
#
#   sudo tests/infra/slurm/up.sh          # Debian 12, run as root
#   sudo tests/infra/slurm/down.sh        # stops only what this script started
#
# What it starts (all bound to 127.0.0.1, PID files in $LOCAL_SLURM_DIR/run):
#   munged, slurmctld (6817), slurmd (6818), sshd (2222, own config and host key),
#   the SkyPilot API server (`sky api start`, 127.0.0.1:46580).
# What it touches outside $LOCAL_SLURM_DIR:
#   apt packages, /etc/slurm/slurm.conf (an existing foreign file is saved to
#   $LOCAL_SLURM_DIR/slurm.conf.orig), /etc/munge/munge.key (created if absent),
#   /etc/hosts (only if the short hostname does not resolve), the login user
#   $LOCAL_SLURM_SSH_USER, and ~/.slurm/config of $LOCAL_SLURM_API_USER.
# The API server reads its SkyPilot config from $LOCAL_SLURM_DIR/sky-config.yaml:
#   that user's ~/.sky/config.yaml (if any) with the rig's slurm.pricing over it.
#
# Re-running with everything up changes nothing and takes well under a second. A
# changed slurm.conf restarts the Slurm daemons; a changed ~/.slurm/config,
# slurm.conf or sky-config.yaml (or an API server started before them) restarts the
# API server, because the API server caches Slurm node information and its config.
#
# Switches (environment variables):
#   LOCAL_SLURM_DIR            all state: configs, keys, logs, PIDs, the SSH
#                              user's home, the shared data dir
#                              (default /tmp/skypilot-temporal-slurm)
#   SKY_VENV                   venv with skypilot installed (default <repo>/.venv)
#   LOCAL_SLURM_OFFLINE_SHIMS  1 (default): make the SkyPilot runtime setup work
#                              with package registries only (uv from PyPI instead
#                              of the astral.sh installer, the system python for
#                              `uv venv --python 3.10`, the system CA bundle).
#                              0 on a machine with normal internet access.
#   LOCAL_SLURM_NODE_CPUS      CPUs the Slurm node claims (default 8, more than
#                              the hardware: each SkyPilot cluster holds its CPUs
#                              for its whole life, 1 for `cpus: 1+`, 2 if unset)
#   LOCAL_SLURM_NODE_MEM_MB    memory the node claims (default 80% of RAM)
#   LOCAL_SLURM_SSH_PORT       loopback sshd port (default 2222)
#   LOCAL_SLURM_SSH_USER       login user SkyPilot uses (default skyslurm)
#   LOCAL_SLURM_NAME           Slurm cluster name in ~/.slurm/config, i.e. the
#                              `infra: slurm/<name>` (default localslurm)
#   LOCAL_SLURM_API_USER       user that runs the API server and gets
#                              ~/.slurm/config (default $SUDO_USER, else root)
#   LOCAL_SLURM_START_API      1 (default): (re)start the API server; 0: only Slurm
#   LOCAL_SLURM_UV_VERSION     uv version installed by the offline shim (0.13.9)
#   LOCAL_SLURM_PRICE_CPU      test price of a Slurm cluster here, USD per vCPU
#                              hour (default 0.10; slurm.pricing.cpu)
#   LOCAL_SLURM_PRICE_MEMORY   likewise, USD per GB of memory hour (default 0.01;
#                              slurm.pricing.memory)
#   LOCAL_SLURM_MANAGED_JOBS   0 (default) or 1, for tests only: run SkyPilot's
#                              managed-jobs controller inside the API server
#                              (jobs.controller.consolidation_mode, ~1.5 GB) and
#                              answer its network check from loopback
#   LOCAL_SLURM_NETCHECK_PORT  loopback port of that network-check stand-in
#                              (default 46590)
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
STATE_DIR=${LOCAL_SLURM_DIR:-/tmp/skypilot-temporal-slurm}
SKY_VENV=${SKY_VENV:-$REPO_ROOT/.venv}
OFFLINE_SHIMS=${LOCAL_SLURM_OFFLINE_SHIMS:-1}
NODE_CPUS=${LOCAL_SLURM_NODE_CPUS:-8}
NODE_MEM_MB=${LOCAL_SLURM_NODE_MEM_MB:-$(( $(awk '/^MemTotal:/{print int($2/1024)}' /proc/meminfo) * 8 / 10 ))}
SSH_PORT=${LOCAL_SLURM_SSH_PORT:-2222}
SSH_USER=${LOCAL_SLURM_SSH_USER:-skyslurm}
SLURM_NAME=${LOCAL_SLURM_NAME:-localslurm}
API_USER=${LOCAL_SLURM_API_USER:-${SUDO_USER:-root}}
START_API=${LOCAL_SLURM_START_API:-1}
UV_VERSION=${LOCAL_SLURM_UV_VERSION:-0.13.9}
PRICE_CPU=${LOCAL_SLURM_PRICE_CPU:-0.10}
PRICE_MEMORY=${LOCAL_SLURM_PRICE_MEMORY:-0.01}
MANAGED_JOBS=${LOCAL_SLURM_MANAGED_JOBS:-0}
NETCHECK_PORT=${LOCAL_SLURM_NETCHECK_PORT:-46590}
API_PORT=46580
QUEUE_PORT=50011   # the API server's internal request queue (SkyPilot's default)

RUN=$STATE_DIR/run
LOGS=$STATE_DIR/log
KEYS=$STATE_DIR/keys
SSH_HOME=$STATE_DIR/home/$SSH_USER
DATA_DIR=$STATE_DIR/data
SKY_CONFIG=$STATE_DIR/sky-config.yaml
# Put on the API server's PYTHONPATH only with LOCAL_SLURM_MANAGED_JOBS=1.
SITE_DIR=$STATE_DIR/managed-jobs-site
NODE=$(hostname -s)
MARKER="# generated by skypilot-temporal tests/infra/slurm/up.sh"
PACKAGES=(slurmctld slurmd slurm-client munge openssh-server openssh-client
          rsync curl ca-certificates)
SLURM_CONF_CHANGED=0

T0=${EPOCHREALTIME/./}
log() { local us=$(( ${EPOCHREALTIME/./} - T0 )); printf '[up %3d.%01ds] %s\n' $(( us / 1000000 )) $(( us / 100000 % 10 )) "$*"; }
die() { echo "up.sh: $*" >&2; exit 1; }
# A zombie counts as gone (this machine's init may reap daemons late).
running() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${st#Z}" = "$st" ]; }
alive() { [ -s "$1" ] && running "$(cat "$1")"; }

[ "$(id -u)" = 0 ] || die "run as root (sudo $0)"
case "$MANAGED_JOBS" in 0|1) ;; *) die "LOCAL_SLURM_MANAGED_JOBS: '$MANAGED_JOBS' is not allowed; use 0 or 1" ;; esac
case "$NETCHECK_PORT" in
  ''|*[!0-9]*) die "LOCAL_SLURM_NETCHECK_PORT: '$NETCHECK_PORT' is not allowed; use a port number 1024-65535" ;;
esac
[ "$NETCHECK_PORT" -ge 1024 ] && [ "$NETCHECK_PORT" -le 65535 ] \
  || die "LOCAL_SLURM_NETCHECK_PORT: '$NETCHECK_PORT' is not allowed; use a port number 1024-65535"

# Write $2 to file $1 only if it differs; returns 0 if the file changed.
write_if_changed() {
  local path=$1 content=$2
  if [ -f "$path" ] && [ "$(cat "$path")" = "$content" ]; then return 1; fi
  printf '%s\n' "$content" > "$path.tmp.$$"
  mv -f "$path.tmp.$$" "$path"
  return 0
}

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then log "packages present"; return; fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p "$LOGS"
  # Keep the packages' services from starting (on a systemd machine they would
  # start munge, slurmd and an sshd on port 22); this script starts its own.
  local policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  local rc=0
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"; } \
    >"$LOGS/apt.log" 2>&1 || rc=$?
  if [ "$policy_added" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  [ "$rc" = 0 ] || { tail -20 "$LOGS/apt.log" >&2; die "apt-get failed (see $LOGS/apt.log)"; }
  log "packages installed"
}

write_slurm_conf() {
  mkdir -p "$RUN" "$LOGS" "$STATE_DIR/spool/slurmd" "$STATE_DIR/spool/slurmctld"
  chmod 755 "$STATE_DIR"
  # Slurm and SkyPilot resolve the node's hostname; it must map to loopback.
  if ! getent ahostsv4 "$NODE" >/dev/null; then
    echo "127.0.0.1 $NODE" >> /etc/hosts
    log "added $NODE to /etc/hosts"
  fi
  local conf
  conf=$(cat <<EOF
$MARKER
# One-node Slurm cluster on loopback for SkyPilot tests. State: $STATE_DIR
ClusterName=skytemporal
SlurmctldHost=${NODE}(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
# Bind to the address the hostname resolves to (127.0.0.1), never INADDR_ANY.
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$STATE_DIR/spool/slurmctld
SlurmdSpoolDir=$STATE_DIR/spool/slurmd
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No systemd and no cgroup delegation: track processes through /proc.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
ReturnToService=2
# The node may claim more CPUs than the hardware has (oversubscription).
SlurmdParameters=config_overrides
SlurmdTimeout=300
InactiveLimit=0
KillWait=10
MinJobAge=60
Waittime=0
NodeName=$NODE NodeAddr=127.0.0.1 NodeHostname=$NODE CPUs=$NODE_CPUS RealMemory=$NODE_MEM_MB State=UNKNOWN
# DefaultTime ends leaked SkyPilot clusters (one sbatch job each) after 4 h.
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE DefaultTime=04:00:00 State=UP
EOF
)
  if [ -f /etc/slurm/slurm.conf ] && ! grep -qF "$MARKER" /etc/slurm/slurm.conf \
     && [ ! -f "$STATE_DIR/slurm.conf.orig" ]; then
    cp -p /etc/slurm/slurm.conf "$STATE_DIR/slurm.conf.orig"
    log "saved the existing /etc/slurm/slurm.conf to $STATE_DIR/slurm.conf.orig"
  fi
  mkdir -p /etc/slurm
  if write_if_changed /etc/slurm/slurm.conf "$conf"; then
    SLURM_CONF_CHANGED=1
    log "wrote /etc/slurm/slurm.conf (node $NODE: CPUs=$NODE_CPUS RealMemory=${NODE_MEM_MB}MB)"
  fi
}

start_munge() {
  local pidf=$RUN/munged.pid
  if [ ! -s /etc/munge/munge.key ]; then
    install -d -o munge -g munge -m 700 /etc/munge
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
  fi
  if alive "$pidf"; then log "munged running (pid $(cat "$pidf"))"; return; fi
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    log "using a munged that this script did not start"
    return
  fi
  install -d -o munge -g munge -m 755 /run/munge
  install -d -o munge -g munge -m 700 /var/lib/munge "$RUN/munge" "$LOGS/munge"
  runuser -u munge -- /usr/sbin/munged --pid-file="$RUN/munge/munged.pid" \
    --log-file="$LOGS/munge/munged.log"
  for _ in $(seq 1 50); do [ -s "$RUN/munge/munged.pid" ] && break; sleep 0.1; done
  cp "$RUN/munge/munged.pid" "$pidf"
  munge -n | unmunge >/dev/null || die "munge does not work, see $LOGS/munge/munged.log"
  log "munged started (pid $(cat "$pidf"))"
}

stop_pid() {  # stop_pid PIDFILE: SIGTERM, wait up to 15 s
  local pidf=$1 pid
  alive "$pidf" || return 0
  pid=$(cat "$pidf")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do running "$pid" || break; sleep 0.1; done
  rm -f "$pidf"
}

node_state() { sinfo -h -n "$NODE" -o '%t' 2>/dev/null | head -1; }

start_slurm() {
  local started=0
  if [ "$SLURM_CONF_CHANGED" = 1 ]; then
    stop_pid "$RUN/slurmd.pid"
    stop_pid "$RUN/slurmctld.pid"
  fi
  if alive "$RUN/slurmctld.pid"; then
    log "slurmctld running (pid $(cat "$RUN/slurmctld.pid"))"
  else
    # A cold start purges the saved job state (-c): jobs recorded by an earlier
    # life of this cluster (a killed machine, a stopped session) have no
    # processes left, yet would hold the only node until slurmd reports them
    # gone, and the first allocation would wait behind them.
    if alive "$RUN/slurmd.pid"; then
      /usr/sbin/slurmctld   # daemonizes; writes SlurmctldPidFile
    else
      /usr/sbin/slurmctld -c
    fi
    started=1
  fi
  if alive "$RUN/slurmd.pid"; then
    log "slurmd running (pid $(cat "$RUN/slurmd.pid"))"
  else
    /usr/sbin/slurmd      # daemonizes; writes SlurmdPidFile
    started=1
  fi
  local st=
  for _ in $(seq 1 60); do
    st=$(node_state)
    case "$st" in idle*|mix*|alloc*|down*|drain*|drng*) break;; esac
    sleep 0.5
  done
  case "$st" in
    down*|drain*|drng*)
      scontrol update nodename="$NODE" state=resume
      sleep 1; st=$(node_state);;
  esac
  case "$st" in idle*|mix*|alloc*) ;; *) die "Slurm node $NODE is '$st', see $LOGS/slurm*.log";; esac
  if [ "$started" = 1 ]; then
    timeout 60 srun -N1 -t 1 true || die "srun test job failed, see $LOGS/slurm*.log"
    log "slurmctld (pid $(cat "$RUN/slurmctld.pid")) and slurmd (pid $(cat "$RUN/slurmd.pid")) up, node $st"
  fi
}

setup_ssh_user() {
  mkdir -p "$STATE_DIR/home" "$KEYS"
  chmod 755 "$STATE_DIR/home"
  if ! id "$SSH_USER" >/dev/null 2>&1; then
    useradd -m -d "$SSH_HOME" -s /bin/bash "$SSH_USER"
    # down.sh ends leftover processes of this user only if this script created it.
    touch "$STATE_DIR/ssh-user-created-by-up"
    log "created user $SSH_USER (home $SSH_HOME)"
  fi
  [ -d "$SSH_HOME" ] || install -d -o "$SSH_USER" -g "$SSH_USER" -m 755 "$SSH_HOME"
  # sshd with UsePAM no refuses locked accounts ('!' in the password field).
  if getent shadow "$SSH_USER" | cut -d: -f2 | grep -q '^!'; then usermod -p '*' "$SSH_USER"; fi
  [ -f "$KEYS/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C skypilot-temporal-slurm -f "$KEYS/id_ed25519"
  [ -f "$KEYS/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$KEYS/ssh_host_ed25519_key"
  install -d -o "$SSH_USER" -g "$SSH_USER" -m 700 "$SSH_HOME/.ssh"
  if ! grep -qF "$(cat "$KEYS/id_ed25519.pub")" "$SSH_HOME/.ssh/authorized_keys" 2>/dev/null; then
    cat "$KEYS/id_ed25519.pub" >> "$SSH_HOME/.ssh/authorized_keys"
  fi
  chown "$SSH_USER:$SSH_USER" "$SSH_HOME/.ssh/authorized_keys"
  chmod 600 "$SSH_HOME/.ssh/authorized_keys"
  # Directory shared by all SkyPilot clusters on this node (tasks' DATA_DIR).
  install -d -m 1777 "$DATA_DIR"
}

start_sshd() {
  local conf
  conf=$(cat <<EOF
$MARKER
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $KEYS/ssh_host_ed25519_key
PidFile $RUN/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
PermitRootLogin no
AllowUsers $SSH_USER
# SkyPilot opens many short sessions at once.
MaxStartups 100:30:200
MaxSessions 100
X11Forwarding no
PrintMotd no
AcceptEnv LANG LC_* SKYPILOT_*
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
)
  local changed=0
  write_if_changed "$STATE_DIR/sshd_config" "$conf" && changed=1
  install -d -m 755 /run/sshd
  if alive "$RUN/sshd.pid"; then
    if [ "$changed" = 1 ]; then
      kill -HUP "$(cat "$RUN/sshd.pid")"; sleep 0.5
      log "sshd reloaded its changed config"
    else
      log "sshd running (pid $(cat "$RUN/sshd.pid"))"
    fi
    return
  fi
  /usr/sbin/sshd -f "$STATE_DIR/sshd_config" -E "$LOGS/sshd.log"
  for _ in $(seq 1 50); do alive "$RUN/sshd.pid" && break; sleep 0.1; done
  ssh -p "$SSH_PORT" -i "$KEYS/id_ed25519" -o BatchMode=yes -o IdentitiesOnly=yes \
      -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
      "$SSH_USER@127.0.0.1" 'sinfo -h >/dev/null' \
    || die "ssh login as $SSH_USER failed, see $LOGS/sshd.log"
  log "sshd on 127.0.0.1:$SSH_PORT (pid $(cat "$RUN/sshd.pid"))"
}

# The SkyPilot runtime setup on a node runs
#   curl -LsSf https://astral.sh/uv/install.sh | sh    and    uv venv --python 3.10
# which need the internet. The shims below, first on the SSH user's login PATH,
# install uv from PyPI instead and map `--python 3.10` to the system python3.
setup_offline_shims() {
  local profile="$SSH_HOME/.bash_profile"
  if [ "$OFFLINE_SHIMS" != 1 ]; then
    if [ -f "$profile" ] && grep -qF "$MARKER" "$profile"; then rm -f "$profile"; log "offline shims disabled"; fi
    return
  fi
  local shim=$STATE_DIR/shim uvdir=$STATE_DIR/uv
  mkdir -p "$shim" "$uvdir"
  if [ ! -x "$uvdir/uv.real" ] || [ "$(cat "$uvdir/version" 2>/dev/null)" != "$UV_VERSION" ]; then
    rm -rf "$uvdir/pkg"
    "$SKY_VENV/bin/python" -m pip install -q --disable-pip-version-check \
      --target "$uvdir/pkg" "uv==$UV_VERSION"
    install -m 755 "$uvdir/pkg/bin/uv" "$uvdir/uv.real"
    echo "$UV_VERSION" > "$uvdir/version"
    log "uv $UV_VERSION installed from PyPI for the offline shim"
  fi
  # Debian's python3, not whatever python3 comes first on root's PATH.
  local py3
  py3=$(readlink -f /usr/bin/python3)
  [ -x "$py3" ] || die "no /usr/bin/python3 for the offline uv shim"
  write_if_changed "$uvdir/uv" "#!/bin/bash
$MARKER
# uv without python downloads: '--python 3.10' becomes the system python3.
export SSL_CERT_FILE=\${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
export UV_NATIVE_TLS=1 UV_SYSTEM_CERTS=1
args=(); prev=
for a in \"\$@\"; do
  if [ \"\$prev\" = --python ] && [ \"\$a\" = 3.10 ]; then a=$py3; fi
  args+=(\"\$a\"); prev=\$a
done
exec $uvdir/uv.real \"\${args[@]}\"" || true
  write_if_changed "$shim/curl" "#!/bin/bash
$MARKER
# Serves the uv installer locally; every other call goes to the real curl.
for a in \"\$@\"; do
  if [ \"\$a\" = https://astral.sh/uv/install.sh ]; then
    printf '%s\n' '#!/bin/sh' 'mkdir -p \"\$UV_INSTALL_DIR\"' \\
      'ln -sf $uvdir/uv \"\$UV_INSTALL_DIR/uv\"' 'echo \"uv linked from $uvdir\"'
    exit 0
  fi
done
exec /usr/bin/curl \"\$@\"" || true
  chmod 755 "$shim" "$uvdir" "$shim/curl" "$uvdir/uv"
  # SkyPilot runs `bash --login -c ...` over ssh, which reads ~/.bash_profile.
  write_if_changed "$profile" "$MARKER
[ -f ~/.profile ] && . ~/.profile
export PATH=\"$shim:\$PATH\"
export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" || true
  chown "$SSH_USER:$SSH_USER" "$profile"
}

write_slurm_client_config() {
  local api_home
  api_home=$(getent passwd "$API_USER" | cut -d: -f6)
  [ -n "$api_home" ] || die "no such user: $API_USER"
  install -d -m 700 -o "$API_USER" "$api_home/.slurm"
  chown "$API_USER" "$KEYS/id_ed25519" "$KEYS/id_ed25519.pub"
  if write_if_changed "$api_home/.slurm/config" "$MARKER
Host $SLURM_NAME
    HostName 127.0.0.1
    Port $SSH_PORT
    User $SSH_USER
    IdentityFile $KEYS/id_ed25519
    IdentitiesOnly yes"; then
    log "wrote $api_home/.slurm/config (infra slurm/$SLURM_NAME)"
  fi
  chown "$API_USER" "$api_home/.slurm/config"
  chmod 600 "$api_home/.slurm/config"
}

# The API server's SkyPilot config: the API user's own, if any, with the rig's test
# price over it, so that a cluster here has a known hourly price (SkyPilot prices a
# Slurm cluster from slurm.pricing only, at 0 without it).
write_sky_config() {
  [ "$START_API" = 1 ] || return 0
  local api_home content
  api_home=$(getent passwd "$API_USER" | cut -d: -f6)
  content=$("$SKY_VENV/bin/python" - "$api_home/.sky/config.yaml" "$PRICE_CPU" "$PRICE_MEMORY" "$MANAGED_JOBS" <<'EOF'
import math
import os
import sys

import yaml

def price(var, text):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        sys.exit(f"{var}: {text!r} is not allowed; it is a price in USD, a number 0 or more")
    return value


path = sys.argv[1]
prices = {"cpu": price("LOCAL_SLURM_PRICE_CPU", sys.argv[2]),
          "memory": price("LOCAL_SLURM_PRICE_MEMORY", sys.argv[3])}
config = {}
if os.path.exists(path):
    with open(path) as f:
        config = yaml.safe_load(f) or {}
slurm = config.get("slurm") or {}
config["slurm"] = {**slurm, "pricing": prices}
if sys.argv[4] == "1":
    # The jobs controller runs inside the API server: on Slurm, SkyPilot cannot
    # provision a controller cluster of its own (autostop needs Pyxis).
    jobs = config.get("jobs") or {}
    controller = jobs.get("controller") or {}
    config["jobs"] = {**jobs, "controller": {**controller, "consolidation_mode": True}}
print(yaml.safe_dump(config, sort_keys=False), end="")
EOF
) || die "no SkyPilot config for the API server"
  if write_if_changed "$SKY_CONFIG" "$MARKER
$content"; then
    chmod 644 "$SKY_CONFIG"
    log "wrote $SKY_CONFIG (slurm.pricing: cpu $PRICE_CPU, memory $PRICE_MEMORY USD per hour)"
  fi
}

# The managed-jobs controller skips every status check while an HTTPS HEAD to
# 8.8.8.8 / 1.1.1.1 fails, so offline its jobs never end. For tests only, with
# LOCAL_SLURM_MANAGED_JOBS=1: a loopback HTTP server answers that check, and a
# sitecustomize.py on the API server's PYTHONPATH (nowhere else) points SkyPilot's
# list of addresses to check at it. With the switch off both are removed.
setup_netcheck_stand_in() {
  [ "$START_API" = 1 ] || return 0
  if [ "$MANAGED_JOBS" != 1 ]; then
    if alive "$RUN/netcheck.pid"; then
      kill "$(cat "$RUN/netcheck.pid")" 2>/dev/null || true
      log "stopped the network-check stand-in (LOCAL_SLURM_MANAGED_JOBS=0)"
    fi
    rm -rf "$RUN/netcheck.pid" "$SITE_DIR" "$STATE_DIR/netcheck-root"
    return 0
  fi
  local url="http://127.0.0.1:$NETCHECK_PORT"
  install -d -m 755 "$SITE_DIR" "$STATE_DIR/netcheck-root"
  write_if_changed "$SITE_DIR/sitecustomize.py" "$MARKER
# For tests only (LOCAL_SLURM_MANAGED_JOBS=1): SkyPilot's network check asks the
# loopback stand-in instead of public addresses. The module is patched when it is
# first imported, so a process that never imports SkyPilot pays nothing.
import importlib.abc
import sys

_MODULE = 'sky.backends.backend_utils'
_ADDRESSES = ['$url']


class _PatchNetworkCheck(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != _MODULE:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, 'find_spec'):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        run_module = spec.loader.exec_module

        def exec_module(module):
            run_module(module)
            module._TEST_IP_LIST = list(_ADDRESSES)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _PatchNetworkCheck())" || true
  chmod 644 "$SITE_DIR/sitecustomize.py"
  if alive "$RUN/netcheck.pid" && curl -fsS -m 3 -I "$url/" >/dev/null 2>&1; then
    log "network-check stand-in running (pid $(cat "$RUN/netcheck.pid"), $url)"
    return 0
  fi
  if port_busy "$NETCHECK_PORT"; then
    die "port $NETCHECK_PORT is taken (set LOCAL_SLURM_NETCHECK_PORT to a free port)"
  fi
  # The standard library's file server answers HEAD / with 200 (an empty listing).
  setsid "$SKY_VENV/bin/python" -m http.server "$NETCHECK_PORT" --bind 127.0.0.1 \
    --directory "$STATE_DIR/netcheck-root" >"$LOGS/netcheck.log" 2>&1 < /dev/null &
  echo $! > "$RUN/netcheck.pid"
  for _ in $(seq 1 50); do curl -fsS -m 1 -I "$url/" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS -m 3 -I "$url/" >/dev/null 2>&1 || die "the network-check stand-in did not answer; see $LOGS/netcheck.log"
  log "network-check stand-in on $url (pid $(cat "$RUN/netcheck.pid"))"
}

as_api_user() {
  local api_home
  api_home=$(getent passwd "$API_USER" | cut -d: -f6)
  runuser -u "$API_USER" -- env -u SKYPILOT_API_SERVER_ENDPOINT HOME="$api_home" \
    SKYPILOT_DISABLE_USAGE_COLLECTION=1 "$@"
}

api_healthy() { curl -fsS -m 3 "http://127.0.0.1:$API_PORT/api/health" >/dev/null 2>&1; }

api_server_pid() {  # the top process of `python -m sky.server.server --port=46580`
  local pids pid
  pids=$(pgrep -u "$API_USER" -f -- "-m sky.server.server .*--port=$API_PORT" || true)
  for pid in $pids; do
    grep -qx "$(ps -o ppid= -p "$pid" | tr -d ' ')" <<<"$pids" || { echo "$pid"; return; }
  done
}

# `sky api start` puts the server in a session of its own; `sky api stop` can
# leave some of its children behind. End what is left of that session, by PID.
end_session() {  # end_session SID
  local sid=$1 left
  left=$(ps -eo pid=,sid=,stat= | awk -v s="$sid" '$2 == s && $3 !~ /^Z/ {print $1}')
  [ -n "$left" ] || return 0
  kill $left 2>/dev/null || true
  for _ in $(seq 1 50); do
    left=$(ps -eo pid=,sid=,stat= | awk -v s="$sid" '$2 == s && $3 !~ /^Z/ {print $1}')
    [ -n "$left" ] || return 0
    sleep 0.1
  done
  kill -9 $left 2>/dev/null || true
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_api_server() {
  [ "$START_API" = 1 ] || { log "API server not touched (LOCAL_SLURM_START_API=0)"; return; }
  [ -x "$SKY_VENV/bin/sky" ] || die "no sky in $SKY_VENV (run make setup, or set SKY_VENV)"
  local api_home fp stamp=$RUN/apiserver.config pid
  api_home=$(getent passwd "$API_USER" | cut -d: -f6)
  # The server caches Slurm node info: restart it when what it read changed.
  local site_env=() site_file=
  if [ "$MANAGED_JOBS" = 1 ]; then site_env=(PYTHONPATH="$SITE_DIR"); site_file=$SITE_DIR/sitecustomize.py; fi
  fp=$(cat /etc/slurm/slurm.conf "$api_home/.slurm/config" "$SKY_CONFIG" $site_file | sha256sum | cut -d' ' -f1)
  fp="$fp managed-jobs=$MANAGED_JOBS"
  # The venv's identity too: a server left running from a removed and recreated
  # venv at the same path cannot build SkyPilot's wheel for new clusters.
  fp="$fp $SKY_VENV $(stat -c %i "$SKY_VENV/bin/python" "$SKY_VENV/lib" 2>/dev/null | tr '\n' ' ')"
  if api_healthy && alive "$RUN/apiserver.pid" && [ "$(cat "$stamp" 2>/dev/null)" = "$fp" ]; then
    log "SkyPilot API server running (pid $(cat "$RUN/apiserver.pid"), http://127.0.0.1:$API_PORT)"
    return
  fi
  pid=$(api_server_pid)
  if [ -n "$pid" ]; then
    log "restarting the SkyPilot API server (pid $pid; started before this Slurm config)"
    as_api_user "$SKY_VENV/bin/sky" api stop >/dev/null 2>&1 || true
    end_session "$pid"
  fi
  rm -f "$RUN/apiserver.pid" "$stamp"
  # Both the API port and the server's internal request-queue port must be
  # free, or the new server starts but never runs a request.
  for port in "$API_PORT" "$QUEUE_PORT"; do
    for _ in $(seq 1 100); do port_busy "$port" || break; sleep 0.2; done
    if port_busy "$port"; then
      command -v ss >/dev/null && ss -ltnpH "sport = :$port" >&2
      die "port $port is taken by a process this script did not start (another SkyPilot API server?)"
    fi
  done
  # A port the check above saw free can still be taken at bind time (a server of
  # another run letting go of it): a start that failed leaves no server behind
  # (its session is ended) and is tried once more after the ports are free again.
  local attempt
  for attempt in 1 2; do
    as_api_user env SKYPILOT_GLOBAL_CONFIG="$SKY_CONFIG" "${site_env[@]}" "$SKY_VENV/bin/sky" api start --host 127.0.0.1 \
      >"$LOGS/sky-api-start.log" 2>&1 && break
    pid=$(api_server_pid)
    [ -z "$pid" ] || end_session "$pid"
    [ "$attempt" = 1 ] || { cat "$LOGS/sky-api-start.log" >&2; die "sky api start failed"; }
    log "sky api start failed; trying once more when the ports are free"
    for port in "$API_PORT" "$QUEUE_PORT"; do
      for _ in $(seq 1 150); do port_busy "$port" || break; sleep 0.2; done
    done
    sleep 2
  done
  pid=$(api_server_pid)
  [ -n "$pid" ] || die "API server started but its process was not found"
  echo "$pid" > "$RUN/apiserver.pid"
  log "SkyPilot API server started (pid $pid, http://127.0.0.1:$API_PORT)"
  if ! timeout 180 runuser -u "$API_USER" -- env -u SKYPILOT_API_SERVER_ENDPOINT HOME="$api_home" \
       SKYPILOT_DISABLE_USAGE_COLLECTION=1 "$SKY_VENV/bin/sky" check slurm >"$LOGS/sky-check.log" 2>&1; then
    cat "$LOGS/sky-check.log" >&2
    die "sky check slurm failed or hung; see $api_home/.sky/api_server/server.log"
  fi
  grep -qi 'slurm.*enabled\|enabled.*slurm' "$LOGS/sky-check.log" \
    || { cat "$LOGS/sky-check.log" >&2; die "Slurm is not enabled in SkyPilot"; }
  echo "$fp" > "$stamp"
  log "sky check: Slurm enabled"
}

install_packages
write_slurm_conf
start_munge
start_slurm
setup_ssh_user
start_sshd
setup_offline_shims
write_slurm_client_config
write_sky_config
setup_netcheck_stand_in
start_api_server
log "ready: infra slurm/$SLURM_NAME, shared data dir $DATA_DIR, state $STATE_DIR"
