"""The card date formats: the fast path agrees with the plain digit rule."""

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vssid_id.dates import parse_birth_date, parse_compact_date, parse_slash_date
from vssid_id.errors import MalformedPayload

_SLASH = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")
_COMPACT = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")


def _reference(pattern, text):
    """The rule written plainly: ASCII digits in place, then a calendar date."""
    match = pattern.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _result(parse, text):
    try:
        return parse(text, "field")
    except MalformedPayload:
        return None


# Characters that fool lax date parsing: signs, spaces, underscores, other
# scripts' digits (int() accepts '٣' and '1_0'), ISO separators and letters.
_tricky = st.text(alphabet="0123456789/-+_ .:TWZ٣３x", min_size=6, max_size=12)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(_tricky, st.dates().map(lambda d: d.strftime("%d/%m/%Y"))))
def test_slash_date_matches_the_plain_rule(text):
    assert _result(parse_slash_date, text) == _reference(_SLASH, text)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(_tricky, st.dates().map(lambda d: d.strftime("%d%m%Y"))))
def test_compact_date_matches_the_plain_rule(text):
    assert _result(parse_compact_date, text) == _reference(_COMPACT, text)


@pytest.mark.parametrize("text", ["2000-1-01", "+1/01/2000", " 1/01/2000", "1_/01/2000", "٣1/01/2000", "31/02/2000", "00/01/2000"])
def test_lax_spellings_are_refused(text):
    with pytest.raises(MalformedPayload) as info:
        parse_slash_date(text, "valid_from")
    assert info.value.field == "valid_from"


@pytest.mark.parametrize("text", ["01/01/1799", "1799", "01/1799"])
def test_birth_dates_before_1800_are_refused(text):
    with pytest.raises(MalformedPayload, match="before 1800"):
        parse_birth_date(text, slashes=True)


def test_birth_date_in_1800_is_accepted():
    assert parse_birth_date("1800", slashes=True) == (None, None, 1800)
