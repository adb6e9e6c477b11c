"""``vssid-scan``: read the QR codes of CCCD / Căn cước / BHYT cards from images.

Heavy libraries (OpenCV, zxing-cpp, Pillow, pydantic) are imported only once
there is work to do, so ``--help`` and ``--version`` start instantly.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

from . import __version__

# Exit codes (also in --help and README.md).
EXIT_OK = 0
EXIT_NO_CODE = 1
EXIT_INVALID = 2
EXIT_USAGE = 64  # EX_USAGE from sysexits.h
EXIT_NO_INPUT = 66  # EX_NOINPUT: a file is missing, unreadable or not an image

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".heic", ".heif", ".pgm", ".ppm"}
)

_EPILOG = f"""\
masking:
  Personal data (numbers, names, addresses, dates of birth) is masked by
  default in every output, text or JSON, terminal or not, so that output
  pasted into a ticket or a log is safe: numbers keep their last 4 digits,
  names their initials, addresses their province, dates of birth their year.
  --no-mask prints everything as the card holds it.

exit codes:
  {EXIT_OK}   every input was read and every code is a valid card record
  {EXIT_NO_CODE}   at least one image had no readable QR code (or --camera timed out)
  {EXIT_INVALID}   a QR code was read but its payload is not a valid card record
  {EXIT_USAGE}  usage error (bad options)
  {EXIT_NO_INPUT}  an input is missing, unreadable or not an image, or the camera cannot be
      opened (the rest of a batch is still processed)
  When several apply, the highest wins.

examples:
  vssid-scan --sample
  vssid-scan photo.heic scans/ --json
  vssid-scan --payload '001090123456||Nguyễn Văn An|05031990|Nam|Hà Nội|15082021'
  cat photo.jpg | vssid-scan -
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2; we document 64
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
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
    source.add_argument("--camera", metavar="N", type=int, help="scan webcam N until a card is read")
    source.add_argument("--timeout", metavar="SECONDS", type=float, default=30.0,
                        help="with --camera: give up after this long (default 30)")
    out = parser.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="one JSON object per input (JSON Lines)")
    mask = out.add_mutually_exclusive_group()
    mask.add_argument("--mask", dest="mask", action="store_true", default=True,
                      help="mask personal data (the default)")
    mask.add_argument("--no-mask", dest="mask", action="store_false", help="print personal data unmasked")
    out.add_argument("--debug-dir", metavar="DIR", type=Path,
                     help="write, per image, a copy with the QR outlined and the decoder's intermediate images")
    out.add_argument("--all", action="store_true", help="report every QR code on an image, not just the first card")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


# --- inputs ---------------------------------------------------------------------


def _expand(inputs: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """Yield (name, source) pairs; source is a Path, bytes, or an exception to report."""
    for item in inputs:
        if item == "-":
            yield "<stdin>", sys.stdin.buffer.read()
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            if not found:
                yield item, FileNotFoundError("directory holds no image files")
            for image in found:
                yield str(image), image
        elif not path.exists():
            yield item, FileNotFoundError("no such file")
        else:
            yield item, path


def _sample_path() -> Path:
    from importlib.resources import files

    return Path(str(files("vssid_id") / "data" / "sample_card.png"))


# --- output ------------------------------------------------------------------------


def _print_text(name: str, entry: dict[str, Any], out: TextIO) -> None:
    from .gender import Gender
    from .records import BhytRecord, CccdRecord

    if entry.get("input_error"):
        print(f"{name}: error: {entry['input_error']['message']}", file=out)
        return
    codes = entry["codes"]
    if not codes:
        print(f"{name}: no QR code found", file=out)
        return
    for code in codes:
        where = ""
        if code.get("decoder"):
            d = code["decoder"]
            where = f" (read by {d['backend']}, step {d['step']}, {d['elapsed_ms']:.0f} ms)"
        if code.get("error"):
            err = code["error"]
            field = f" [{err['field']}]" if err["field"] else ""
            print(f"{name}: INVALID {err['type']}{field}: {err['message']}{where}", file=out)
            continue
        record = code["record"]
        model = CccdRecord if record["kind"] == "cccd" else BhytRecord
        title = "CCCD / Căn cước" if record["kind"] == "cccd" else "BHYT"
        print(f"{name}: {title}{where}", file=out)
        for key, value in record.items():
            if key in ("kind", "warnings") or isinstance(value, dict):
                continue
            if isinstance(value, list):
                value = " | ".join(value) if value else None
            if value is None:
                continue
            if key == "gender":  # as the card prints it
                value = Gender(value).label_vi
            label = model.label(key)
            print(f"  {label:<34} {value}", file=out)
        warnings = record.get("warnings") or []
        for warning in warnings:
            print(f"  cảnh báo / warning: {warning}", file=out)


def _emit(name: str, entry: dict[str, Any], args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps({"input": name, **entry}, ensure_ascii=False), flush=True)
    else:
        _print_text(name, entry, sys.stdout)


def _status(entry: dict[str, Any]) -> int:
    if entry.get("input_error"):
        return EXIT_NO_INPUT
    if not entry["codes"]:
        return EXIT_NO_CODE
    if any(code.get("error") for code in entry["codes"]):
        return EXIT_INVALID
    return EXIT_OK


# --- work -----------------------------------------------------------------------------


def _scan_one(index: int, name: str, source: Any, args: argparse.Namespace) -> dict[str, Any]:
    from .errors import VssidError
    from .image_input import load_image
    from .report import error_dict, scan_entry
    from .scanner import scan

    if isinstance(source, Exception):
        return {"input_error": {"type": "InputError", "field": None, "message": str(source)}, "codes": []}
    debug = None
    try:
        image = load_image(source)
        if args.debug_dir:
            from .debug_images import DebugImageWriter

            debug = DebugImageWriter(args.debug_dir, index, name)
        results = scan(image, find_all=args.all, on_step=debug.step if debug else None)
        if debug:
            debug.outline(image, results)
    except (VssidError, OSError) as error:  # unreadable file: permissions, I/O error
        entry = error_dict(error)
        if not isinstance(error, VssidError):
            entry["type"] = "InputError"
        return {"input_error": entry, "codes": []}
    return scan_entry(results, mask=args.mask)


def _parse_payload(text: str, args: argparse.Namespace) -> dict[str, Any]:
    from .report import parse_entry

    return parse_entry(text, mask=args.mask)


class _Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.enabled = total > 3 and sys.stderr.isatty()
        self.start = time.monotonic()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = width * done // self.total
        rate = done / max(time.monotonic() - self.start, 1e-9)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} {rate:.1f}/s")
        if done == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _run_camera(args: argparse.Namespace) -> int:
    from .camera import scan_camera
    from .errors import CameraError
    from .report import payload_dict
    from .scanner import parses

    try:
        payloads = scan_camera(args.camera, timeout=args.timeout, accept=parses)
    except CameraError as error:
        print(f"camera {args.camera}: {error}", file=sys.stderr)
        return EXIT_NO_INPUT
    if not payloads:
        print(f"camera {args.camera}: no card read within {args.timeout:g} s", file=sys.stderr)
        return EXIT_NO_CODE
    status = EXIT_OK
    for payload in payloads:
        entry = _parse_payload(payload.text, args)
        entry["codes"][0]["decoder"] = payload_dict(payload)
        _emit(f"camera {args.camera}", entry, args)
        status = max(status, _status(entry))
    return status


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    inputs = list(args.inputs)
    if args.sample:
        inputs.append(str(_sample_path()))
    if not inputs and not args.payload and args.camera is None:
        build_parser().error("give at least one IMAGE, --sample, --payload or --camera")
    if inputs.count("-") > 1 or (args.payload and "-" in args.payload and "-" in inputs):
        build_parser().error("stdin (-) can be read only once")

    status = EXIT_OK
    for text in args.payload or []:
        lines = sys.stdin.read().splitlines() if text == "-" else [text]
        for line in lines:
            entry = _parse_payload(line, args)
            _emit("<payload>", entry, args)
            status = max(status, _status(entry))

    items = list(_expand(inputs))
    progress = _Progress(len(items))
    for done, (name, source) in enumerate(items, 1):
        entry = _scan_one(done, name, source, args)
        _emit(name, entry, args)
        status = max(status, _status(entry))
        progress.update(done)

    if args.camera is not None:
        status = max(status, _run_camera(args))
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

