"""Image → :class:`~vssid_id.MrzRecord`: read the machine-readable zone of a card's back or a passport page.

:func:`read_mrz` joins the two wings: :mod:`vssid_id.images.mrz_ocr` finds and
reads the zone and proposes readings; :mod:`vssid_id.cards.formats.mrz`
parses each and verifies its check digits. A reading is taken only when

* it parses, every check digit verified (the OCR's alternatives for
  ambiguous characters are tried, best first, but a reading whose digits do
  not check is never taken), and
* every character that no check digit covers — the names; on a passport and
  a foreign ID card also the header, sex and nationality; ICAO Doc 9303 part 3
  defines no check over them — was read with a clear lead over its runner-up
  (:data:`UNCHECKED_MARGIN`) and not swapped for it.

Otherwise the zone is unreadable and :func:`read_mrz` returns ``None``: a
wrong name is worse than no name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..cards.dates import check_today
from ..cards.formats.mrz import OCR_LAYOUTS, MrzRecord, parse_mrz
from ..errors import VssidError
from ..images.mrz_ocr import MrzReading, read_mrz_text

__all__ = ["read_mrz", "read_mrz_reading", "UNCHECKED_MARGIN", "unchecked_cells"]

#: How far (in template correlation) a character no check digit covers must
#: beat its runner-up to be taken: chosen on the synthetic backs of
#: bench/bench_mrz.py (docs/benchmarks.md).
UNCHECKED_MARGIN = 0.02


def unchecked_cells(record: MrzRecord) -> list[tuple[int, int]]:
    """(line, column) of the characters of ``record``'s zone that no check
    digit covers and no rule of the Vietnamese layout fixes."""
    if record.document_format == "td3":
        cells = [(0, column) for column in range(44)]
        return cells + [(1, column) for column in (10, 11, 12, 20)]
    names = [(2, column) for column in range(30)]
    if record.id_number is not None:  # a Vietnamese card: header, sex and nationality are checked by its rules
        return names
    return [(0, column) for column in range(5)] + [(1, 7), (1, 15), (1, 16), (1, 17)] + names


def read_mrz_reading(image: Any, *, today: date | None = None) -> tuple[MrzRecord, MrzReading] | None:
    """:func:`read_mrz` with the OCR's reading (where the zone is, how sure
    each character is), or ``None``."""
    today = check_today(today)
    found: list[MrzRecord] = []

    def accept(reading: MrzReading) -> bool:
        try:
            record = parse_mrz(reading.text, today)
        except VssidError:
            return False
        if any(reading.margins[line][column] < UNCHECKED_MARGIN for line, column in unchecked_cells(record)):
            return False
        found.append(record)
        return True

    reading = read_mrz_text(image, accept, OCR_LAYOUTS)
    return None if reading is None else (found[-1], reading)


def read_mrz(image: Any, *, today: date | None = None) -> MrzRecord | None:
    """The machine-readable zone on ``image`` (the back of a CCCD / Căn cước
    card, a passport's data page) as a record, or ``None`` when no zone can be
    read with every check digit verified.

    ``image`` is anything :func:`vssid_id.load_image` takes (a path, bytes, a
    file object, a Pillow image, a BGR or grayscale array); a file that is not an image
    raises :class:`~vssid_id.errors.ImageError`. ``today`` (default: the
    system date) resolves two-digit years (:mod:`vssid_id.cards.formats.mrz`).
    """
    result = read_mrz_reading(image, today=today)
    return None if result is None else result[0]
