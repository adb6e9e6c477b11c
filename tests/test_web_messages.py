"""The page's Vietnamese catalogue (vssid_id/web/messages.py) holds a text for every code the API can give.

The codes are read from the source itself, so that a new error type, API
error, conflict, note or declaration problem without a Vietnamese text fails
here: the exception classes of vssid_id.errors, the ``ApiError(status, "Type"
…)`` of the web wing, every ``kind="…"`` of a Conflict or Note, and every
``(field, kind)`` a declaration problem is made with.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import vssid_id
from vssid_id import errors
from vssid_id.web.messages import ERRORS, FALLBACK, FINDINGS, PROBLEMS, catalogue_json

SRC = Path(vssid_id.__file__).parent

#: English words that no Vietnamese message holds (the codes BHYT, CCCD, QR, JPEG, PDF, OTP … may appear).
ENGLISH = re.compile(r"\b(the|is|not|a|of|image|file|over|limit|bytes?|card|payload|error|too|large|request|"
                     r"body|could|cannot|no|code|found|invalid|missing|must|please|server|failed)\b", re.IGNORECASE)
VIETNAMESE_LETTERS = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")


def assert_vietnamese(text: str) -> None:
    """A message a person reads: not empty, Vietnamese (it has Vietnamese letters), no English word."""
    assert text.strip(), "an empty message"
    assert VIETNAMESE_LETTERS.search(text.lower()), text
    assert not ENGLISH.search(text), text


def _sources(*wings: str) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for wing in wings for path in sorted((SRC / wing).glob("*.py")))


def test_every_error_type_has_a_vietnamese_text() -> None:
    types = {name for name in errors.__all__
             if isinstance(getattr(errors, name), type) and issubclass(getattr(errors, name), Exception)}
    assert {"VssidError", "ImageError", "DeclarationError", "UnknownOffice"} <= types
    assert sorted(types - ERRORS.keys()) == []


def test_every_api_error_type_has_a_vietnamese_text() -> None:
    source = _sources("web")
    types = set(re.findall(r'ApiError\(\s*\d{3},\s*"(\w+)"', source))
    types |= set(re.findall(r'error_body\("(\w+)"', source))
    types |= {"NotFound", "MethodNotAllowed", "HTTPError"}  # app.py's http_error table
    assert {"BodyTooLarge", "NoCodeFound", "ServerBusy", "InternalError"} <= types
    assert sorted(types - ERRORS.keys()) == []


def test_every_conflict_and_note_kind_has_a_vietnamese_text() -> None:
    source = _sources("registration", "declaration", "web")
    kinds = set(re.findall(r'(?:Conflict|Note)\([^()]*?kind="(\w+)"', source, re.DOTALL))
    assert {"name_diacritics", "id_card_expired", "address_not_found", "id_front_mismatch", "edited_by_hand"} <= kinds
    assert sorted(kinds - FINDINGS.keys()) == []


def test_every_declaration_problem_has_a_vietnamese_text() -> None:
    source = _sources("declaration", "web")
    made = re.findall(r'(?:_problem|DeclarationProblem)\(\s*("?\w+"?),\s*"(\w+)"', source)
    assert len(made) > 20
    photo_fields = ("portrait", "id_front", "id_back")
    missing = []
    for field, kind in made:
        fields = [field.strip('"')] if field.startswith('"') else list(photo_fields) if kind != "missing" else []
        if not fields and kind not in PROBLEMS:
            missing.append(kind)
        for name in fields:
            if f"{name}.{kind}" not in PROBLEMS and kind not in PROBLEMS:
                missing.append(f"{name}.{kind}")
    assert sorted(set(missing)) == []
    # the required fields each say what to do (not just "required")
    for field in ("full_name", "bhxh_code", "id_number", "phone", "email", "office", *photo_fields):
        assert f"{field}.missing" in PROBLEMS


def test_every_text_is_vietnamese() -> None:
    for table in (ERRORS, FALLBACK, FINDINGS, PROBLEMS):
        for text in table.values():
            assert_vietnamese(text.replace("{limit}", "50 MB"))


def test_the_catalogue_is_safe_inside_a_script_element() -> None:
    text = catalogue_json(52_428_800)
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    assert data["errors"]["BodyTooLarge"] == ERRORS["BodyTooLarge"]
    assert data["max_body_bytes"] == 52_428_800


def test_the_page_shows_no_english_message_from_the_api() -> None:
    """app.js words a failure from its type and status only: it never reads the API's English ``message``."""
    script = (SRC / "web" / "static" / "app.js").read_text(encoding="utf-8")
    assert re.search(r"\.message\b", script) is None
