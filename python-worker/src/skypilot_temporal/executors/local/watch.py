"""Wake-ups when a local job's status changes (inotify), so that waiting for a job costs
nothing between changes and a finished job is seen at once, however long it ran.

One inotify instance serves every job the executor waits on (the kernel allows few
instances per user, many watches), and only while some job is waited on; it is closed
in a thread, since a close waits for the kernel. Where
inotify is missing or out of watches, `watch` returns None and the caller polls.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import struct
from collections.abc import Callable
from pathlib import Path

_IN_MOVED_TO = 0x80  # the supervisor writes `status` by renaming a file onto it
_IN_DELETE_SELF = 0x400
_IN_IGNORED = 0x8000  # the watch is gone: its directory was removed
_IN_NONBLOCK = os.O_NONBLOCK
_IN_CLOEXEC = os.O_CLOEXEC
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then `len` bytes of name


class StatusWatch:
    def __init__(self) -> None:
        self._fd = -1
        self._loop: asyncio.AbstractEventLoop | None = None
        self._events: dict[int, asyncio.Event] = {}
        self._users: dict[int, int] = {}
        # None where there is no inotify: every caller polls.
        self._init: Callable[[int], int] | None = None
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            self._init = libc.inotify_init1
            self._add = libc.inotify_add_watch
            self._add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
            self._rm = libc.inotify_rm_watch
            self._rm.argtypes = [ctypes.c_int, ctypes.c_int]
        except (OSError, AttributeError):
            self._init = None  # inotify only in part: poll

    def watch(self, job_dir: Path) -> tuple[int, asyncio.Event] | None:
        """An event set whenever the job's status changes (or its directory goes);
        the caller clears it before it reads the status. None: poll instead."""
        if not self._open():
            return None
        wd = self._add(self._fd, os.fsencode(job_dir), _IN_MOVED_TO | _IN_DELETE_SELF)
        if wd < 0:
            self._close_if_unused()
            return None
        # The same directory watched twice has one watch descriptor: count its users.
        self._users[wd] = self._users.get(wd, 0) + 1
        return wd, self._events.setdefault(wd, asyncio.Event())

    def unwatch(self, wd: int) -> None:
        self._users[wd] -= 1
        if self._users[wd] == 0:
            del self._users[wd]
            self._events.pop(wd, None)
            self._rm(self._fd, wd)  # fails harmlessly if the directory is gone
        self._close_if_unused()

    def _open(self) -> bool:
        if self._fd >= 0:
            return True
        if self._init is None:
            return False
        fd = self._init(_IN_NONBLOCK | _IN_CLOEXEC)
        if fd < 0:
            return False
        self._fd = fd
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(fd, self._on_events)
        return True

    def _close_if_unused(self) -> None:
        if self._users or self._fd < 0:
            return
        assert self._loop is not None
        fd, self._fd = self._fd, -1
        self._loop.remove_reader(fd)
        # Closing an inotify instance waits for the kernel to retire its marks (an
        # SRCU grace period): about 16 ms on a busy 2-CPU host, measured. A thread
        # waits for it, not the event loop; a new instance does not need the old one
        # closed.
        try:
            self._loop.run_in_executor(None, os.close, fd)
        except RuntimeError:  # the loop's executor is shut down: the loop is ending
            os.close(fd)

    def _on_events(self) -> None:
        try:
            data = os.read(self._fd, 64 * 1024)
        except BlockingIOError:
            return
        offset = 0
        while offset < len(data):
            wd, mask, _, size = _EVENT.unpack_from(data, offset)
            name = data[offset + _EVENT.size : offset + _EVENT.size + size].rstrip(b"\0")
            offset += _EVENT.size + size
            if name == b"status" or mask & (_IN_DELETE_SELF | _IN_IGNORED):
                event = self._events.get(wd)
                if event is not None:
                    event.set()
