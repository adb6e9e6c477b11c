"""``vssid-scan``: read the QR codes of CCCD / Căn cước / BHYT cards from images.

Heavy libraries (OpenCV, zxing-cpp, Pillow, pydantic) are imported only once
there is work to do, so ``--help`` and ``--version`` start instantly. The batch
itself (reading inputs with a byte cap, the worker pool) is in
:mod:`vssid_id.scanning.batch`, the way lines are written (encodings, text layout) in
:mod:`vssid_id.cli.output`; this module parses the options, runs the sources
in turn and decides the exit code.

Nothing here ends in a traceback: every input's problem is one line (one JSON
object with ``--json``) and an exit code; a closed pipe and Ctrl-C end the run
quietly with their own codes, an output that cannot be written (stdout closed,
disk full) with one line on stderr and exit code 74.
"""

from __future__ import annotations

import argparse
import errno
import io
import math
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, NoReturn

from .. import __version__
from .output import (
    SURROGATE,
    json_line,
    print_declaration,
    print_entry,
    print_form,
    print_problems,
    printable_name,
    write_line,
    write_text,
)

# Exit codes (also in --help and README.md). When several apply, the highest wins.
EXIT_OK = 0
EXIT_NO_CODE = 1
EXIT_INVALID = 2  # also: --form found conflicts between the cards
EXIT_USAGE = 64  # EX_USAGE from sysexits.h
EXIT_NO_INPUT = 66  # EX_NOINPUT: an input is missing, unreadable, not an image or too large
EXIT_UNAVAILABLE = 69  # EX_UNAVAILABLE: --out / --scheduler need a package not installed, or the scheduler is down
EXIT_SOFTWARE = 70  # EX_SOFTWARE: reading an input failed unexpectedly (a bug, out of memory, a worker died)
EXIT_CANT_CREATE = 73  # EX_CANTCREAT: --debug-dir cannot be created or written
EXIT_IO_ERROR = 74  # EX_IOERR: the output cannot be written (stdout closed, disk full)
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports `tool | head`

EXIT_CODES = (
    EXIT_OK, EXIT_NO_CODE, EXIT_INVALID, EXIT_USAGE, EXIT_NO_INPUT, EXIT_UNAVAILABLE,
    EXIT_SOFTWARE, EXIT_CANT_CREATE, EXIT_IO_ERROR, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE,
)

#: The most worker processes --jobs may ask for (each holds the decoder's
#: libraries, about 60 MB); a batch never starts more than it has images.
MAX_JOBS = 64

#: The largest --camera index, :data:`vssid_id.images.camera.MAX_CAMERA_INDEX`
#: (not imported: that module loads the decoder). A negative index crashed
#: inside OpenCV, and one past a C int raised OverflowError.
MAX_CAMERA_INDEX = 9999

_EPILOG = f"""\
what is reported:
  By default, every card found on an image: each QR code whose payload is a
  valid CCCD / Căn cước or BHYT record (a BHYT card and a CCCD side by side
  give two records); an image whose codes are none of them reports those
  codes with the reason they are not a card. --all runs every decoder step and
  reports every QR code on the image, cards or not.

masking:
  Personal data (numbers, names, addresses, dates of birth) is masked by
  default in every output, text or JSON, terminal or not, so that output
  pasted into a ticket or a log is safe: numbers keep their last 4 digits,
  names their initials, addresses their province, dates of birth their year.
  --no-mask prints everything as the card holds it.

inputs:
  An IMAGE may be a file, a directory, a glob ('scans/**/*.jpg', quoted) or
  a URL read through fsspec (s3://, gs://, https://, ...; the storage's
  package, e.g. s3fs, installed by you). Files must be regular files (a
  device or FIFO is refused: pipe it in with -) of at most --max-bytes bytes;
  URLs are streamed with the same cap. Text output escapes what the terminal
  cannot show; --json lines are UTF-8 JSON, with every byte of a file name
  that is not UTF-8 written as \\udcXX (Python's surrogateescape).

exit codes:
  {EXIT_OK}    every input was read and every code is a valid card record
  {EXIT_NO_CODE}    at least one image had no readable QR code (or --camera timed out)
  {EXIT_INVALID}    a QR code was read but its payload is not a valid card record;
       with --form: the cards disagree (the conflicts are printed), or two
       different cards of one kind were given; with the declaration's
       options: the declaration has problems (listed on stderr) or conflicts
  {EXIT_USAGE}   usage error (bad options)
  {EXIT_NO_INPUT}   an input is missing, unreadable, not a regular file, not an image or
       too large, or the camera cannot be opened
  {EXIT_UNAVAILABLE}   --out or --scheduler needs a package that is not installed
       (pip install 'vssid_id[dask]'), or the Dask scheduler cannot be reached
  {EXIT_SOFTWARE}   reading an input failed unexpectedly (an internal error, out of
       memory, or its worker process died)
  {EXIT_CANT_CREATE}   --debug-dir or --out cannot be created or written (or --out, or its
       parts, hold results and --resume was not given), or --pdf
  {EXIT_IO_ERROR}   the output cannot be written (stdout closed, disk full)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
  {EXIT_BROKEN_PIPE}  stdout was closed early (e.g. piped into head): the run stops quietly
  One line (text) or one JSON object (--json) per input, whatever happens to it
  (with --out: one row per input, and one summary line on stdout);
  the rest of a batch is always processed. When several codes apply, the
  highest wins.

examples:
  vssid-scan --sample
  vssid-scan photo.heic scans/ --json --jobs 2
  vssid-scan --payload '001090123456||Nguyễn Văn An|05031990|Nam|Hà Nội|15082021'
  cat photo.jpg | vssid-scan -
  vssid-scan bhyt.jpg cccd.jpg --form
  vssid-scan bhyt.jpg cccd.jpg --form --phone 0912345678 --email an@example.com \\
      --portrait p.jpg --id-front f.jpg --id-back b.jpg --pdf to-khai.pdf
  vssid-scan back.jpg            (the back of the card: its machine-readable zone)
  vssid-scan --payload "$(cat mrz.txt)"
  vssid-scan 'scans/**/*.jpg' s3://bucket/intake/ --out results.parquet --resume
  vssid-scan s3://bucket/intake/ --out results.parquet --scheduler tcp://scheduler:8786
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2; we document 64
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

    def _print_message(self, message: str, file: Any = None) -> None:
        # --help and usage errors on an ASCII terminal, or quoting a file name that is not UTF-8: escaped, not a crash.
        if message:
            write_text(file or sys.stderr, message)


def _byte_count(text: str) -> int:
    """``--max-bytes``: a number of bytes, optionally with k, M, G (powers of 1000) or Ki, Mi, Gi (of 1024)."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:([kKmMgG])(i?))?[bB]?\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 50000000, 50M or 50Mi)")
    power = " kmg".index((match[2] or " ").lower())
    value = int(match[1]) * int((1024 if match[3] else 1000) ** power)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1 byte")
    return value


def _size_text(size: int) -> str:
    """``52428800`` → ``50Mi``, ``50000000`` → ``50M``: a size as --max-bytes takes it."""
    for unit, factor in (("Gi", 1 << 30), ("G", 10**9), ("Mi", 1 << 20), ("M", 10**6), ("Ki", 1 << 10), ("k", 1000)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)


def _job_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_JOBS}, not {text!r}")
    return int(text)


def _camera_index(text: str) -> int:
    """``--camera``: a device index from 0 to :data:`MAX_CAMERA_INDEX`."""
    if not text.isdigit() or not text.isascii() or int(text) > MAX_CAMERA_INDEX:
        raise argparse.ArgumentTypeError(f"must be a camera index from 0 to {MAX_CAMERA_INDEX}, not {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    """``--timeout``: a finite number of seconds above 0 (nan would mean "never", a negative one "at once")."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, not {text!r}")
    return value


def _directory_name(text: str) -> Path:
    """``--debug-dir``: a non-empty path ("" would be the current directory)."""
    if not text:
        raise argparse.ArgumentTypeError("must name a directory, not be empty")
    return Path(text)


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1  # pragma: no cover - not Linux


def build_parser() -> argparse.ArgumentParser:
    from ..images.loading import DEFAULT_MAX_BYTES  # light: no image library is imported
    parser = _Parser(
        prog="vssid-scan",
        description="Read the QR code of a CCCD / Căn cước or BHYT card from images "
        "and print the card's fields, validated.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "inputs", nargs="*", metavar="IMAGE",
        help="image files, directories (searched recursively for images), or - for image bytes on stdin",
    )
    source = parser.add_argument_group("other sources")
    source.add_argument("--sample", action="store_true", help="scan the synthetic sample card bundled with the package")
    source.add_argument("--payload", metavar="TEXT", action="append",
                        help="parse a QR payload given as text (repeatable; - reads one payload per line from stdin)")
    source.add_argument("--camera", metavar="N", type=_camera_index, help="scan webcam N until a card is read")
    source.add_argument("--timeout", metavar="SECONDS", type=_seconds, default=30.0,
                        help="with --camera: give up after this long (default 30)")
    out = parser.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="one JSON object per input (JSON Lines)")
    mask = out.add_mutually_exclusive_group()
    mask.add_argument("--mask", dest="mask", action="store_true", default=True,
                      help="mask personal data (the default)")
    mask.add_argument("--no-mask", dest="mask", action="store_false", help="print personal data unmasked")
    out.add_argument("--debug-dir", metavar="DIR", type=_directory_name,
                     help="write, per image, a copy with the QR outlined and the decoder's intermediate images "
                     "(one folder per input, named by its position in the batch)")
    out.add_argument("--form", action="store_true",
                     help="merge the cards read (a BHYT card and a CCCD, from two photos, one photo or --payload) "
                     "into the prefilled registration form and print it with its conflicts (--json: the "
                     "Registration); exit code 2 when the cards disagree")
    out.add_argument("--all", action="store_true",
                     help="report every QR code on an image, cards or not (default: every card found)")
    out.add_argument("--mrz", action="store_true",
                     help="also read the machine-readable zone (the back of a CCCD / Căn cước card, a passport "
                     "page) when a QR code is found (it is read whenever none is)")
    declaration = parser.add_argument_group(
        "the declaration (with --form)", "the rest of the declaration: with any of these, --form checks the "
        "whole declaration (vssid_id.declare), lists its problems on stderr (exit code 2) and prints it")
    declaration.add_argument("--phone", metavar="NUMBER", help="a Vietnamese mobile number")
    declaration.add_argument("--email", metavar="ADDRESS", help="an e-mail address")
    declaration.add_argument("--portrait", metavar="IMAGE", help="the portrait photo (one face; cropped to 4x6)")
    declaration.add_argument("--id-front", metavar="IMAGE", help="a photo of the identity card's front")
    declaration.add_argument("--id-back", metavar="IMAGE", help="a photo of the identity card's back")
    declaration.add_argument("--office", metavar="PLACE",
                             help="the receiving office or its province (default: from the card's address)")
    declaration.add_argument("--contact-address", metavar="TEXT", help="default: the card's address (2025 units)")
    declaration.add_argument("--pdf", metavar="FILE", type=Path, help="write the declaration as a PDF to FILE")
    work = parser.add_argument_group("batch")
    work.add_argument("--jobs", "-j", metavar="N", type=_job_count, default=None,
                      help="decode up to N images at once, in worker processes (default: the number of cores, "
                      f"{_cores()} here; at most {MAX_JOBS}, and never more than there are images); output "
                      "stays in input order; 1 decodes in this process")
    work.add_argument("--max-bytes", metavar="SIZE", type=_byte_count, default=None,
                      help="refuse files and stdin larger than SIZE bytes (k, M, G: powers of 1000; Ki, Mi, Gi: "
                      f"of 1024; default {_size_text(DEFAULT_MAX_BYTES)})")
    archive = parser.add_argument_group(
        "archives", "many stored images into a Parquet table, one row per input (needs vssid_id[dask])")
    archive.add_argument("--out", metavar="FILE.parquet", type=Path,
                         help="write one row per input into this Parquet file (as the scan goes, into parts in "
                         "FILE.parquet.parts/, gathered at the end; masked unless --no-mask); the exit code is "
                         "the batch's as usual")
    archive.add_argument("--resume", action="store_true",
                         help="with --out: skip the inputs that already have a row there, and add the rest")
    archive.add_argument("--scheduler", metavar="ADDRESS",
                         help="with --out: run on this Dask cluster (tcp://host:8786; default: "
                         "$DASK_SCHEDULER_ADDRESS when set), instead of --jobs worker processes here")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _sample_path() -> Path:
    from importlib.resources import files

    return Path(str(files("vssid_id") / "data" / "sample_card.png"))


def _emit(name: str, entry: dict[str, Any], args: argparse.Namespace) -> None:
    if args.json:
        write_line(sys.stdout, json_line({"input": name, **entry}, sys.stdout))
        sys.stdout.flush()
    else:
        print_entry(name, entry, sys.stdout)


def _status(entry: dict[str, Any]) -> int:
    if entry.get("internal_error"):
        return EXIT_SOFTWARE
    if entry.get("input_error"):
        return EXIT_NO_INPUT
    status = EXIT_OK
    if not entry["codes"]:
        status = EXIT_NO_CODE
    elif any(code.get("error") for code in entry["codes"]):
        status = EXIT_INVALID
    if entry.get("debug_error"):
        status = max(status, EXIT_CANT_CREATE)
    return status


def _run_form(records: list[Any], args: argparse.Namespace) -> int:
    """``--form``: the registration prefilled from ``records``; its exit code (2 when the cards disagree)."""
    from ..errors import VssidError
    from ..registration import prefill

    if not records:
        _fail("--form: no card was read, so there is no form to fill")
        return EXIT_NO_CODE
    try:
        registration = prefill(*records)
    except VssidError as error:  # e.g. two different cards of one kind
        _fail(f"--form: {getattr(error, 'reason', None) or error}")
        return EXIT_INVALID
    if any(getattr(args, name) is not None for name in _DECLARATION_OPTIONS):
        return _run_declaration(registration, args)
    if args.json:
        from ..registration import mask_registration

        data = mask_registration(registration) if args.mask else registration.model_dump(mode="json")
        write_line(sys.stdout, json_line(data, sys.stdout))
    else:
        print_form(registration, sys.stdout, mask=args.mask)
    return EXIT_INVALID if registration.conflicts else EXIT_OK


_DECLARATION_OPTIONS = ("phone", "email", "portrait", "id_front", "id_back", "office", "contact_address", "pdf")


def _run_declaration(registration: Any, args: argparse.Namespace) -> int:
    """``--form`` with the declaration's options: :func:`vssid_id.declare`, printed, and its PDF written."""
    from ..declaration import declare
    from ..errors import DeclarationError

    try:
        declaration = declare(registration, phone=args.phone, email=args.email, portrait=args.portrait,
                              id_front=args.id_front, id_back=args.id_back, office=args.office,
                              contact_address=args.contact_address)
    except DeclarationError as error:
        for problem in error.problems:
            _fail(f"--form: {problem.field} ({problem.kind}): {problem.message}")
        return EXIT_INVALID
    if args.json:
        from ..declaration.masking import mask_declaration

        data = mask_declaration(declaration) if args.mask else declaration.model_dump(
            mode="json", exclude={"portrait", "id_front", "id_back"})
        write_line(sys.stdout, json_line(data, sys.stdout))
    else:
        print_declaration(declaration, sys.stdout, mask=args.mask)
    status = EXIT_INVALID if declaration.conflicts else EXIT_OK
    if args.pdf is not None:
        try:
            args.pdf.write_bytes(declaration.to_pdf())
        except OSError as error:
            _fail(f"--pdf: cannot write the PDF: {error.strerror or error}")
            return max(status, EXIT_CANT_CREATE)
    return status


def _fail(message: str) -> None:
    write_line(sys.stderr, f"vssid-scan: {message}")


# --- Ctrl-C -----------------------------------------------------------------------------

#: Seconds the process may take, after Ctrl-C, to stop its worker pool and run
#: its exit hooks before it leaves anyway (exit code 130).
INTERRUPT_GRACE_SECONDS = 5.0

_interrupt_reported = threading.Event()


def _report_interrupted() -> None:
    """Say "interrupted" on stderr, once, whoever gets there first (main() or the watchdog).

    The run is then over: at interpreter exit Ctrl-C is ignored (:func:`_ignore_ctrl_c_at_exit`).
    """
    if _interrupt_reported.is_set():
        return
    _interrupt_reported.set()
    import atexit

    atexit.register(_ignore_ctrl_c_at_exit)  # run first of the exit hooks (last registered)
    try:
        _fail("interrupted")
    except OSError:
        pass


def _ignore_ctrl_c_at_exit() -> None:
    """An interrupted run that is exiting ignores Ctrl-C, and exits with 130, not by the signal.

    CPython ends a ``python -m`` run by SIGINT itself (exit status -2 to a
    parent in Python, not 130) when it believes a KeyboardInterrupt went
    unhandled: a flag set whenever one leaves code run by ``eval()`` of a
    string, even if the program catches it further up. ``collections.namedtuple`` builds
    each class with such an ``eval``, so a Ctrl-C landing in an import that
    defines one set it: seen, with a debugger's watchpoint on the flag, in 7
    of 160 runs of Ctrl-C in the first 20 ms of a parallel batch on a loaded
    box. Every ``eval()`` of a string first clears the flag, so one more, of
    a constant, here (the last Python code to run) clears it. A second
    Ctrl-C from here on is ignored, as finalisation leaves SIG_IGN as it is.
    """
    import signal

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    eval("None")  # clears CPython's "unhandled KeyboardInterrupt" flag (see above)


def _leave_interrupted() -> None:
    _report_interrupted()
    os._exit(EXIT_INTERRUPTED)


#: Set by the run's Ctrl-C handlers: Ctrl-C was pressed during this run.
_ctrl_c_seen = threading.Event()


def _note_ctrl_c(signum: int, frame: Any) -> None:
    """Ctrl-C during a run: noted, then the usual KeyboardInterrupt.

    The note is what decides that the run was interrupted, since the
    KeyboardInterrupt itself does not always arrive. Raised inside an
    import's weakref callback it is printed and dropped (the batch then ran
    to its end, exit 0); raised inside a C extension's import (numpy's) it
    comes out as an ImportError ("internal error", exit 70). Seen at Ctrl-C
    in the first 20 ms of a parallel batch on a loaded box, 8 runs in 100.
    """
    _ctrl_c_seen.set()
    raise KeyboardInterrupt


def _on_ctrl_c(signum: int, frame: Any) -> None:
    """Ctrl-C during a batch: noted, a watchdog started at once, then the usual KeyboardInterrupt.

    Stopping a pool whose workers are ended mid-task can hang: in the
    executor's exit hook joining its threads, or on an internal lock the
    interrupt left held (a 60 s hang seen in cold CI runs). The watchdog,
    a daemon thread started here rather than after the clean-up, ends the
    process :data:`INTERRUPT_GRACE_SECONDS` later wherever it is stuck.
    """
    watchdog = threading.Timer(INTERRUPT_GRACE_SECONDS, _leave_interrupted)
    watchdog.daemon = True
    watchdog.start()
    _note_ctrl_c(signum, frame)


def _check_ctrl_c() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed and its KeyboardInterrupt got lost (see :func:`_note_ctrl_c`)."""
    if _ctrl_c_seen.is_set():
        raise KeyboardInterrupt


@contextmanager
def _ctrl_c_handled_by(handler: Callable[[int, Any], None]) -> Iterator[None]:
    """While the block runs, Ctrl-C goes to ``handler``: in the main thread, and only where Ctrl-C
    is Python's or ours (not where the program embedding :func:`main` chose another, or ignores it)."""
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() \
            or previous not in (signal.default_int_handler, _note_ctrl_c, _on_ctrl_c):
        yield
        return
    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _watchdog_on_ctrl_c() -> Any:
    """While the block runs, Ctrl-C goes through :func:`_on_ctrl_c`."""
    return _ctrl_c_handled_by(_on_ctrl_c)


# --- work -----------------------------------------------------------------------------


def _parse_payload(payload: str | bytes, args: argparse.Namespace) -> dict[str, Any]:
    """One payload's entry (as :func:`vssid_id.scanning.report.parse_entry`); with ``--form`` it keeps the record."""
    from ..cards.parsing import parse
    from ..errors import VssidError
    from ..scanning.batch import exception_name, internal_error
    from ..scanning.report import error_dict, record_dict

    try:
        record = parse(payload)
    except VssidError as error:
        return {"codes": [{"error": error_dict(error)}]}
    except Exception as error:  # a parser bug must not end the batch either
        name = exception_name(error)
        return internal_error(name, f"parsing this payload failed ({name})")
    entry: dict[str, Any] = {"codes": [{"record": record_dict(record, mask=args.mask)}]}
    if args.form:
        entry["records"] = [record]
    return entry


def _payload_lines(text: str, args: argparse.Namespace) -> list[str | bytes]:
    """The payloads of one ``--payload``: the text itself, or each line of stdin (as bytes) for ``-``."""
    if text != "-":
        # Bytes that were not UTF-8 on the command line come as surrogates: hand the parser the bytes.
        return [os.fsencode(text)] if SURROGATE.search(text) else [text]
    data = _read_stdin(args)
    from ..cards.formats.mrz import looks_like_mrz

    if looks_like_mrz(data.decode("ascii", "replace")):  # an MRZ's lines are one payload
        return [data]
    return list(data.splitlines())


def _read_stdin(args: argparse.Namespace) -> bytes:
    """stdin's bytes, at most ``--max-bytes`` of them (:class:`~vssid_id.errors.ImageTooLarge` beyond)."""
    from ..images.loading import read_limited

    if sys.stdin is None:  # started with stdin closed
        raise OSError(9, "stdin is closed")
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream without bytes underneath (tests, embedding)
        stream = io.BytesIO(sys.stdin.read().encode("utf-8", "surrogateescape"))
    return read_limited(stream, args.max_bytes, "<stdin>")


def _check_debug_dir(path: Path) -> str | None:
    """Why ``path`` cannot take debug images, or None: checked before any input is read."""
    import tempfile

    if path.exists() and not path.is_dir():
        return f"--debug-dir {printable_name(os.fspath(path))}: is not a directory"
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return f"--debug-dir {printable_name(os.fspath(path))}: cannot be written ({reason})"
    return None


class _Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal; without a total, a count and rate."""

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.enabled = (total is None or total > 3) and sys.stderr.isatty()
        self.start = time.monotonic()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        if self.total is None:
            rate = done / max(time.monotonic() - self.start, 1e-9)
            sys.stderr.write(f"\r{done} done, {rate:.1f}/s")
            sys.stderr.flush()
            return
        width = 30
        filled = width * done // self.total
        rate = done / max(time.monotonic() - self.start, 1e-9)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} {rate:.1f}/s")
        if done == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _run_camera(args: argparse.Namespace) -> int:
    from ..errors import CameraError
    from ..images.camera import scan_camera
    from ..scanning.report import payload_dict
    from ..scanning.scanner import parses

    try:
        payloads = scan_camera(args.camera, timeout=args.timeout, accept=parses)
    except CameraError as error:
        _fail(f"camera {args.camera}: {error}")
        return EXIT_NO_INPUT
    if not payloads:
        _fail(f"camera {args.camera}: no card read within {args.timeout:g} s")
        return EXIT_NO_CODE
    status = EXIT_OK
    for payload in payloads:
        entry = _parse_payload(payload.text, args)
        if entry["codes"]:
            entry["codes"][0]["decoder"] = payload_dict(payload)
        _emit(f"camera {args.camera}", entry, args)
        status = max(status, _status(entry))
    return status


def _cluster_failed(error: Exception, args: argparse.Namespace) -> int:
    from ..scanning.batch import exception_name

    _fail(f"the Dask cluster failed ({exception_name(error)}); the rows written are kept in "
          f"{os.fspath(args.out)}: run again with --resume to scan the rest")
    return EXIT_UNAVAILABLE


def _run_archive(inputs: list[str], args: argparse.Namespace) -> int:
    """``--out``: every input into the Parquet file, on the local pool or (``--scheduler``) a Dask cluster."""
    from ..scanning.archive import connect
    from ..scanning.parquet import scan_to_parquet

    address = args.scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    client: Any = None  # a distributed.Client (not annotated by distributed)
    progress = _Progress(None)  # the listing is lazy: no total, a count and a rate
    count = 0

    def on_row(row: dict[str, Any]) -> None:
        nonlocal count
        count += 1
        if client is None:
            progress.update(count)

    try:
        if address:
            try:
                client = connect(address)
                _fail(f"Dask scheduler {address}: {len(client.nthreads())} workers; "
                      f"progress on its dashboard, {client.dashboard_link}")
            except ImportError:
                _fail("--scheduler needs dask[distributed]: pip install 'vssid_id[dask]'")
                return EXIT_UNAVAILABLE
            except (OSError, TimeoutError) as error:
                _fail(f"--scheduler {address}: cannot be reached ({type(error).__name__})")
                return EXIT_UNAVAILABLE
        if client is None and (args.jobs or _cores()) > 1:
            from ..scanning.batch import start_resource_tracker_quietly

            start_resource_tracker_quietly()  # its warnings after Ctrl-C are noise to the user
        with _watchdog_on_ctrl_c():
            summary = scan_to_parquet(
                inputs, args.out, resume=args.resume, on_row=on_row, client=client, jobs=args.jobs or _cores(),
                mask=args.mask, find_all=args.all, max_bytes=args.max_bytes, read_stdin=lambda: _read_stdin(args),
            )
    except ImportError as error:
        _fail(str(error))
        return EXIT_UNAVAILABLE
    except OSError as error:
        if error.filename is None and client is not None:
            return _cluster_failed(error, args)
        # the folder exists without --resume, or cannot be written
        message = error.strerror if error.filename is not None and error.strerror else str(error)
        _fail(f"--out {os.fspath(args.out)}: {message}")
        return EXIT_CANT_CREATE
    except Exception as error:
        if client is None:
            raise
        return _cluster_failed(error, args)
    finally:
        if progress.enabled and count:
            sys.stderr.write("\n")
        if client is not None:
            client.close()
    counts = ", ".join(f"{status} {number}" for status, number in sorted(summary.statuses.items()))
    skipped = f"; {summary.skipped} already there" if args.resume else ""
    write_line(sys.stdout, f"{os.fspath(args.out)}: {summary.rows} rows written ({counts or 'none'}){skipped}")
    return summary.exit_code


def _run(argv: list[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # --help, --version, usage errors: return the code, do not raise
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        raise OSError(errno.EBADF, "stdout is closed")
    inputs = list(args.inputs)
    if args.sample:
        inputs.append(str(_sample_path()))
    usage = None
    if not inputs and not args.payload and args.camera is None:
        usage = "give at least one IMAGE, --sample, --payload or --camera"
    elif inputs.count("-") + (args.payload or []).count("-") > 1:
        usage = "stdin (-) can be read only once"
    elif args.form and args.camera is not None:
        usage = "--form takes images and --payload, not --camera"
    elif not args.form and any(getattr(args, name) is not None for name in _DECLARATION_OPTIONS):
        usage = ("--phone, --email, --portrait, --id-front, --id-back, --office, --contact-address and --pdf "
                 "go with --form")
    elif (args.resume or args.scheduler) and args.out is None:
        usage = "--resume and --scheduler go with --out"
    elif args.out is not None and (args.payload or args.camera is not None or args.form or args.debug_dir):
        usage = "--out takes images (files, directories, globs, URLs), not --payload, --camera, --form or --debug-dir"
    if usage:
        build_parser().print_usage(sys.stderr)
        write_line(sys.stderr, f"vssid-scan: error: {usage}")
        return EXIT_USAGE
    from ..images.loading import DEFAULT_MAX_BYTES
    from ..scanning.batch import ScanOptions, expand_inputs, run_batch, start_resource_tracker_quietly

    args.max_bytes = args.max_bytes or DEFAULT_MAX_BYTES
    if args.out is not None:
        return _run_archive(inputs, args)
    if args.debug_dir is not None:
        problem = _check_debug_dir(args.debug_dir)
        if problem:
            _fail(problem)
            return EXIT_CANT_CREATE

    status = EXIT_OK
    records: list[Any] = []  # with --form: every card record read, for prefill()

    def report(name: str, entry: dict[str, Any]) -> None:
        nonlocal status
        status = max(status, _status(entry))
        if args.form:  # the inputs' records go into the form; only their problems are printed
            records.extend(entry.pop("records", []))
            print_problems(name, entry, sys.stderr)
        else:
            _emit(name, entry, args)

    for text in args.payload or []:
        try:
            lines = _payload_lines(text, args)
        except (ValueError, OSError) as error:  # stdin over --max-bytes, or unreadable
            report("<payload>", {"input_error": {"type": type(error).__name__, "field": None,
                                                 "message": getattr(error, "reason", None) or str(error)},
                                 "codes": []})
            continue
        for line in lines:
            report("<payload>", _parse_payload(line, args))

    items = expand_inputs(inputs, lambda: _read_stdin(args))
    options = ScanOptions(find_all=args.all, mask=args.mask, max_bytes=args.max_bytes, debug_dir=args.debug_dir,
                          records=args.form, mrz=args.mrz)
    progress = _Progress(len(items))
    if (args.jobs or _cores()) > 1 and len(items) > 1:
        start_resource_tracker_quietly()  # its warnings after Ctrl-C are noise to the user
    with _watchdog_on_ctrl_c(), closing(run_batch(items, options, jobs=args.jobs or _cores())) as results:
        for done, (item, entry) in enumerate(results, 1):  # closing (above): stops the pool
            _check_ctrl_c()
            report(item.name, entry)
            progress.update(done)
        _check_ctrl_c()

    if args.form:
        status = max(status, _run_form(records, args))
    if args.camera is not None:
        status = max(status, _run_camera(args))
    return status


def _silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so that the final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests, embedding)
        pass


def main(argv: list[str] | None = None) -> int:
    """Run ``vssid-scan`` with ``argv`` (default: the command line) and return its exit code; never raises."""
    _interrupt_reported.clear()  # one report per run (tests call main() many times in one process)
    _ctrl_c_seen.clear()
    try:
        with _ctrl_c_handled_by(_note_ctrl_c):
            status = _run(argv)
            _check_ctrl_c()
        if sys.stdout is not None:
            sys.stdout.flush()  # here, not at exit, where a failure would be a traceback-like notice
        return status
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as error:  # the output cannot be written: every input error is caught where it is read
        _silence_stdout()
        try:
            _fail(f"cannot write the output ({error.strerror or type(error).__name__})")
        except OSError:
            pass
        return EXIT_IO_ERROR
    except KeyboardInterrupt:
        _report_interrupted()
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug outside any one input: one line, no traceback
        if _ctrl_c_seen.is_set():  # an error out of the interrupted work (see _note_ctrl_c)
            _report_interrupted()
            return EXIT_INTERRUPTED
        from ..scanning.batch import exception_name

        try:
            _fail(f"internal error ({exception_name(error)})")
        except OSError:
            pass
        return EXIT_SOFTWARE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
