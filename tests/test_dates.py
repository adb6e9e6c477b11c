"""The card date formats: the fast path agrees with the plain digit rule."""

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vssid_id.cards.dates import (
    format_birth_date,
    format_compact_date,
    format_slash_date,
    parse_birth_date,
    parse_compact_date,
    parse_slash_date,
)
from vssid_id.errors import MalformedPayload

_SLASH = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")
_COMPACT = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")


def _reference(pattern, text):
    """The rule written plainly: ASCII digits in place, a calendar date, not before 1900."""
    match = pattern.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    if year < 1900:
        return None
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


@pytest.mark.parametrize(
    "text", ["2000-1-01", "+1/01/2000", " 1/01/2000", "1_/01/2000", "٣1/01/2000", "31/02/2000", "00/01/2000"]
)
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


@pytest.mark.parametrize("text", ["01/01/0001", "31/12/0999", "31/12/1899"])
def test_card_dates_before_1900_are_refused(text):
    with pytest.raises(MalformedPayload, match="before 1900") as info:
        parse_slash_date(text, "valid_from")
    assert info.value.field == "valid_from"
    with pytest.raises(MalformedPayload, match="before 1900"):
        parse_compact_date(text.replace("/", ""), "issue_date")


def test_a_full_birth_date_keeps_the_1800_bound():
    assert parse_birth_date("07/05/1850", slashes=True)[0] == date(1850, 5, 7)
    assert parse_birth_date("07051850", slashes=False)[0] == date(1850, 5, 7)


def test_bad_date_error_carries_no_copy_of_the_date():
    for text in ("31/02/1990", "3x/02/1990"):
        with pytest.raises(MalformedPayload) as info:
            parse_slash_date(text, "date_of_birth")
        assert info.value.__context__ is None and info.value.__cause__ is None


@settings(max_examples=1000, deadline=None)
@given(st.dates())
def test_formatting_writes_four_digit_years_that_read_back(value):
    slash, compact = format_slash_date(value), format_compact_date(value)
    assert len(slash) == 10 and len(compact) == 8
    assert slash == f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    assert compact == slash.replace("/", "")
    assert format_birth_date(value, value.month, value.year, slashes=True) == slash
    assert format_birth_date(value, value.month, value.year, slashes=False) == compact
    if value.year >= 1900:
        assert parse_slash_date(slash, "f") == value and parse_compact_date(compact, "f") == value
    if value.year >= 1800:
        assert parse_birth_date(slash, slashes=True)[0] == value
        assert parse_birth_date(compact, slashes=False)[0] == value


def test_year_one_is_written_with_four_digits():
    assert format_slash_date(date(1, 1, 1)) == "01/01/0001"
    assert format_birth_date(date(1, 1, 1), 1, 1, slashes=False) == "01010001"
    assert format_birth_date(None, None, 999, slashes=True) == "0999"
