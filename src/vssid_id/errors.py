"""The exceptions vssid_id raises.

Every error the library raises on bad input is a :class:`VssidError`, which is
a :class:`ValueError` (as python-stdnum's ``ValidationError`` is): so a code
validator used inside another library's validation — a pydantic
``AfterValidator``, an ``argparse`` type, a form field — fails the way that
library expects. Each error names the field it is about (``error.field``) and
says what is wrong with it, but never repeats the value: card data is personal
data, and error messages end up in logs.

The code-validation errors follow python-stdnum's names so that code written
against stdnum reads the same here::

    VssidError
    ├── PayloadError               the QR text is not a payload we can read
    │   ├── UnknownPayloadKind     not a CCCD / Căn cước / BHYT payload at all
    │   ├── MalformedPayload       the right kind, but a field is broken
    │   │   └── ChecksumMismatch   a check digit is wrong (an MRZ's; see class)
    │   └── InconsistentRecord     two fields of one card contradict each other
    ├── InvalidCode                a card code fails validation (stdnum style)
    │   ├── InvalidFormat
    │   │   └── InvalidLength
    │   └── InvalidComponent
    ├── ImageError                 an image cannot be read (or is too large)
    │   └── ImageTooLarge
    ├── BackendUnavailable         a decoder backend asked for cannot run here
    ├── CameraError                a camera cannot be opened or stops giving frames
    ├── RegistrationError          records that cannot make one registration (prefill)
    │   ├── NoCard
    │   └── TooManyCards
    ├── UnknownOffice              a place no receiving BHXH office is known for (office_for)
    └── DeclarationError           a declaration that cannot be made (declare): every problem at once
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "VssidError",
    "PayloadError",
    "UnknownPayloadKind",
    "MalformedPayload",
    "ChecksumMismatch",
    "InvalidCode",
    "InvalidFormat",
    "InvalidLength",
    "InvalidComponent",
    "InconsistentRecord",
    "ImageError",
    "ImageTooLarge",
    "BackendUnavailable",
    "CameraError",
    "RegistrationError",
    "NoCard",
    "TooManyCards",
    "UnknownOffice",
    "DeclarationError",
]
# DeclarationProblem, defined below, is not an error but what a DeclarationError holds; it is exported as
# vssid_id.DeclarationProblem.


class VssidError(ValueError):
    """Base class of every error vssid_id raises on bad input.

    ``field`` names the payload field or code part the error is about (or is
    ``None`` when the error concerns the whole input). ``reason`` is the
    message without the field prefix. Neither ever contains the personal data.
    """

    def __init__(self, reason: str, field: str | None = None) -> None:
        self.reason = reason
        self.field = field
        super().__init__(f"{field}: {reason}" if field else reason)


class PayloadError(VssidError):
    """The QR payload text cannot be read as a card record."""


class UnknownPayloadKind(PayloadError):
    """The payload is not a CCCD, Căn cước or BHYT card payload."""


class MalformedPayload(PayloadError):
    """The payload has the shape of a known kind but a field is broken.

    Wrong number of fields, an unparseable date, bad hex, a forbidden
    character and the like.
    """


class ChecksumMismatch(MalformedPayload):
    """A payload whose check value does not match its content.

    Raised for a machine-readable zone (MRZ) whose ICAO 9303 check digit is
    wrong, naming the field it guards. The one QR payload with a check value,
    BHYT's, uses an algorithm that is not public (docs/formats.md), so
    vssid_id checks that field's shape only (a :class:`MalformedPayload` when
    it is wrong) rather than reject genuine cards on a guess.
    """


class InvalidCode(VssidError):
    """A card code (BHXH number, BHYT card code, CCCD number) is not valid."""


class InvalidFormat(InvalidCode):
    """The code has characters or a shape the format does not allow."""


class InvalidLength(InvalidFormat):
    """The code has the wrong number of characters."""


class InvalidComponent(InvalidCode):
    """A part of the code is not in its official table (province, beneficiary …)."""


class InconsistentRecord(PayloadError):
    """Two fields of the same card contradict each other.

    For example the CCCD number says "born in the 21st century, female" but
    the date-of-birth and gender fields say otherwise.
    """


class ImageError(VssidError):
    """An image cannot be read: corrupt, truncated, not an image, unsupported."""


class ImageTooLarge(ImageError):
    """An image has more pixels, or an encoded image more bytes, than the
    configured limit (``max_pixels`` / ``max_bytes``)."""


class BackendUnavailable(VssidError):
    """A QR decoder backend asked for by name is unknown or cannot run here
    (for example ``zbar`` without the libzbar system library)."""


class CameraError(VssidError):
    """A camera cannot be opened, or stopped delivering frames."""


class RegistrationError(VssidError):
    """The records given to :func:`vssid_id.prefill` cannot make one registration."""


class NoCard(RegistrationError):
    """No card record was given (or every scanned code failed to parse)."""


class TooManyCards(RegistrationError):
    """Two different cards of the same kind were given: they cannot be one person's registration."""


class UnknownOffice(VssidError):
    """:func:`vssid_id.office_for` does not know the place (field ``office``)."""


@dataclass(frozen=True)
class DeclarationProblem:
    """One reason a declaration cannot be made: the ``field`` it is about (a :func:`vssid_id.declare`
    argument or a registration field), a stable ``kind`` code and a ``message`` without personal data."""

    field: str
    kind: str
    message: str


class DeclarationError(VssidError):
    """:func:`vssid_id.declare` found problems; ``problems`` holds every one of them, in argument order.

    ``field`` is the problem's field when there is one problem, else ``None``; the message lists each
    problem's field and kind (never a value).
    """

    def __init__(self, problems: tuple[DeclarationProblem, ...] | list[DeclarationProblem]) -> None:
        self.problems: tuple[DeclarationProblem, ...] = tuple(problems)
        fields = ", ".join(f"{problem.field} ({problem.kind})" for problem in self.problems)
        count = len(self.problems)
        super().__init__(f"the declaration has {count} problem{'s' if count != 1 else ''}: {fields}",
                         self.problems[0].field if count == 1 else None)
