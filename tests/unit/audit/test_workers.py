"""Tests for nbkit.audit.workers: every task done once, errors and dead workers surface."""

from __future__ import annotations

import os
import threading
import time

import pytest

from nbkit.audit.workers import parallel_map
from nbkit.errors import NbkitError

# Each task takes a little while, so the workers surely start before this process
# has taken every task itself.
_TASK_SECONDS = 0.001


def _square_and_where(task: int, offset: int) -> tuple[int, int, int]:
    time.sleep(_TASK_SECONDS)
    return task, task * task + offset, os.getpid()


def _fail_in_worker(task: int, main: int) -> int:
    time.sleep(_TASK_SECONDS)
    if os.getpid() != main:
        raise ValueError(f"task {task} failed in a worker")
    return task


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("holds a lock")
        self.lock = threading.Lock()  # locks do not pickle


def _fail_unpicklably_in_worker(task: int, main: int) -> int:
    time.sleep(_TASK_SECONDS)
    if os.getpid() != main:
        raise _Unpicklable
    return task


def _die_in_worker(task: int, main: int) -> int:
    time.sleep(_TASK_SECONDS)
    if os.getpid() != main:
        os._exit(3)  # as if killed: no result, no error message
    return task


def test_every_task_is_done_once_by_this_process_and_the_workers() -> None:
    results = list(parallel_map(_square_and_where, range(300), 7, jobs=3))
    assert sorted(task for task, _, _ in results) == list(range(300))
    assert all(value == task * task + 7 for task, value, _ in results)
    # This process takes tasks from the same counter as the workers.
    pids = {pid for _, _, pid in results}
    assert os.getpid() in pids
    assert len(pids) >= 2


def test_a_workers_exception_is_raised_here() -> None:
    with pytest.raises(ValueError, match="failed in a worker"):
        list(parallel_map(_fail_in_worker, range(300), os.getpid(), jobs=2))


def test_an_exception_that_cannot_travel_arrives_as_its_repr() -> None:
    with pytest.raises(RuntimeError, match="holds a lock"):
        list(parallel_map(_fail_unpicklably_in_worker, range(300), os.getpid(), jobs=2))


def test_a_worker_that_dies_ends_the_run_with_an_error_instead_of_a_hang() -> None:
    with pytest.raises(NbkitError, match="ended without its results"):
        list(parallel_map(_die_in_worker, range(300), os.getpid(), jobs=2))


def test_one_job_runs_everything_here() -> None:
    results = list(parallel_map(_square_and_where, range(5), 0, jobs=1))
    assert {pid for _, _, pid in results} == {os.getpid()}
