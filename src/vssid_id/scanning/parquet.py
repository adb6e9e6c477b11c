"""Rows of :func:`vssid_id.scan_many` into one Parquet file, written as they come, resumable.

``vssid-scan SRC --out results.parquet`` ends with **one Parquet file**,
``results.parquet``, in one schema (:func:`row_schema`), one row per input,
that pyarrow, pandas, Polars, DuckDB and Spark read directly. While the run
goes, the rows are written as numbered part files into the folder beside it,
``results.parquet.parts/`` (``part-000001.parquet`` …), because a Parquet
file is readable only once its footer is written: one file growing for hours
would be lost whole by a crash. When the run ends, the parts (and the rows of
an earlier run, with ``--resume``) are copied into the final file, one row
group per part, and the folder is removed.

* **Incremental**: rows are buffered and written as one part every
  ``rows_per_part`` rows (default :data:`DEFAULT_ROWS_PER_PART`) or
  ``seconds_per_part`` seconds (default :data:`DEFAULT_SECONDS_PER_PART`),
  whichever comes first. A part is written under a temporary name and renamed
  when complete, so a crash loses at most the rows not yet written (one
  part's worth) and never leaves a half-written part; the parts written stay
  for ``--resume``. A run stopped by an exception (Ctrl-C, a lost cluster)
  writes its buffered rows as a last part and leaves the parts as they are.
* **Resume**: :func:`written_inputs` reads the ``input`` column of the file
  and the parts already there, and the run skips those inputs; new parts are
  numbered after the last. The inputs are held as 16-byte BLAKE2b digests in
  a sorted numpy array (160 MB for ten million), not as Python strings.
* Rows are in the order :func:`~vssid_id.scan_many` yields them (input
  order on the local pool; the order tasks finish on a cluster).

pyarrow is imported only here, and only when a Parquet file is written or read.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .archive import CODE_FIELDS, ROW_FIELDS

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pyarrow as pa

__all__ = [
    "DEFAULT_ROWS_PER_PART",
    "DEFAULT_SECONDS_PER_PART",
    "row_schema",
    "PartWriter",
    "written_inputs",
    "InputSet",
    "ArchiveSummary",
    "parts_folder",
    "finish",
    "scan_to_parquet",
    "read_rows",
]

#: Rows per part file: at most this many are lost by a crash.
DEFAULT_ROWS_PER_PART = 1000

#: A part is also written after this many seconds, so that a slow run loses little.
DEFAULT_SECONDS_PER_PART = 60.0

_PART = re.compile(r"part-(\d+)\.parquet")


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise ImportError("Parquet output needs pyarrow: pip install 'vssid_id[dask]' (or pyarrow)") from None
    return pyarrow


def row_schema() -> pa.Schema:
    """The Parquet schema of a row (:mod:`vssid_id.scanning.archive`): one per input."""
    pa = _pyarrow()
    code = pa.struct(
        [(name, pa.float64() if name == "elapsed_ms" else pa.string()) for name in CODE_FIELDS]
    )
    types = {
        "input": pa.string(),
        "status": pa.string(),
        "exit_code": pa.int16(),
        "error_type": pa.string(),
        "error_field": pa.string(),
        "error_message": pa.string(),
        "masked": pa.bool_(),
        "elapsed_ms": pa.float64(),
        "codes": pa.list_(code),
    }
    return pa.schema([(name, types[name]) for name in ROW_FIELDS])


def storable_name(name: str) -> str:
    r"""``name`` as Parquet text (UTF-8): a byte of a file name that is not UTF-8 (a surrogate, by Python's
    surrogateescape) becomes the six characters ``\udcXX``, as ``vssid-scan --json`` writes it.

    >>> storable_name("scan-\udcff.jpg")
    'scan-\\udcff.jpg'
    """
    return _SURROGATE.sub(lambda match: f"\\u{ord(match[0]):04x}", name)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _parts(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if _PART.fullmatch(path.name))


def parts_folder(out: str | os.PathLike[str]) -> Path:
    """Where the parts of the run writing ``out`` go: ``out`` + ``.parts``."""
    return Path(os.fspath(out) + ".parts")


class PartWriter:
    """Write rows into ``folder`` as numbered Parquet part files (see the module doc); never one file."""

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        rows_per_part: int = DEFAULT_ROWS_PER_PART,
        seconds_per_part: float = DEFAULT_SECONDS_PER_PART,
    ) -> None:
        self._pa = _pyarrow()
        import pyarrow.parquet

        self._pq = pyarrow.parquet
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob(".part-*.tmp"):  # a part a crash left half-written
            stale.unlink()
        existing = [int(match[1]) for path in _parts(self.folder) if (match := _PART.fullmatch(path.name))]
        self.next_number = max(existing, default=0) + 1
        self.rows_per_part = rows_per_part
        self.seconds_per_part = seconds_per_part
        self.schema = row_schema()
        self._rows: list[dict[str, Any]] = []
        self._since = time.monotonic()
        self.parts_written = 0

    def write(self, row: dict[str, Any]) -> None:
        self._rows.append({**row, "input": storable_name(row["input"])})
        if len(self._rows) >= self.rows_per_part or time.monotonic() - self._since >= self.seconds_per_part:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows as one part (nothing when there are none)."""
        self._since = time.monotonic()
        if not self._rows:
            return
        table = self._pa.Table.from_pylist(self._rows, schema=self.schema)
        name = f"part-{self.next_number:06d}.parquet"
        temporary = self.folder / f".{name}.tmp"
        self._pq.write_table(table, temporary, compression="zstd")
        os.replace(temporary, self.folder / name)
        self.next_number += 1
        self.parts_written += 1
        self._rows = []

    def close(self) -> None:
        self.flush()


def _digest(name: str) -> bytes:
    return hashlib.blake2b(storable_name(name).encode("utf-8"), digest_size=16).digest()


@dataclass(frozen=True)
class InputSet:
    """A set of input names, held as sorted 16-byte digests (a collision needs about 2**64 names)."""

    digests: np.ndarray

    def __len__(self) -> int:
        return len(self.digests)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or not len(self.digests):
            return False
        import numpy as np

        key = np.array([_digest(name)], dtype="S16")
        position = int(np.searchsorted(self.digests, key[0]))
        return position < len(self.digests) and bytes(self.digests[position]) == key[0]


def _input_names(out: Path) -> Iterator[list[str]]:
    """The ``input`` column of the final file and of each part, one list at a time."""
    import pyarrow.parquet as pq

    if out.is_file():
        file = pq.ParquetFile(out)
        for group in range(file.num_row_groups):
            yield file.read_row_group(group, columns=["input"]).column("input").to_pylist()
    for part in _parts(parts_folder(out)):
        yield pq.read_table(part, columns=["input"]).column("input").to_pylist()


def written_inputs(out: str | os.PathLike[str]) -> InputSet:
    """The inputs that already have a row in ``out`` or in its parts (none if neither exists)."""
    import numpy as np

    path = Path(out)
    chunks = []
    if path.is_file() or parts_folder(path).is_dir():
        _pyarrow()
        chunks = [np.array([_digest(name) for name in names], dtype="S16") for names in _input_names(path)]
    digests = np.sort(np.concatenate(chunks)) if chunks else np.array([], dtype="S16")
    return InputSet(digests)


def finish(out: str | os.PathLike[str]) -> None:
    """Copy the rows of ``out`` (if any) and of its parts into a new ``out``; remove the parts.

    One row group at a time is held in memory; the new file replaces the old one only when complete.
    """
    pa = _pyarrow()
    import pyarrow.parquet as pq

    path, folder = Path(out), parts_folder(out)
    parts = _parts(folder)
    if not parts and path.is_file():
        return
    temporary = path.with_name(f".{path.name}.tmp")
    schema = row_schema()
    with pq.ParquetWriter(temporary, schema, compression="zstd") as writer:
        if path.is_file():
            file = pq.ParquetFile(path)
            for group in range(file.num_row_groups):
                writer.write_table(file.read_row_group(group))
        for part in parts:
            writer.write_table(pq.read_table(part).cast(schema))
        if not parts and not path.is_file():
            writer.write_table(pa.Table.from_pylist([], schema=schema))
    os.replace(temporary, path)
    for part in parts:
        part.unlink()
    for stale in folder.glob(".part-*.tmp") if folder.is_dir() else []:
        stale.unlink()
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


@dataclass
class ArchiveSummary:
    """What one ``scan_to_parquet`` run did: rows written per status, inputs skipped, parts written."""

    statuses: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    parts: int = 0
    exit_code: int = 0

    @property
    def rows(self) -> int:
        return sum(self.statuses.values())


def scan_to_parquet(
    inputs: Any,
    out: str | os.PathLike[str],
    *,
    resume: bool = False,
    on_row: Callable[[dict[str, Any]], None] | None = None,
    rows_per_part: int = DEFAULT_ROWS_PER_PART,
    seconds_per_part: float = DEFAULT_SECONDS_PER_PART,
    **options: Any,
) -> ArchiveSummary:
    """:func:`~vssid_id.scan_many` (``inputs`` and ``options`` as it takes them) into the Parquet folder ``out``.

    Without ``resume``, ``out`` must not hold parts already (:class:`FileExistsError`); with it, the inputs
    that have a row there are skipped. ``on_row(row)`` is called for each row written (progress).
    Returns the counts; ``exit_code`` is ``vssid-scan``'s for the rows of this run (the highest).
    """
    from .archive import scan_many

    path, folder = Path(out), parts_folder(out)
    if path.exists() and not path.is_file():
        raise FileExistsError(errno.EEXIST, "exists and is not a Parquet file", os.fspath(path))
    if not resume and (path.exists() or _parts(folder)):
        raise FileExistsError(errno.EEXIST, "already holds results: add --resume to go on, or remove it",
                              os.fspath(path))
    done = written_inputs(path) if resume else None
    summary = ArchiveSummary()

    def skip(name: str) -> bool:
        if done is not None and name in done:
            summary.skipped += 1
            return True
        return False

    writer = PartWriter(folder, rows_per_part=rows_per_part, seconds_per_part=seconds_per_part)
    try:
        for row in scan_many(inputs, skip=skip if done is not None and len(done) else None, **options):
            writer.write(row)
            summary.statuses[row["status"]] = summary.statuses.get(row["status"], 0) + 1
            summary.exit_code = max(summary.exit_code, row["exit_code"])
            if on_row is not None:
                on_row(row)
    finally:
        writer.close()  # what was scanned is kept, whatever stopped the run
        summary.parts = writer.parts_written
    finish(path)
    return summary


def read_rows(out: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every row of ``out`` and of its parts, as dicts (for tests and small results)."""
    import pyarrow.parquet as pq

    path = Path(out)
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist() if path.is_file() else []
    for part in _parts(parts_folder(path)):
        rows.extend(pq.read_table(part).to_pylist())
    return rows
