"""Run a function over many tasks in worker processes, results in any order.

The calling process and its workers take the next task from a shared counter;
each worker sends its results back on a pipe of its own. multiprocessing.Pool
did the job before, but its handler threads woke on every task and cost the
main process a quarter of a core on a tree of 30,000 files, and the caller sat
idle while the pool worked.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from nbkit.errors import NbkitError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import DefaultContext, ForkContext, ForkServerContext

__all__ = ["parallel_map"]

_Task = TypeVar("_Task")
_Shared = TypeVar("_Shared")
_Result = TypeVar("_Result")


class _Failure:
    """An exception raised in a worker, on its way to the main process."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _take(next_task: Any) -> int:
    with next_task.get_lock():
        index: int = next_task.value
        next_task.value = index + 1
    return index


def _work(
    function: Callable[[Any, Any], Any],
    tasks: Sequence[Any],
    shared: Any,
    next_task: Any,
    results: Connection,
) -> None:
    try:
        while (index := _take(next_task)) < len(tasks):
            results.send(function(tasks[index], shared))
    except BaseException as err:  # the main process re-raises it
        _send_failure(results, err)
    finally:
        results.close()


def _send_failure(results: Connection, err: BaseException) -> None:
    # An error that cannot be pickled still ends the run, as its repr.
    for failure in (err, RuntimeError(repr(err))):
        try:
            results.send(_Failure(failure))
            return
        except OSError:
            return  # the main process has gone (interrupted, say): nobody to tell
        except Exception:
            continue


def _receive(readers: list[Connection], timeout: float | None) -> Iterator[Any]:
    """The results ready within timeout; a reader at EOF (its worker ended) is dropped."""
    from multiprocessing.connection import wait

    for reader in cast("list[Connection]", wait(readers, timeout)):
        try:
            message = reader.recv()
        except EOFError:
            readers.remove(reader)
            reader.close()
            continue
        if isinstance(message, _Failure):
            raise message.error
        yield message


def parallel_map(
    function: Callable[[_Task, _Shared], _Result],
    tasks: Sequence[_Task],
    shared: _Shared,
    jobs: int,
) -> Iterator[_Result]:
    """function(task, shared) for every task, over `jobs` processes, in any order.

    This process is one of them: it starts `jobs - 1` workers and takes tasks from
    the same counter. An exception in a worker is raised here; a worker that dies
    without a word (killed, out of memory) makes this raise NbkitError instead of
    waiting forever.
    """
    import multiprocessing  # small scans never start workers, so never pay for the import
    import threading

    # fork hands the tasks to the workers for free, but forking a process that runs
    # threads (a test server, say) can deadlock; then forkserver, which pickles them.
    context: DefaultContext | ForkContext | ForkServerContext
    if not sys.platform.startswith("linux"):
        context = multiprocessing.get_context()
    elif threading.active_count() == 1:
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("forkserver")
    next_task = context.Value("q", 0)
    workers = []
    readers: list[Connection] = []
    # Objects that exist now stay out of every garbage collection until the end: in a
    # forked worker a collection would touch, and so copy, every page it shares with
    # this process, and here they would be traversed again and again for nothing.
    gc.freeze()
    try:
        for _ in range(min(jobs, len(tasks)) - 1):
            reader, writer = context.Pipe(duplex=False)
            worker = context.Process(
                target=_work, args=(function, tasks, shared, next_task, writer), daemon=True
            )
            worker.start()
            writer.close()  # the worker holds the only writing end: EOF when it ends
            workers.append(worker)
            readers.append(reader)
        done = 0
        while (index := _take(next_task)) < len(tasks):
            yield function(tasks[index], shared)
            done += 1
            for result in _receive(readers, 0):
                yield result
                done += 1
        while readers:
            for result in _receive(readers, None):
                yield result
                done += 1
        if done < len(tasks):
            raise NbkitError(
                f"a worker process ended without its results ({done} of {len(tasks)} "
                "parts scanned); rerun with --jobs 1"
            )
    finally:
        gc.unfreeze()
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        for reader in readers:
            reader.close()
