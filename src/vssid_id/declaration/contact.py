"""The declaration's contact details: a Vietnamese mobile number, an e-mail address, a contact address.

The VssID guide asks for a mobile phone and an e-mail: the one-time password and the copy of the declaration are
sent there. Each function returns the normalised value or a :class:`~vssid_id.errors.DeclarationProblem`, so that
:func:`vssid_id.declare` can report every problem at once; none repeats the value in its message.

Phone numbers are checked with Google's libphonenumber (the ``phonenumbers`` port, region ``VN``): a number is
accepted when libphonenumber calls it a valid Vietnamese number of type MOBILE, whatever its writing (``+84 912
345 678``, ``84912345678``, ``0912.345.678``, ``(091) 234-5678``), and it is given back in the national form
``0xxxxxxxxx``. Its metadata holds the mobile ranges of the numbering plan (Bộ Thông tin và Truyền thông,
Thông tư 22/2014/TT-BTTTT, Quy hoạch kho số viễn thông, and the 2018 move of the 11-digit mobile numbers to 10
digits); it cannot tell whether a number is in service or whose it is — the OTP step does. Only ASCII digits
are read (full-width digits are refused, as in every code field of vssid_id).

E-mail addresses are checked with ``email-validator`` for syntax only (RFC 5321/5322 and the internationalised
forms of RFC 6531/6532): ``check_deliverability=False``, so no DNS query or other network call is made. The
domain is lower-cased and IDNA-normalised, the local part kept as written. Whether the mailbox exists cannot be
checked offline.

>>> normalise_phone("+84 912 345 678")
'0912345678'
>>> normalise_phone("024 3812 3456").kind
'not_mobile'
>>> normalise_email("Nguyen.Van.An@Gmail.COM")
'Nguyen.Van.An@gmail.com'
"""

from __future__ import annotations

import re
import unicodedata

from ..cards.text import forbidden_character
from ..errors import DeclarationProblem

__all__ = ["normalise_phone", "normalise_email", "normalise_contact_address", "MAX_CONTACT_ADDRESS_CHARS"]

#: Longest phone text read: a number with its separators is under 25 characters.
MAX_PHONE_CHARS = 40
#: Longest e-mail address (RFC 5321 §4.5.3.1.3: a path of 256 octets, less the angle brackets).
MAX_EMAIL_CHARS = 254
#: Longest contact address, as for a card address typed by hand (:data:`vssid_id.registration.addresses`).
MAX_CONTACT_ADDRESS_CHARS = 1024

_PHONE_CHARACTERS = re.compile(r"[0-9 .()+\-]+")


def _problem(field: str, kind: str, message: str) -> DeclarationProblem:
    return DeclarationProblem(field=field, kind=kind, message=message)


def normalise_phone(text: object) -> str | DeclarationProblem:
    """``text`` as the national form of a Vietnamese mobile number (``0912345678``), or the problem (field
    ``phone``; kinds ``missing``, ``invalid``, ``not_vietnamese``, ``not_mobile``)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return _problem("phone", "missing", "a mobile phone number is required")
    if not isinstance(text, str):
        return _problem("phone", "invalid", f"must be text, not {type(text).__name__}")
    text = text.strip()
    if len(text) > MAX_PHONE_CHARS or not _PHONE_CHARACTERS.fullmatch(text):
        return _problem("phone", "invalid", "is not a phone number (only digits, spaces, '+', '.', '-' and "
                                            "brackets are read)")
    import phonenumbers

    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        return _problem("phone", "invalid", "is not a phone number")
    if number.country_code != 84:
        return _problem("phone", "not_vietnamese", "is not a Vietnamese number (+84)")
    if not phonenumbers.is_valid_number(number):
        return _problem("phone", "invalid", "is not a valid Vietnamese number")
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        return _problem("phone", "not_mobile", "is not a mobile number (the one-time password is sent by SMS)")
    return "0" + str(number.national_number)


def normalise_email(text: object) -> str | DeclarationProblem:
    """``text`` as a normalised e-mail address (syntax checked, no network), or the problem (field ``email``;
    kinds ``missing``, ``invalid``)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return _problem("email", "missing", "an e-mail address is required")
    if not isinstance(text, str):
        return _problem("email", "invalid", f"must be text, not {type(text).__name__}")
    text = unicodedata.normalize("NFC", text.strip())
    if len(text) > MAX_EMAIL_CHARS:
        return _problem("email", "invalid", f"is longer than {MAX_EMAIL_CHARS} characters")
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return _problem("email", "invalid", "is not a valid e-mail address")
    return str(checked.normalized)


def normalise_contact_address(text: object) -> str | DeclarationProblem:
    """``text`` as a contact address: NFC, whitespace collapsed, no control or invisible characters (the card
    text rules of :func:`vssid_id.cards.text.forbidden_character`), at most
    :data:`MAX_CONTACT_ADDRESS_CHARS` characters; or the problem (field ``contact_address``, kind ``invalid``)."""
    if not isinstance(text, str):
        return _problem("contact_address", "invalid", f"must be text, not {type(text).__name__}")
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not text:
        return _problem("contact_address", "invalid", "is empty")
    if len(text) > MAX_CONTACT_ADDRESS_CHARS:
        return _problem("contact_address", "invalid", f"is longer than {MAX_CONTACT_ADDRESS_CHARS} characters")
    if forbidden_character(text) is not None:
        return _problem("contact_address", "invalid", "holds a control, invisible or unprintable character")
    return text
