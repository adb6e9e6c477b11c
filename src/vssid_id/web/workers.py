"""Decoding off the event loop: a thread pool sized to the cores, bounded and timed.

QR decoding is CPU work (image decoding, OpenCV and zxing-cpp, all in C/C++);
done on the event loop it would stall every other request. So every decode,
and every prefill (whose first address conversion loads a data set), runs in a
:class:`~concurrent.futures.ThreadPoolExecutor` with one thread per core: one
process, one copy of the libraries and data in memory.

Two limits keep the server responsive under load:

* **A bound on decodes in flight** (running or queued for a thread):
  ``max_pending``, four per thread by default. A request that would pass it
  is answered at once with **503** and ``Retry-After: 1`` instead of waiting
  in an unbounded queue (the client retries; memory stays bounded).
* **A per-request time limit** (``time_limit`` seconds, from the moment the
  request reached the handler): a request whose work is not done by then
  gets **504**. The thread finishes its image in the background (a running
  decode cannot be interrupted; the decoder's own time budget of 2 s per image
  bounds it), and its slot counts against ``max_pending`` until it does, so
  the bound holds even for requests that timed out.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from .problems import ApiError

__all__ = ["WorkerPool", "default_threads"]

T = TypeVar("T")


def default_threads() -> int:
    """One thread per core this process may run on."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not on Linux
        return max(os.cpu_count() or 1, 1)


class WorkerPool:
    """Runs blocking functions in threads, at most ``max_pending`` at once, each under a deadline."""

    def __init__(self, threads: int | None = None, max_pending: int | None = None,
                 time_limit: float = 15.0) -> None:
        self.threads = threads or default_threads()
        self.max_pending = max_pending or 4 * self.threads
        self.time_limit = time_limit
        self.pending = 0
        self._executor: ThreadPoolExecutor | None = None

    def start(self) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="vssid-decode")

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def run(self, deadline: float, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a thread; 503 when the pool is full, 504 past ``deadline``.

        ``deadline`` is a :func:`time.monotonic` time.
        """
        if self.pending >= self.max_pending:
            raise ApiError(503, "ServerBusy",
                           f"{self.pending} images are already being decoded; retry in a moment",
                           headers={"Retry-After": "1"})
        self.start()
        assert self._executor is not None
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, function, *args)
        self.pending += 1
        future.add_done_callback(self._release)
        remaining = deadline - time.monotonic()
        try:
            # shield: a timed-out wait must not cancel the future, whose done
            # callback releases the slot only when the thread has finished.
            return await asyncio.wait_for(asyncio.shield(future), max(remaining, 0.0))
        except asyncio.TimeoutError:
            raise ApiError(504, "TimeLimitExceeded",
                           f"the request took longer than the limit of {self.time_limit:g} s") from None

    def _release(self, future: asyncio.Future[Any]) -> None:
        self.pending -= 1
        if not future.cancelled():
            future.exception()  # retrieved, so a timed-out failure is not logged as unhandled
