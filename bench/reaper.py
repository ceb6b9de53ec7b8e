"""Runs a command as a child subreaper and accounts for the CPU of every process that
ends up orphaned under it.

The local executor's job supervisors and autodown watchdogs detach from the worker
(they fork and their parent exits), so their CPU never reaches the worker's counters.
As a subreaper (prctl PR_SET_CHILD_SUBREAPER), this process inherits them and reaps
them: for each one, its own CPU (/proc/<pid>/schedstat of the zombie, in ns) and that
of everything it reaped in turn (wait4's rusage minus its own: for a supervisor, the
sandbox and the task). Python orphans with descendants are job supervisors; without,
autodown watchdogs.

    python bench/reaper.py --out FILE -- COMMAND...

SIGUSR1 writes the totals so far to FILE (JSON, atomically); SIGINT and SIGTERM are
passed on to COMMAND; it exits with COMMAND's exit code once COMMAND ends.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import signal
import subprocess
import sys

PR_SET_CHILD_SUBREAPER = 36


def classify(comm: str, own: float, children: float) -> str:
    if comm.startswith("python"):
        return "supervisor" if children > 0 else "watchdog"
    return comm


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="where SIGUSR1 writes the totals (JSON)")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print("reaper: prctl(PR_SET_CHILD_SUBREAPER) failed", file=sys.stderr)
        return 1
    child = subprocess.Popen(command)
    # class -> [processes, own CPU s, CPU of what they reaped s]
    totals: dict[str, list[float]] = {}

    def dump(*_: object) -> None:
        tmp = f"{args.out}.tmp"
        with open(tmp, "w") as f:
            json.dump({"child": child.pid, "classes": totals}, f)
        os.replace(tmp, args.out)

    def forward(sig: int, _frame: object) -> None:
        if child.poll() is None:
            child.send_signal(sig)

    signal.signal(signal.SIGUSR1, dump)
    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    while True:
        try:
            info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            break
        if info is None:
            continue
        pid = info.si_pid
        if pid == child.pid:
            child.wait()
            break  # orphans still running are the caller's to stop
        try:
            comm = open(f"/proc/{pid}/comm").read().strip()
            own = int(open(f"/proc/{pid}/schedstat").read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            comm, own = "?", 0.0
        _, _, usage = os.wait4(pid, 0)
        children = max(0.0, usage.ru_utime + usage.ru_stime - own)
        row = totals.setdefault(classify(comm, own, children), [0, 0.0, 0.0])
        row[0] += 1
        row[1] += own
        row[2] += children
    dump()
    return child.returncode if child.returncode is not None and child.returncode >= 0 else 1


if __name__ == "__main__":
    sys.exit(main())
