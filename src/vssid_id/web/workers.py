"""Work off the event loop: decodes in a thread pool bounded by count, pixels and time; payload work apart.

QR decoding is CPU work (image decoding, OpenCV and zxing-cpp, all in C/C++);
done on the event loop it would stall every other request. So every decode
runs in a :class:`~concurrent.futures.ThreadPoolExecutor` with one thread per
core: one process, one copy of the libraries and data in memory.

Limits that keep the server responsive and its memory bounded under load:

* **A bound on decodes in flight** (running or waiting):
  ``max_pending``, four per thread by default. A request that would pass it
  is answered at once with **503** and ``Retry-After: 1`` instead of waiting
  in an unbounded queue (the client retries; memory stays bounded).
* **A pixel budget** (``pixel_budget``, 64 megapixels by default): the images
  being decoded hold at most that many pixels together, counted from each
  image's header before it is decoded (:func:`vssid_id.images.loading.header_pixels`).
  Decoding takes at most about 12 bytes per pixel (RGBA PNG; 3 for a grey one,
  7 for RGB), so decoding holds at most about 0.8 GB whatever the number of
  threads or of concurrent decompression bombs (a 50 KB PNG that decodes to
  7000 × 7000). An image that does not fit waits for the pixels to free up,
  but only as long as the images already waiting fit in one budget too:
  beyond that it gets **503** at once, so that eight concurrent bombs cannot
  fill the queue and every other request is still served. An image larger
  than the budget (possible only if the budget is set below the loader's
  50-megapixel cap) runs alone.
* **A per-request time limit** (``time_limit`` seconds, from the moment the
  request reached the handler): a request whose work is not done by then
  gets **504**. The thread finishes its image in the background (a running
  decode cannot be interrupted; the decoder's own time budget of 2 s per image
  bounds it), and its slot and pixels count until it does, so the bounds hold
  even for requests that timed out.
* **Payload work apart**: merging parsed cards (``prefill``, whose first
  address conversion loads a data set) and reading image headers run in a
  second, small pool (``light_threads``, 2) with its own bound
  (``max_light_pending``, 64): a request without images never waits for, nor
  is refused because of, the decodes.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from .problems import ApiError

__all__ = ["WorkerPool", "default_threads", "DEFAULT_PIXEL_BUDGET"]

T = TypeVar("T")

#: Pixels being decoded at once, all images together: above the loader's
#: 50-megapixel cap, so the largest accepted image can run beside small ones.
DEFAULT_PIXEL_BUDGET = 64_000_000


def default_threads() -> int:
    """One thread per core this process may run on."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not on Linux
        return max(os.cpu_count() or 1, 1)


class WorkerPool:
    """Runs blocking functions in threads under the bounds of the module doc."""

    def __init__(self, threads: int | None = None, max_pending: int | None = None,
                 time_limit: float = 15.0, pixel_budget: int = DEFAULT_PIXEL_BUDGET,
                 light_threads: int = 2, max_light_pending: int = 64) -> None:
        self.threads = threads or default_threads()
        self.max_pending = max_pending or 4 * self.threads
        self.time_limit = time_limit
        self.pixel_budget = pixel_budget
        self.light_threads = light_threads
        self.max_light_pending = max_light_pending
        self.pending = 0
        self.light_pending = 0
        self.pixels_in_flight = 0
        self.pixels_waiting = 0
        self._freed: asyncio.Event | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._light: ThreadPoolExecutor | None = None

    def start(self) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="vssid-decode")
        if self._light is None:
            self._light = ThreadPoolExecutor(self.light_threads, thread_name_prefix="vssid-light")

    def shutdown(self) -> None:
        for executor in (self._executor, self._light):
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
        self._executor = self._light = None

    def _busy(self, message: str) -> ApiError:
        return ApiError(503, "ServerBusy", message, headers={"Retry-After": "1"})

    def _late(self) -> ApiError:
        return ApiError(504, "TimeLimitExceeded", f"the request took longer than the limit of {self.time_limit:g} s")

    async def run(self, deadline: float, function: Callable[..., T], *args: Any, pixels: int = 0) -> T:
        """``function(*args)`` in a decode thread; 503 when full, 504 past ``deadline``.

        ``deadline`` is a :func:`time.monotonic` time; ``pixels`` the image's
        pixels (0 for work that decodes nothing).
        """
        if self.pending >= self.max_pending:
            raise self._busy(f"{self.pending} images are already being decoded; retry in a moment")
        pixels = min(max(pixels, 0), self.pixel_budget)
        fits = self.pixels_in_flight + pixels <= self.pixel_budget
        if not fits and self.pixels_waiting + pixels > self.pixel_budget:
            raise self._busy(f"images of {(self.pixels_in_flight + self.pixels_waiting) / 1e6:.0f} megapixels "
                             "are already being decoded; retry in a moment")
        self.start()
        assert self._executor is not None
        self.pending += 1
        try:
            if not fits:
                self.pixels_waiting += pixels
                try:
                    await self._room_for(pixels, deadline)
                finally:
                    self.pixels_waiting -= pixels
            # No await between the check above and this reservation: it is atomic on the loop.
            future = asyncio.get_running_loop().run_in_executor(self._executor, function, *args)
        except BaseException:
            self.pending -= 1
            raise
        self.pixels_in_flight += pixels
        future.add_done_callback(lambda done: self._release(done, pixels))
        return await self._wait(future, deadline)

    async def run_light(self, deadline: float, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in the payload pool: never behind the decodes; 503 when full, 504 late."""
        if self.light_pending >= self.max_light_pending:
            raise self._busy(f"{self.light_pending} requests are already being processed; retry in a moment")
        self.start()
        assert self._light is not None
        future = asyncio.get_running_loop().run_in_executor(self._light, function, *args)
        self.light_pending += 1
        future.add_done_callback(self._release_light)
        return await self._wait(future, deadline)

    async def _room_for(self, pixels: int, deadline: float) -> None:
        """Returns when ``pixels`` fit in the budget (checked last with no await before the caller's reservation)."""
        while self.pixels_in_flight + pixels > self.pixel_budget:
            if self._freed is None:
                self._freed = asyncio.Event()
            try:
                await asyncio.wait_for(self._freed.wait(), max(deadline - time.monotonic(), 0.0))
            except asyncio.TimeoutError:
                raise self._late() from None

    async def _wait(self, future: asyncio.Future[T], deadline: float) -> T:
        try:
            # shield: a timed-out wait must not cancel the future, whose done
            # callback releases the slot only when the thread has finished.
            return await asyncio.wait_for(asyncio.shield(future), max(deadline - time.monotonic(), 0.0))
        except asyncio.TimeoutError:
            raise self._late() from None

    def _release(self, future: asyncio.Future[Any], pixels: int) -> None:
        self.pending -= 1
        self.pixels_in_flight -= pixels
        if self._freed is not None:  # wake the waiters; each checks the room again
            self._freed.set()
            self._freed = None
        if not future.cancelled():
            future.exception()  # retrieved, so a timed-out failure is not logged as unhandled

    def _release_light(self, future: asyncio.Future[Any]) -> None:
        self.light_pending -= 1
        if not future.cancelled():
            future.exception()
