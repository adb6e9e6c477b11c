"""Bad input to parse(): only VssidError subclasses, with clear messages."""

import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vssid_id
from vssid_id import errors
from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record

TODAY = date(2026, 11, 25)
CCCD = synthetic_cccd_record(random.Random(7)).to_payload()
BHYT = synthetic_bhyt_record(random.Random(7)).to_payload()


@pytest.mark.parametrize("value", [None, 12, 1.5, ["a|b"], {"a": 1}, object()])
def test_wrong_types(value):
    with pytest.raises(errors.MalformedPayload) as info:
        vssid_id.parse(value)  # type: ignore[arg-type]
    assert "must be str or bytes" in str(info.value)


@pytest.mark.parametrize("value", ["", "   ", "\ufeff", b"", b"\xef\xbb\xbf \n"])
def test_empty(value):
    with pytest.raises(errors.MalformedPayload, match="empty"):
        vssid_id.parse(value)


@pytest.mark.parametrize("value", ["1" * 100_000, CCCD + "|" + "x" * 100_000, (BHYT * 600).encode()])
def test_100_kb_payloads(value):
    with pytest.raises(errors.MalformedPayload, match="too long"):
        vssid_id.parse(value)


@pytest.mark.parametrize("value", [b"\xff\xfe\x00", CCCD.encode()[:-1] + b"\xc3", b"abc\xed\xa0\x80"])
def test_invalid_utf8(value):
    with pytest.raises(errors.MalformedPayload, match="UTF-8"):
        vssid_id.parse(value)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u200b", "\u202e", "\u2066", "\ue000"])
def test_control_and_bidi_characters(char):
    for payload in (CCCD, BHYT):
        parts = payload.split("|")
        # the name field of a CCCD (2) holds text; BHYT's 2 is the date of birth
        parts[2] = parts[2][:3] + char + parts[2][3:]
        with pytest.raises(errors.MalformedPayload) as info:
            vssid_id.parse("|".join(parts), today=TODAY)
        assert info.value.field is not None


@pytest.mark.parametrize("payload", ["hello", "http://example.com", "1|2|3", "ABC", "|".join([""] * 7)])
def test_unknown_kind(payload):
    with pytest.raises(errors.UnknownPayloadKind):
        vssid_id.parse(payload)


def test_other_card_kind_with_the_specific_parser():
    with pytest.raises(errors.UnknownPayloadKind, match="BHYT"):
        vssid_id.parse_cccd(BHYT)
    with pytest.raises(errors.UnknownPayloadKind, match="CCCD"):
        vssid_id.parse_bhyt(CCCD)


@pytest.mark.parametrize("payload", [CCCD, BHYT])
def test_every_truncation_and_field_count(payload):
    """Dropping or adding fields, or cutting the text anywhere, raises VssidError or parses."""
    parts = payload.split("|")
    # A BHYT payload may lack its trailer (check field and '$'): 13 or 14 fields parse.
    optional_trailer = {13, 14} if payload is BHYT else set()
    for count in set(range(1, len(parts))) - optional_trailer:
        with pytest.raises(errors.VssidError):
            vssid_id.parse("|".join(parts[:count]), today=TODAY)
    for cut in range(1, len(payload)):
        try:
            vssid_id.parse(payload[:cut], today=TODAY)
        except errors.VssidError:
            pass


_fuzz = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_fuzz
@given(st.text())
def test_fuzz_text(text):
    try:
        vssid_id.parse(text)
    except errors.VssidError:
        pass


@_fuzz
@given(st.binary())
def test_fuzz_bytes(raw):
    try:
        vssid_id.parse(raw)
    except errors.VssidError:
        pass


def _mutations(payload):
    """Text that looks like a real payload with fields replaced by arbitrary text."""
    parts = payload.split("|")
    return st.lists(st.tuples(st.integers(0, len(parts) - 1), st.text(max_size=20)), max_size=4).map(
        lambda edits: "|".join(_apply(parts, edits))
    )


def _apply(parts, edits):
    parts = list(parts)
    for index, text in edits:
        parts[index] = text
    return parts


@_fuzz
@given(st.one_of(_mutations(CCCD), _mutations(BHYT)))
def test_fuzz_field_mutations(text):
    try:
        vssid_id.parse(text, today=TODAY)
    except errors.VssidError:
        pass
