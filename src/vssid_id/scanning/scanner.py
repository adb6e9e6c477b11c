"""Image → records: :func:`decode` the QR codes, then :func:`~vssid_id.parse` each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..cards.dates import check_today
from ..cards.parsing import parse
from ..cards.records import Record
from ..errors import VssidError
from ..images.decoder import QrPayload, decode

__all__ = ["ScanResult", "scan", "parses"]


@dataclass(frozen=True)
class ScanResult:
    """One QR code found on an image and what its payload became.

    Exactly one of ``record`` and ``error`` is set: the parsed record, or the
    :class:`~vssid_id.errors.VssidError` that says why the payload is not a
    valid card record.
    """

    payload: QrPayload
    record: Record | None
    error: VssidError | None

    @property
    def ok(self) -> bool:
        return self.record is not None


def parses(text: str) -> bool:
    """Whether ``text`` is a valid card payload (the decoder's stop test)."""
    try:
        parse(text)
    except VssidError:
        return False
    return True


def scan(
    image: Any,
    *,
    find_all: bool = False,
    today: date | None = None,
    on_step: Callable[[str, Any], None] | None = None,
    **decode_options: Any,
) -> list[ScanResult]:
    """Find the card QR codes on ``image`` and parse them.

    ``image`` is anything :func:`vssid_id.decode` takes (a path, bytes, a file
    object, a Pillow image, a numpy array). The decoder's ladder stops at the
    first step that yields a payload which parses, once no other code it
    located is left unread and one look at the rest of the image (the cards
    read masked out) found no other: a CCCD and a BHYT card side by side both
    come back. With ``find_all=True`` it runs every step and collects every
    code.
    Codes that were read but do not parse are returned with their ``error``.
    An empty list means no QR code was found.
    """
    today = check_today(today)
    # Each distinct payload is parsed once, with the caller's ``today``: the
    # outcome serves as the decoder's stop test and then as the result.
    outcomes: dict[str, Record | VssidError] = {}

    def outcome(text: str) -> Record | VssidError:
        if text not in outcomes:
            try:
                outcomes[text] = parse(text, today=today)
            except VssidError as error:
                outcomes[text] = error
        return outcomes[text]

    payloads = decode(
        image,
        accept=lambda text: not isinstance(outcome(text), VssidError),
        find_all=find_all,
        on_step=on_step,
        **decode_options,
    )
    results = []
    for payload in payloads:
        result = outcome(payload.text)
        if isinstance(result, VssidError):
            results.append(ScanResult(payload, None, result))
        else:
            results.append(ScanResult(payload, result, None))
    return results
