"""Identity card expiry: every expected date below is worked by hand from the laws' text.

Luật Căn cước công dân 2014, Điều 21: change at 25, 40, 60; a card issued within the two
years before one of those ages is valid to the next one. Luật Căn cước 2023 (cards issued
from 1 July 2024), Điều 21: the same with 14, 25, 40, 60. Điều 46 khoản 3: 2014-law cards
expiring from 15 January 2024 to before 30 June 2024 are valid to 30 June 2024. The printed
"Có giá trị đến" date is the birthday itself.
"""

import calendar
import random
import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import vssid_id
from vssid_id.cards.expiry import identity_card_expiry, identity_card_valid_until
from vssid_id.cards.synthetic import synthetic_cccd_record

LAW_2014 = "luat_can_cuoc_cong_dan_2014"
LAW_2023 = "luat_can_cuoc_2023"

CASES = [
    # (date of birth, issue date, valid until, reason, law, change age)
    # The public example: born 12/08/2001, card made in 2021 at 19 → "Có giá trị đến 12/08/2026".
    (date(2001, 8, 12), date(2021, 5, 3), date(2026, 8, 12), "change_age", LAW_2014, 25),
    # Born June 1998, card in May 2021: not yet 23 → change at 25.
    (date(1998, 6, 15), date(2021, 5, 15), date(2023, 6, 15), "change_age", LAW_2014, 25),
    # The day before the 23rd birthday: still outside the two years.
    (date(1998, 6, 15), date(2021, 6, 14), date(2023, 6, 15), "change_age", LAW_2014, 25),
    # On the 23rd birthday: within the two years before 25 → valid to the 40th birthday.
    (date(1998, 6, 15), date(2021, 6, 15), date(2038, 6, 15), "change_age", LAW_2014, 40),
    # Issued at 24 → to 40.
    (date(1997, 1, 20), date(2021, 9, 1), date(2037, 1, 20), "change_age", LAW_2014, 40),
    # Issued on the 25th birthday itself (the change it requires) → to 40.
    (date(1995, 3, 1), date(2020, 3, 1), date(2035, 3, 1), "change_age", LAW_2014, 40),
    # Issued at 30 → to 40.
    (date(1990, 3, 5), date(2021, 8, 15), date(2030, 3, 5), "change_age", LAW_2014, 40),
    # Issued at 37 → to 40; at 38 → to 60.
    (date(1983, 10, 2), date(2021, 1, 4), date(2023, 10, 2), "change_age", LAW_2014, 40),
    (date(1982, 10, 2), date(2021, 1, 4), date(2042, 10, 2), "change_age", LAW_2014, 60),
    # An older person: 57 at issue → to 60; 58 at issue (within two years of 60) → for life.
    (date(1963, 9, 20), date(2021, 1, 5), date(2023, 9, 20), "change_age", LAW_2014, 60),
    (date(1962, 9, 20), date(2021, 1, 5), None, "for_life", LAW_2014, None),
    (date(1950, 1, 1), date(2016, 6, 1), None, "for_life", LAW_2014, None),
    # Điều 46 khoản 3: a 25th birthday on 15/01/2024 … 29/06/2024 → valid to 30/06/2024.
    (date(1999, 1, 15), date(2020, 1, 1), date(2024, 6, 30), "transition_30_june_2024", LAW_2014, 25),
    (date(1999, 3, 20), date(2019, 5, 1), date(2024, 6, 30), "transition_30_june_2024", LAW_2014, 25),
    (date(1999, 6, 29), date(2019, 5, 1), date(2024, 6, 30), "transition_30_june_2024", LAW_2014, 25),
    # … but not a day earlier, nor the 30th itself, nor later.
    (date(1999, 1, 14), date(2020, 1, 1), date(2024, 1, 14), "change_age", LAW_2014, 25),
    (date(1999, 6, 30), date(2019, 5, 1), date(2024, 6, 30), "change_age", LAW_2014, 25),
    (date(1999, 7, 1), date(2019, 5, 1), date(2024, 7, 1), "change_age", LAW_2014, 25),
    # Luật Căn cước 2023: a child's card at 4 → to the 14th birthday.
    (date(2020, 2, 10), date(2024, 8, 10), date(2034, 2, 10), "change_age", LAW_2023, 14),
    # A child's card at 12 (within two years of 14) → to 25.
    (date(2012, 5, 1), date(2024, 9, 2), date(2037, 5, 1), "change_age", LAW_2023, 25),
    # At 14 → to 25; at 24 → to 40; at 58 → for life.
    (date(2010, 5, 1), date(2024, 9, 2), date(2035, 5, 1), "change_age", LAW_2023, 25),
    (date(2000, 5, 1), date(2024, 9, 2), date(2040, 5, 1), "change_age", LAW_2023, 40),
    (date(1966, 5, 1), date(2024, 9, 2), None, "for_life", LAW_2023, None),
    # The law is chosen by the issue date: a ten-year-old's card issued the day before
    # 1 July 2024 follows the 2014 ages (first change at 25), from that day the 2023 ones (14).
    (date(2014, 1, 1), date(2024, 6, 30), date(2039, 1, 1), "change_age", LAW_2014, 25),
    (date(2014, 1, 1), date(2024, 7, 1), date(2028, 1, 1), "change_age", LAW_2023, 14),
    # Born on 29 February: the 25th birthday in a common year is 28 February.
    (date(2000, 2, 29), date(2016, 3, 1), date(2025, 2, 28), "change_age", LAW_2014, 25),
    # … and 29 February in a leap year (the 40th: 2036 is a leap year).
    (date(1996, 2, 29), date(2019, 3, 1), date(2036, 2, 29), "change_age", LAW_2014, 40),
]


@pytest.mark.parametrize(("born", "issued", "until", "reason", "law", "age"), CASES)
def test_expiry_worked_by_hand(born, issued, until, reason, law, age):
    expiry = identity_card_expiry(born, issued)
    assert (expiry.valid_until, expiry.reason, expiry.law, expiry.change_age) == (until, reason, law, age)
    assert identity_card_valid_until(born, issued) == until


def test_unknown_issue_date_or_day_of_birth():
    assert identity_card_expiry(date(1990, 3, 5), None) == (None, "unknown_issue_date", None, None)
    assert identity_card_expiry(None, date(2021, 8, 15)) == (None, "unknown_day_of_birth", LAW_2014, None)
    assert identity_card_expiry(None, date(2024, 8, 15)) == (None, "unknown_day_of_birth", LAW_2023, None)
    assert identity_card_expiry(None, None).reason == "unknown_issue_date"


@pytest.mark.parametrize("bad", ["2021-08-15", datetime(2021, 8, 15, 9, 0), 20210815])
def test_arguments_must_be_dates(bad):
    with pytest.raises(TypeError, match=r"must be a datetime\.date"):
        identity_card_expiry(bad, date(2021, 8, 15))
    with pytest.raises(TypeError, match="issue_date"):
        identity_card_valid_until(date(1990, 3, 5), bad)


def _card(born: date | None, issued: date | None, *, year: int | None = None, month: int | None = None):
    """A parsed identity card with these dates (the number's year digits follow the year of birth)."""
    base = synthetic_cccd_record(random.Random(7))
    year = born.year if born else year
    number = base.id_number[:3] + str((year // 100 - 19) * 2 + (base.gender.value == "female")) + f"{year % 100:02d}"
    update = {"id_number": number + base.id_number[6:], "date_of_birth": born, "year_of_birth": year,
              "month_of_birth": born.month if born else month, "issue_date": issued,
              "extra_fields": ("",) * 4 if issued and issued >= date(2024, 7, 1) else ()}
    return vssid_id.parse(base.model_copy(update=update).to_payload(), today=date(2026, 11, 25))


def test_from_parsed_records():
    card = _card(date(1998, 6, 15), date(2021, 6, 15))
    assert identity_card_valid_until(card.date_of_birth, card.issue_date) == date(2038, 6, 15)
    child = _card(date(2020, 2, 10), date(2024, 8, 10))
    assert child.variant.value == "can_cuoc_2024"
    assert identity_card_valid_until(child.date_of_birth, child.issue_date) == date(2034, 2, 10)
    # A card holding only the month and year of birth: the birthday, and so the expiry, is unknown.
    partial = _card(None, date(2021, 6, 15), year=1958, month=7)
    assert (partial.date_of_birth, partial.month_of_birth) == (None, 7)
    assert identity_card_expiry(partial.date_of_birth, partial.issue_date).reason == "unknown_day_of_birth"
    # A card with an empty issue-date field.
    undated = _card(date(1990, 3, 5), None)
    assert identity_card_expiry(undated.date_of_birth, undated.issue_date).reason == "unknown_issue_date"


@given(born=st.dates(date(1900, 1, 1), date(2026, 11, 25)), days=st.integers(0, 120 * 366))
def test_the_rule_in_general(born, days):
    """The plain rule, restated: the card is valid to a birthday of one of the law's ages, at
    least two years after the issue date, and the card was not issued in the two years before
    an earlier age of the list; or it is valid for life when issued from the 58th birthday."""
    issued = born + timedelta(days=days)
    expiry = identity_card_expiry(born, issued)
    ages = (14, 25, 40, 60) if issued >= date(2024, 7, 1) else (25, 40, 60)
    # Completed years on the issue date; someone born on 29 February has a birthday on 28 February
    # in a common year.
    leap_day_in_common_year = (born.month, born.day) == (2, 29) and not calendar.isleap(issued.year)
    anniversary = (2, 28) if leap_day_in_common_year else (born.month, born.day)
    age_at_issue = issued.year - born.year - ((issued.month, issued.day) < anniversary)
    if age_at_issue >= 58:
        assert expiry.reason == "for_life"
        return
    assert expiry.change_age in ages
    assert expiry.change_age - age_at_issue >= 3  # not issued within the two years before it
    earlier = [age for age in ages if age < expiry.change_age]
    assert all(age_at_issue >= age - 2 for age in earlier)
    if expiry.reason == "change_age":
        assert expiry.valid_until.year == born.year + expiry.change_age
        assert (expiry.valid_until.month, expiry.valid_until.day) in {(born.month, born.day), (2, 28)}
    else:
        assert expiry.reason == "transition_30_june_2024"
        assert expiry.valid_until == date(2024, 6, 30)


def test_the_examples_in_docs_formats():
    """The worked examples table of docs/formats.md says what the function gives."""
    from pathlib import Path

    formats = (Path(__file__).resolve().parent.parent / "docs" / "formats.md").read_text(encoding="utf-8")
    section = formats.split("## Identity card expiry", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d\d/\d\d/\d{4}) \| (\d\d/\d\d/\d{4}) \| (\d{4}) \| ([^|]+) \|", section, re.M)
    assert len(rows) == 6

    def day(text):
        return datetime.strptime(text, "%d/%m/%Y").date()

    for born, issued, law, until in rows:
        expiry = identity_card_expiry(day(born), day(issued))
        assert expiry.law == {"2014": LAW_2014, "2023": LAW_2023}[law]
        assert expiry.valid_until == (None if until.strip() == "for life" else day(until.strip()))
        assert (day(born), day(issued), expiry.valid_until) in {(case[0], case[1], case[2]) for case in CASES}


def test_a_record_knows_its_card_expiry():
    # A card issued at 30 to a person born 5 March 1990 is valid to the 40th birthday
    # (Luật Căn cước công dân 2014, Điều 21), as the CCCD prints "Có giá trị đến".
    record = vssid_id.parse("001090123456||Nguyễn Văn An|05031990|Nam|Hà Nội|15082021", today=date(2026, 11, 25))
    assert record.valid_until == date(2030, 3, 5)
    old = vssid_id.parse("001055123456||Nguyễn Văn An|05031955|Nam|Hà Nội|15082021", today=date(2026, 11, 25))
    assert old.valid_until is None  # issued after 60: for life
