"""The parser pool on its own: results come back as the function made them, errors keep
their type and message but not the process's traceback, and a result that cannot
leave the process is made in a thread instead."""

from __future__ import annotations

import os
import threading

import pytest

from skypilot_temporal.tasks.parser_pool import ParserPool
from skypilot_temporal.tasks.repo import RepoError


def where(tag: str) -> tuple[str, int]:
    return tag, os.getpid()


def refuse(path: str) -> None:
    raise RepoError(f"{path}: not in the repository")


def unpicklable() -> tuple[int, threading.Lock]:
    return os.getpid(), threading.Lock()


@pytest.fixture
def pool():
    p = ParserPool(1)
    p.start()
    yield p
    p.close()


async def test_a_call_runs_in_the_parser_process(pool):
    tag, pid = await pool.run(where, "x")
    assert tag == "x" and pid != os.getpid()


async def test_an_error_keeps_its_type_and_message_only(pool):
    with pytest.raises(RepoError, match="eval.yaml: not in the repository") as err:
        await pool.run(refuse, "eval.yaml")
    assert err.value.__cause__ is None


async def test_a_result_that_cannot_be_pickled_is_made_in_a_thread(pool):
    pid, lock = await pool.run(unpicklable)
    assert pid == os.getpid() and lock.acquire(blocking=False)


async def test_no_processes_means_threads():
    pool = ParserPool(0)
    pool.start()
    assert (await pool.run(where, "y")) == ("y", os.getpid())
