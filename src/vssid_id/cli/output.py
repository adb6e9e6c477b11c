"""How ``vssid-scan`` writes: lines that never fail on an encoding, and the text layout of its results.

* Text lines: lone surrogates (the undecodable bytes of a file name, by
  Python's surrogateescape) become ``\\xff``; on a stream whose encoding cannot
  hold a character (ASCII, cp1252) it is backslash-escaped (``\\u1ec5``)
  instead of raising :class:`UnicodeEncodeError`.
* JSON lines: always UTF-8 JSON — characters as they are on a UTF-8 stream,
  ``\\uXXXX`` escapes otherwise; an undecodable file-name byte is ``\\udcXX``
  (``os.fsencode(json.loads(line)["input"])`` gives the name's bytes back).
* File names in text output have their terminal controls escaped
  (:func:`printable_name`); JSON escapes them itself.
* The text layout of one input's entry (:func:`print_entry`), of its problems
  alone (:func:`print_problems`) and of the prefilled registration form
  (:func:`print_form`, masked by :func:`vssid_id.cards.masking.mask_form`).
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # pragma: no cover
    from ..registration import Registration

__all__ = [
    "SURROGATE", "printable_name", "write_line", "write_text", "json_line", "print_entry", "print_problems",
    "print_form",
]

SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogates(text: str, form: str) -> str:
    """Lone surrogates (undecodable bytes of a file name, by surrogateescape) as escapes.

    ``form="text"``: an escaped byte (``\\xff``); ``form="json"``: a JSON escape (``\\udcff``).
    """
    def escape(match: re.Match[str]) -> str:
        code = ord(match[0])
        if form == "text" and 0xDC80 <= code <= 0xDCFF:
            return f"\\x{code - 0xDC00:02x}"
        return f"\\u{code:04x}"

    return SURROGATE.sub(escape, text)


def _is_utf8(stream: TextIO) -> bool:
    """Whether ``stream`` encodes as UTF-8 (a stream without an encoding, like :class:`io.StringIO`, counts)."""
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name == "utf-8"
    except LookupError:
        return False


def write_line(stream: TextIO, text: str) -> None:
    """Write ``text`` and a newline; what the stream's encoding cannot hold is backslash-escaped."""
    write_text(stream, text + "\n")


def write_text(stream: TextIO, text: str) -> None:
    """Write ``text`` as it is; what the stream's encoding cannot hold is backslash-escaped."""
    text = _escape_surrogates(text, "text")
    encoding = getattr(stream, "encoding", None) or "utf-8"
    if not _is_utf8(stream):
        try:
            text = text.encode(encoding, "backslashreplace").decode(encoding)
        except LookupError:
            text = text.encode("ascii", "backslashreplace").decode("ascii")
    stream.write(text)


def json_line(obj: dict[str, Any], stream: TextIO) -> str:
    """One JSON Lines line: UTF-8 JSON whatever the stream's encoding (ASCII escapes on a non-UTF-8 stream)."""
    return _escape_surrogates(json.dumps(obj, ensure_ascii=not _is_utf8(stream)), "json")


def _is_control(char: str) -> bool:
    """Control, format (bidi, zero-width) and line-separator characters: what a terminal acts on."""
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def printable_name(name: str) -> str:
    r"""A file name as text output shows it: terminal controls escaped, the rest as it is.

    A name holding ESC sequences, CR or bidi overrides would otherwise retitle,
    clear or rewrite the terminal it is printed on.

    >>> printable_name('card-\x1b[2J\u202e.png')
    'card-\\x1b[2J\\u202e.png'
    """
    if not any(_is_control(char) for char in name):
        return name
    return "".join(
        (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}") if _is_control(char) else char
        for char in name
    )


def print_entry(name: str, entry: dict[str, Any], out: TextIO) -> None:
    """One input's entry as text: its error, "no QR code found", or each code's record or error."""
    name = printable_name(name)
    for key in ("input_error", "internal_error"):
        if entry.get(key):
            write_line(out, f"{name}: error: {entry[key]['message']}")
            return
    if entry.get("debug_error"):
        write_line(out, f"{name}: error: {entry['debug_error']['message']}")
    codes = entry["codes"]
    if not codes:
        write_line(out, f"{name}: no QR code found")
        return
    from ..cards.gender import Gender
    from ..cards.records import BhytRecord, CccdRecord

    for code in codes:
        where = ""
        if code.get("decoder"):
            d = code["decoder"]
            where = f" (read by {d['backend']}, step {d['step']}, {d['elapsed_ms']:.0f} ms)"
        if code.get("error"):
            err = code["error"]
            field = f" [{err['field']}]" if err["field"] else ""
            write_line(out, f"{name}: INVALID {err['type']}{field}: {err['message']}{where}")
            continue
        record = code["record"]
        model = CccdRecord if record["kind"] == "cccd" else BhytRecord
        title = "CCCD / Căn cước" if record["kind"] == "cccd" else "BHYT"
        write_line(out, f"{name}: {title}{where}")
        for key, value in record.items():
            if key in ("kind", "warnings") or isinstance(value, dict):
                continue
            if isinstance(value, list):
                value = " | ".join(value) if value else None
            if value is None:
                continue
            if key == "gender":  # as the card prints it
                value = Gender(value).label_vi
            write_line(out, f"  {model.label(key):<34} {value}")
        for warning in record.get("warnings") or []:
            write_line(out, f"  cảnh báo / warning: {warning}")


def print_problems(name: str, entry: dict[str, Any], out: TextIO) -> None:
    """The lines of ``entry`` that say what went wrong (with ``--form``, the records go into the form)."""
    name = printable_name(name)
    if entry.get("input_error") or entry.get("internal_error") or not entry["codes"]:
        print_entry(name, entry, out)
        return
    if entry.get("debug_error"):
        write_line(out, f"{name}: error: {entry['debug_error']['message']}")
    errors = [code for code in entry["codes"] if code.get("error")]
    if errors:
        print_entry(name, {"codes": errors}, out)


def print_form(registration: Registration, out: TextIO, *, mask: bool) -> None:
    """The prefilled form (``registration.to_form()``, masked when ``mask``), the 2025 province, conflicts, notes."""
    from ..cards.masking import mask_form

    form = registration.to_form()
    write_line(out, "Tờ khai đăng ký (điền sẵn) / registration form, prefilled")
    for label, value in (mask_form(form) if mask else form).items():
        write_line(out, f"  {label:<34} {value or '—'}")
    if registration.province_2025:
        write_line(out, f"  {'tỉnh / thành phố (từ 1/7/2025)':<34} {registration.province_2025}")
    for conflict in registration.conflicts:
        write_line(out, f"  xung đột / conflict [{conflict.field}]: {conflict.message}")
    for note in registration.notes:
        write_line(out, f"  ghi chú / note [{note.field}]: {note.message}")
