"""The batch runner of ``vssid-scan``: inputs → one result entry each, in input order.

Three rules make a batch robust:

* **One bad input never stops a batch.** Whatever reading, decoding or
  parsing an input raises — our errors, an :class:`OSError`, a
  :class:`MemoryError`, anything from a dependency — becomes that input's
  entry, and the next input is read. A worker process that dies (killed for
  using too much memory, say) is reported for the input it was decoding.
* **Bounded reads.** Files are read by :func:`vssid_id.images.loading.load_image`,
  which refuses anything but a regular file (``/dev/zero``, a FIFO or a socket
  would never end) before reading it and reads at most ``max_bytes`` bytes;
  stdin is read once, in the parent, with the same cap
  (:func:`~vssid_id.images.loading.read_limited`); a URL is streamed through
  fsspec by the worker, with the same cap (:mod:`vssid_id.scanning.sources`).
* **Parallel, in order.** With ``jobs > 1`` and more than one image to read,
  the images are decoded in a pool of worker processes
  (:class:`concurrent.futures.ProcessPoolExecutor`; the work items are file
  paths) and each entry is handed back as soon as every input before it has
  been — the output is the same as with ``jobs=1``, which runs in-process.
  The inputs may be a lazy iterable: at most a few per worker are taken
  ahead of the output.

An entry is :func:`vssid_id.scanning.report.scan_entry`'s dict, or one with a single
error key and no codes: ``input_error`` (the input is missing, unreadable, not
an image or too large), ``internal_error`` (an unexpected failure while
reading it); a scan whose debug images could not be written carries
``debug_error`` beside its codes.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..images.loading import DEFAULT_MAX_BYTES

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

__all__ = [
    "IMAGE_SUFFIXES",
    "ScanOptions",
    "WorkItem",
    "expand_inputs",
    "scan_item",
    "run_batch",
    "start_resource_tracker_quietly",
]

Entry = dict[str, Any]

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".heic", ".heif", ".pgm", ".ppm"}
)

#: How many work items may wait in the pool per worker: enough to keep every
#: worker busy, few enough that Ctrl-C and a broken pool lose little.
_WINDOW_PER_JOB = 4


@dataclass(frozen=True)
class ScanOptions:
    """What every worker needs to scan one input (picklable)."""

    find_all: bool = False
    mask: bool = True
    max_bytes: int = DEFAULT_MAX_BYTES
    debug_dir: Path | None = None
    records: bool = False  # also hand back the record objects (under "records"), for --form
    mrz: bool = False  # read the machine-readable zone even when a QR code is found (it is read when none is)


@dataclass(frozen=True)
class WorkItem:
    """One input of a batch: a file to read, bytes already read (stdin), or an entry known in advance."""

    index: int  # position in the batch, from 1 (names the --debug-dir folder)
    name: str  # as reported
    path: str | None = None
    url: str | None = None  # read through fsspec (vssid_id.scanning.sources)
    data: bytes | None = None
    entry: Entry | None = None  # an error found while expanding the inputs

    @property
    def needs_work(self) -> bool:
        return self.entry is None


def input_error(message: str, type_name: str = "InputError") -> Entry:
    """The entry of an input that cannot be read (exit code 66)."""
    return {"input_error": {"type": type_name, "field": None, "message": message}, "codes": []}


def internal_error(type_name: str, message: str) -> Entry:
    """The entry of an input whose reading failed unexpectedly (exit code 70)."""
    return {"internal_error": {"type": type_name, "field": None, "message": message}, "codes": []}


def exception_name(error: BaseException) -> str:
    """``cv2.error``, ``ValueError``: the exception's type, with its module unless built in."""
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _os_message(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, PermissionError):
        return "cannot be read (permission denied)"
    return f"cannot be read ({error.strerror or type(error).__name__})"


# --- inputs ----------------------------------------------------------------------------


def expand_inputs(inputs: Iterable[str], read_stdin: Callable[[], bytes]) -> list[WorkItem]:
    """One work item per image: directories are searched recursively, globs matched, URLs listed, ``-`` is
    stdin (read here, once); :func:`vssid_id.scanning.sources.iter_inputs` as a list.

    Problems found here (an empty name, a missing path, an unreadable folder, stdin over the cap) become
    items that carry their error entry, in their place in the batch.
    """
    from .sources import iter_inputs

    return list(iter_inputs(inputs, read_stdin))


# --- one input ---------------------------------------------------------------------------


def _strip_name(message: str, name: str) -> str:
    """``message`` without a leading ``"name: "`` (the report already starts with the name)."""
    return message[len(name) + 2 :] if message.startswith(name + ": ") else message


def scan_item(item: WorkItem, options: ScanOptions) -> Entry:
    """Read, decode and parse one input; never raises (except KeyboardInterrupt / SystemExit)."""
    if item.entry is not None:
        return item.entry
    try:
        return _scan(item, options)
    except MemoryError:
        return internal_error("MemoryError", "out of memory while reading this input")
    except Exception as error:  # a bug here or in a dependency: report it, go on with the batch
        # The exception's text is not repeated: it could quote the input's content.
        name = exception_name(error)
        return internal_error(name, f"reading this input failed inside vssid_id or a library it uses ({name})")


def _scan(item: WorkItem, options: ScanOptions) -> Entry:
    from ..errors import VssidError
    from ..images.loading import load_image
    from .report import error_dict, scan_entry
    from .scanner import scan

    try:  # the loader's rules: regular files only, at most max_bytes (vssid_id.images.loading)
        source: Any = item.data if item.data is not None else item.path
        if item.url is not None:
            from .sources import read_url

            source = read_url(item.url, options.max_bytes)
        image = load_image(source, max_bytes=options.max_bytes)
    except VssidError as error:
        entry = error_dict(error)
        entry["message"] = _strip_name(_strip_name(entry["message"], item.path or item.url or ""), "image bytes")
        return {"input_error": entry, "codes": []}
    except OSError as error:
        return input_error(_os_message(error))

    debug = None
    debug_failure: OSError | None = None
    if options.debug_dir is not None:
        from .debug_images import DebugImageWriter

        try:
            debug = DebugImageWriter(options.debug_dir, item.index, item.name)
        except OSError as error:
            debug_failure = error

    def on_step(step: str, view: Any) -> None:
        nonlocal debug, debug_failure
        if debug is not None:
            try:
                debug.step(step, view)
            except OSError as error:  # a full disk: stop writing, keep decoding
                debug, debug_failure = None, error

    results = scan(image, find_all=options.find_all, on_step=on_step if debug is not None else None)
    if debug is not None:
        try:
            debug.outline(image, results)
        except OSError as error:
            debug_failure = error
    entry = scan_entry(results, mask=options.mask)
    if options.records:
        entry["records"] = [result.record for result in results if result.record is not None]
    if options.mrz or not results:  # the back of the card, a passport page: the zone instead of a QR code
        from .mrz import read_mrz_reading
        from .report import mrz_code

        entry["searched"] = ["qr", "mrz"]
        found = read_mrz_reading(image)
        if found is not None:
            entry["codes"].append(mrz_code(found[0], found[1].corners, found[1].elapsed, mask=options.mask))
            if options.records:
                entry["records"].append(found[0])
    if debug_failure is not None:
        entry["debug_error"] = {
            "type": type(debug_failure).__name__,
            "field": None,
            "message": f"debug images not written ({debug_failure.strerror or 'write failed'})",
        }
    return entry


# --- the batch ---------------------------------------------------------------------------


def _worker_start(quiet_notices: bool = False) -> None:
    """Worker set-up: Ctrl-C is the parent's to handle (no traceback from each worker), and OpenCV runs
    on one thread, so that N workers run N threads rather than N times OpenCV's pool (on the shared 2-core
    box this made no measurable difference: bench/bench_batch.py, docs/benchmarks.md "Batch").

    ``quiet_notices``: the parent has said which optional backends are off
    (:func:`vssid_id.images.backends.available`), so the workers do not say it again: once per batch,
    not once per worker."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:  # pragma: no cover - OpenCV is a dependency
        pass
    if quiet_notices:
        import logging

        logging.getLogger("vssid_id").addFilter(_not_a_backend_notice)


def _not_a_backend_notice(record: Any) -> bool:
    return "backend is off" not in record.getMessage()


def _context() -> BaseContext:
    import multiprocessing

    # forkserver: workers are forked from a clean server process that has the
    # decoder and its libraries imported once (fork from a process running
    # threads is unsafe); a module that fails to import there is skipped.
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(
            ["vssid_id.scanning.forkserver_preload", "vssid_id.scanning.scanner", "vssid_id.scanning.report", "numpy",
             "cv2", "zxingcpp", "PIL.Image"]
        )
        _start_forkserver_deaf_to_ctrl_c()
        return context
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


def _start_forkserver_deaf_to_ctrl_c() -> None:
    """Start the fork server (once per process) with Ctrl-C blocked, as its workers inherit it.

    A terminal's Ctrl-C goes to every process of the group. Started as it
    was, the fork server took a Ctrl-C in its first half second (importing
    the decoder's libraries) as a KeyboardInterrupt and printed a traceback,
    and so did each worker before :func:`_worker_start` ran. The parent stops
    the pool on Ctrl-C; the server and its workers need not hear it. The
    server inherits the blocked signal mask of the thread that starts it
    (across fork and exec); this process does not lose a Ctrl-C meanwhile:
    blocked in this thread only, it is taken by another thread or, once
    unblocked, by this one. (Ignoring it instead, SIG_IGN, lost it when it
    reached one of the decoder libraries' threads.)
    """
    import signal
    import threading
    from multiprocessing import forkserver, resource_tracker

    # The server starts the resource tracker, which unblocks Ctrl-C once it has: started first,
    # outside the window below.
    resource_tracker.ensure_running()
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        forkserver.ensure_running()
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def start_resource_tracker_quietly() -> None:
    """Start multiprocessing's resource tracker (once per process) with its warnings off: for a program
    that owns its process (``vssid-scan``), not for a library call.

    A pool's queues hold named semaphores, which the tracker unlinks if this
    process exits without doing so; it also warns, on stderr, "There appear
    to be N leaked semaphore objects" and names each. After Ctrl-C a
    clean-up can be cut short (a semaphore unlinked by a thread that the
    interpreter's exit then froze, before it told the tracker: one CI run
    of tests/test_cli_hardening.py printed those warnings below
    "interrupted"). The tracker still cleans up; the warnings, which a user
    who pressed Ctrl-C cannot act on, go. The tracker is a ``python -c``
    child that takes this interpreter's ``-W`` options
    (``multiprocessing.util._args_from_interpreter_flags``), so the option
    is added for the moment it starts. Already running, it is left as it is.
    """
    import sys
    from multiprocessing import resource_tracker

    option = "ignore::UserWarning:multiprocessing.resource_tracker"
    sys.warnoptions.append(option)
    try:
        resource_tracker.ensure_running()
    finally:
        sys.warnoptions.remove(option)


def _new_pool(jobs: int) -> ProcessPoolExecutor:
    from concurrent.futures import ProcessPoolExecutor

    from ..images.backends import available

    available()  # its notices (a backend that cannot run), here, once: the workers keep quiet
    return ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_worker_start,
                               initargs=(True,))


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool`` now: running workers are ended, queued items dropped."""
    # The workers are ended first, and taken before shutdown(), which sets the pool's list of them
    # to None (read after it, as this did, nothing was ended) and lets the pool's semaphores go:
    # a worker still starting then failed to find them and printed a traceback (Ctrl-C in the
    # first half second of a batch). The executor has no public way to end running work.
    call_queue = getattr(pool, "_call_queue", None)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    # Items still buffered for the ended workers are dropped: the executor's
    # exit hook joins its call queue, and a queue whose readers were ended
    # may never drain (a hang seen once at Ctrl-C on a loaded machine).
    if call_queue is not None:
        call_queue.cancel_join_thread()


def _crash_entry() -> Entry:
    return internal_error(
        "WorkerCrash", "the process decoding this input stopped abruptly (killed, e.g. for using too much memory)"
    )


def run_batch(
    items: Iterable[WorkItem],
    options: ScanOptions,
    jobs: int = 1,
    worker: Callable[[WorkItem, ScanOptions], Entry] | None = None,
) -> Generator[tuple[WorkItem, Entry], None, None]:
    """Yield ``(item, entry)`` for every item, in the order of ``items``.

    With ``jobs > 1`` and more than one input to read, the inputs are scanned
    in a pool of ``jobs`` worker processes; otherwise in this process.
    ``worker`` (default :func:`scan_item`, looked up at call time) scans one
    item; in a pool it must be a module-level function.
    """
    work = worker or scan_item
    rest = iter(items)
    head: list[WorkItem] = []  # taken until `jobs` need work: a pool never has a worker without an image
    for item in rest:
        head.append(item)
        if sum(item.needs_work for item in head) >= jobs:
            break
    jobs = min(jobs, sum(item.needs_work for item in head))
    if jobs <= 1:
        for item in itertools.chain(head, rest):
            yield item, work(item, options)
        return
    yield from _run_pool(itertools.chain(head, rest), options, jobs, work)


def _run_pool(
    items: Iterator[WorkItem], options: ScanOptions, jobs: int, work: Callable[[WorkItem, ScanOptions], Entry]
) -> Iterator[tuple[WorkItem, Entry]]:
    from concurrent.futures.process import BrokenProcessPool

    running: deque[tuple[WorkItem, Future[Entry] | None]] = deque()
    pool = _new_pool(jobs)
    try:
        while True:
            while len(running) < jobs * _WINDOW_PER_JOB:
                item = next(items, None)
                if item is None:
                    break
                running.append((item, pool.submit(work, item, options) if item.needs_work else None))
            if not running:
                break
            item, future = running[0]
            if future is None:
                running.popleft()
                yield item, item.entry or {}
                continue
            try:
                entry = future.result()
            except BrokenProcessPool:
                # A worker died. Which input killed it is unknown: every input
                # that had not finished is run again alone, in order, and the
                # one that kills its lone worker is reported as the cause.
                pool.shutdown(wait=True)
                suspects = list(running)
                running.clear()
                yield from _isolate(suspects, options, work)
                pool = _new_pool(jobs)
                continue
            except Exception as error:  # pickling failure and the like: this input only
                entry = internal_error(exception_name(error), f"the worker process failed ({exception_name(error)})")
            running.popleft()
            yield item, entry
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _isolate(
    suspects: list[tuple[WorkItem, Future[Entry] | None]],
    options: ScanOptions,
    work: Callable[[WorkItem, ScanOptions], Entry],
) -> Iterator[tuple[WorkItem, Entry]]:
    """Entries of the inputs in flight when a worker died: finished ones as they are, the rest rerun alone."""
    from concurrent.futures.process import BrokenProcessPool

    pool: ProcessPoolExecutor | None = None
    try:
        for item, future in suspects:
            if future is None:
                yield item, item.entry or {}
                continue
            if future.done() and not future.cancelled() and future.exception() is None:
                yield item, future.result()
                continue
            pool = pool or _new_pool(1)
            try:
                entry = pool.submit(work, item, options).result()
            except BrokenProcessPool:
                entry = _crash_entry()
                pool.shutdown(wait=True)
                pool = None
            yield item, entry
    except BaseException:
        if pool is not None:
            _stop(pool)
        raise
    if pool is not None:
        pool.shutdown(wait=True)
