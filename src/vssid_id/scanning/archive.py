"""Archives: many stored images → one row each, on the local worker pool or a Dask cluster.

:func:`scan_many` scans every input (local paths, directories, globs and
URLs, listed lazily by :mod:`vssid_id.scanning.sources`) and yields one
**row** per input, a flat dict in a stable schema (:data:`ROW_FIELDS`,
written to Parquet by :mod:`vssid_id.scanning.parquet`):

=================  =========================================================================
``input``          the input's name, as listed (a path or a URL)
``status``         ``ok`` / ``no_code`` / ``invalid`` / ``error``: what ``vssid-scan``'s exit
                   codes 0 / 1 / 2 / 66 or 70 say of this input alone (:func:`entry_status`)
``exit_code``      that exit code (66: the input cannot be read; 70: reading it failed
                   unexpectedly or its worker process died)
``error_type``     the input's error (status ``error``), or the first code's error (status
``error_field``    ``invalid``): the :class:`~vssid_id.errors.VssidError` subclass (or
``error_message``  ``InputError``, ``WorkerCrash`` …), the field it names, its message (which
                   never holds card data)
``masked``         whether the record fields are masked (:mod:`vssid_id.cards.masking`)
``elapsed_ms``     reading, decoding and parsing this input, in its worker
``codes``          the codes found: a list of :data:`CODE_FIELDS` dicts — ``kind``, ``backend``,
                   ``step``, ``elapsed_ms`` (the decoder's), the code's error, and every field
                   of every card record (:data:`RECORD_FIELDS`), null where the card has none
=================  =========================================================================

A record's fields are given as text, as the JSON output shows them: text as
it is, numbers, booleans and dates in their JSON form (``1990``,
``"1990-03-05"``), nested parts (``id_number_parts``, ``warnings`` …) as JSON
text. Text, because masking turns numbers and dates into text
(``"****-**-** (1990)"``), and the schema must not depend on ``--no-mask``.
Records are masked unless ``mask=False``.

Where the work runs:

* **Without a client**: the local process pool of ``vssid-scan --jobs``
  (:func:`vssid_id.scanning.batch.run_batch`), rows in input order.
* **With a Dask client** (``distributed.Client``): the inputs go to the
  cluster as tasks of ``batch_size`` inputs each (default
  :data:`DEFAULT_BATCH_SIZE`: about 0.6–2 s of work at the measured 20–60
  ms per image, against about 1 ms of Dask overhead per task). Each task
  carries names, never image bytes (``-``, stdin, excepted): the worker reads
  the image itself. Rows come in the order tasks finish. At most
  ``2 × the cluster's threads`` tasks are submitted at a time (refreshed as
  workers come and go), so the listing is consumed as the cluster works,
  and neither the client nor the scheduler holds more than that many
  batches. **Memory per worker** is then: its libraries (about 0.3 GB),
  plus one image being decoded per worker thread, at most about 12 bytes per
  pixel of the 50-megapixel cap (:mod:`vssid_id.images.loading`: 0.6 GB;
  a 12 MP phone photo takes about 0.15 GB), plus the rows of the few batches
  it holds (kilobytes). Run workers with one thread each and a memory limit
  (``dask worker --nthreads 1 --memory-limit 2GiB``).
* **A worker that dies** (killed, out of memory) loses its task; the
  scheduler runs it again on another worker. A batch that has killed
  ``distributed.scheduler.allowed-failures`` + 1 workers (Dask's
  ``KilledWorker``) is split and each of its inputs is run alone, one at a
  time (as the local pool does); an input that still kills its worker gets a
  row with status ``error`` and ``error_type`` ``WorkerCrash``. Every input gets
  exactly one row. A failure of the cluster itself (the scheduler lost, the
  client closed) is raised, ending the run: its inputs get no row, so that a
  resumed run scans them.

Nothing of Dask is imported unless a client is given.
"""

from __future__ import annotations

import json
import os
import time
import typing
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..images.loading import DEFAULT_MAX_BYTES
from .batch import Entry, ScanOptions, WorkItem, internal_error, run_batch, scan_item

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client, Future

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "RECORD_FIELDS",
    "CODE_FIELDS",
    "ROW_FIELDS",
    "STATUSES",
    "entry_status",
    "entry_row",
    "scan_many",
    "scan_batch",
    "connect",
]

Row = dict[str, Any]

#: Inputs per Dask task.
DEFAULT_BATCH_SIZE = 32

#: Status → the exit code ``vssid-scan`` gives an input with it (``error``: 66 or 70, see ``exit_code``).
STATUSES = {"ok": 0, "no_code": 1, "invalid": 2, "error": 70}


def _record_fields() -> tuple[str, ...]:
    """Every field of every card record, in the records' order (first seen first)."""
    from ..cards.records import Record

    fields: dict[str, None] = {}
    for model in typing.get_args(Record):
        for name in [*model.model_fields, *model.model_computed_fields]:
            fields.setdefault(name, None)
    return tuple(fields)


#: The fields of a code that are not record fields.
_CODE_OWN_FIELDS = ("kind", "backend", "step", "elapsed_ms", "error_type", "error_field", "error_message")

#: Every record field of every card kind (``kind`` is among the code's own fields).
RECORD_FIELDS = tuple(name for name in _record_fields() if name not in _CODE_OWN_FIELDS)

#: The fields of one code in a row's ``codes``.
CODE_FIELDS = _CODE_OWN_FIELDS + RECORD_FIELDS

#: The fields of a row, in order.
ROW_FIELDS = (
    "input", "status", "exit_code", "error_type", "error_field", "error_message", "masked", "elapsed_ms", "codes",
)


# --- entry → row -------------------------------------------------------------------------


def entry_status(entry: Entry) -> tuple[str, int]:
    """``(status, exit code)`` of one input's entry, by the rule of ``vssid-scan``'s exit codes.

    >>> entry_status({"codes": []})
    ('no_code', 1)
    >>> entry_status({"input_error": {"type": "ImageError"}, "codes": []})
    ('error', 66)
    """
    if entry.get("internal_error"):
        return "error", 70
    if entry.get("input_error"):
        return "error", 66
    if not entry["codes"]:
        return "no_code", 1
    if any(code.get("error") for code in entry["codes"]):
        return "invalid", 2
    return "ok", 0


def _text(value: Any) -> str | None:
    """A record field as text: text as it is, anything else as its JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _code_row(code: dict[str, Any]) -> dict[str, Any]:
    decoder = code.get("decoder") or {}
    error = code.get("error") or {}
    record = code.get("record") or {}
    unknown = set(record) - set(RECORD_FIELDS) - {"kind"}
    if unknown:  # a record field the schema does not know would be lost: say so loudly
        raise KeyError(f"record fields missing from the row schema: {sorted(unknown)}")
    row: dict[str, Any] = {
        "kind": record.get("kind"),
        "backend": decoder.get("backend"),
        "step": decoder.get("step"),
        "elapsed_ms": decoder.get("elapsed_ms"),
        "error_type": error.get("type"),
        "error_field": error.get("field"),
        "error_message": error.get("message"),
    }
    row.update((name, _text(record.get(name))) for name in RECORD_FIELDS)
    return row


def entry_row(name: str, entry: Entry, *, masked: bool, elapsed_ms: float | None = None) -> Row:
    """The row of one input from its batch entry (:func:`vssid_id.scanning.batch.scan_item`)."""
    status, exit_code = entry_status(entry)
    codes = entry.get("codes") or []
    error = entry.get("internal_error") or entry.get("input_error")
    if error is None and status == "invalid":
        error = next(code["error"] for code in codes if code.get("error"))
    error = error or {}
    return {
        "input": name,
        "status": status,
        "exit_code": exit_code,
        "error_type": error.get("type"),
        "error_field": error.get("field"),
        "error_message": error.get("message"),
        "masked": masked,
        "elapsed_ms": elapsed_ms,
        "codes": [_code_row(code) for code in codes],
    }


def _crash_row(item: WorkItem, options: ScanOptions) -> Row:
    entry = internal_error(
        "WorkerCrash", "the process decoding this input stopped abruptly (killed, e.g. for using too much memory)"
    )
    return entry_row(item.name, entry, masked=options.mask)


# --- in a worker -------------------------------------------------------------------------


def scan_timed(item: WorkItem, options: ScanOptions) -> Entry:
    """:func:`~vssid_id.scanning.batch.scan_item` with the time it took, under ``"elapsed_ms"``."""
    start = time.perf_counter()
    entry = scan_item(item, options)
    if item.needs_work:
        entry = {**entry, "elapsed_ms": round((time.perf_counter() - start) * 1000, 2)}
    return entry


def _row(item: WorkItem, entry: Entry, options: ScanOptions) -> Row:
    return entry_row(item.name, entry, masked=options.mask, elapsed_ms=entry.get("elapsed_ms"))


_worker_ready = False


def scan_batch(
    items: list[WorkItem], options: ScanOptions, worker: Callable[[WorkItem, ScanOptions], Entry] | None = None
) -> list[Row]:
    """One Dask task: the rows of ``items``, scanned in turn in this worker. Never raises for an input."""
    global _worker_ready
    if not _worker_ready:  # as the local pool's workers: OpenCV on one thread, one thread per worker thread
        try:
            import cv2

            cv2.setNumThreads(1)
        except ImportError:  # pragma: no cover - OpenCV is a dependency
            pass
        _worker_ready = True
    work = worker or scan_timed
    return [_row(item, work(item, options), options) for item in items]


# --- the whole run ----------------------------------------------------------------------


def _stdin_bytes(max_bytes: int) -> Callable[[], bytes]:
    def read() -> bytes:
        import sys

        from ..images.loading import read_limited

        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise OSError(9, "stdin is closed")
        return read_limited(stream, max_bytes, "<stdin>")

    return read


def scan_many(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    client: Client | None = None,
    jobs: int | None = None,
    mask: bool = True,
    find_all: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int = DEFAULT_BATCH_SIZE,
    skip: Callable[[str], bool] | None = None,
    read_stdin: Callable[[], bytes] | None = None,
    worker: Callable[[WorkItem, ScanOptions], Entry] | None = None,
) -> Iterator[Row]:
    """Scan every input and yield one row each (see the module doc for the row, the pool and the cluster).

    ``inputs``: a path, directory, glob or URL, or an iterable of them
    (consumed lazily). ``client``: a ``distributed.Client`` to run on; without
    one, ``jobs`` worker processes here (default: the number of cores).
    ``skip(name)`` true leaves an input out (``--resume``). ``-`` reads image
    bytes from stdin (or ``read_stdin()``). Masked unless ``mask=False``;
    ``find_all`` as :func:`vssid_id.scan`. ``worker`` (tests, benchmarks) scans one item in place of
    :func:`scan_timed`: a module-level function, since it is sent to other processes.

    >>> rows = list(scan_many("no/such/folder", jobs=1))
    >>> rows[0]["status"], rows[0]["error_message"]
    ('error', 'no such file')
    """
    from .sources import iter_inputs

    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number >= 1, not {batch_size!r}")
    options = ScanOptions(find_all=find_all, mask=mask, max_bytes=max_bytes)
    items: Iterator[WorkItem] = iter_inputs((os.fspath(x) for x in inputs), read_stdin or _stdin_bytes(max_bytes))
    if skip is not None:
        items = (item for item in items if not skip(item.name))
    if client is None:
        for item, entry in run_batch(items, options, jobs=jobs or _cores(), worker=worker or scan_timed):
            yield _row(item, entry, options)
    else:
        yield from _run_on_cluster(client, items, options, batch_size, worker)


def connect(address: str, *, timeout: float = 20.0) -> Client:
    """A Dask client of the scheduler at ``address`` (``tcp://host:8786``); OSError when it cannot be reached."""
    from distributed import Client

    return Client(address, timeout=timeout, set_as_default=False)


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1  # pragma: no cover - not Linux


def _batches(items: Iterator[WorkItem], size: int, options: ScanOptions) -> Iterator[list[WorkItem] | Row]:
    """Batches of up to ``size`` items that need work; an item known in advance comes back as its row."""
    batch: list[WorkItem] = []
    for item in items:
        if not item.needs_work:
            yield _row(item, item.entry or {}, options)
            continue
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Window:
    """How many tasks may be out at a time: twice the cluster's threads, looked up at most once a second."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.checked = -1.0
        self.size = 2

    def __call__(self) -> int:
        now = time.monotonic()
        if now - self.checked >= 1.0:
            self.checked = now
            try:
                self.size = max(2, 2 * sum(self.client.nthreads().values()))
            except Exception:  # the scheduler is briefly unreachable: keep the last size
                pass
        return self.size


def _run_on_cluster(
    client: Client,
    items: Iterator[WorkItem],
    options: ScanOptions,
    size: int,
    worker: Callable[[WorkItem, ScanOptions], Entry] | None,
) -> Iterator[Row]:
    from collections import deque

    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    window = _Window(client)
    batches = _batches(items, size, options)
    out: dict[Future[list[Row]], tuple[list[WorkItem], bool]] = {}  # future → (its items, run alone?)
    done = as_completed(loop=client.loop)
    ready: list[Row] = []  # rows known without a task (missing files …), handed out as they come
    # The inputs of a batch that killed its workers, each to run alone, one at a time: a suspect that kills
    # its worker then takes no other suspect with it (innocent tasks queued on that worker are rerun).
    suspects: deque[WorkItem] = deque()

    def submit(batch: list[WorkItem], alone: bool = False) -> None:
        future = client.submit(scan_batch, batch, options, worker, pure=False)
        out[future] = (batch, alone)
        done.add(future)

    def top_up() -> None:
        if suspects and not any(alone for _, alone in out.values()):
            submit([suspects.popleft()], alone=True)
        while len(out) < window():
            batch = next(batches, None)
            if batch is None:
                return
            if isinstance(batch, dict):
                ready.append(batch)
            else:
                submit(batch)

    try:
        top_up()
        while ready or out or suspects:
            yield from ready
            ready.clear()
            if not out:
                top_up()
                continue
            future = next(done)
            batch, alone = out.pop(future)
            try:
                rows = future.result()
            except KilledWorker:  # the task killed its workers (Dask gave up after allowed-failures + 1)
                rows = [_crash_row(batch[0], options)] if alone else []
                if not alone:  # which input did it is unknown: each runs alone
                    suspects.extend(batch)
            # Any other failure is the cluster's (the scheduler lost, the task cancelled), not an input's:
            # it ends the run rather than giving the inputs rows that --resume would then skip.
            future.release()
            yield from rows
            top_up()
    finally:
        for future in out:
            future.cancel()
