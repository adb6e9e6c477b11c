"""How long a CCCD / Căn cước card is valid: the law it was issued under, worked out from two dates.

Neither card's QR code holds its expiry date; the card prints it ("Có giá trị
đến"), and the law derives it from the holder's date of birth and the card's
issue date, both of which the QR code does hold.

The rules
---------
* **Luật Căn cước công dân 2014** (Luật 59/2014/QH13), for cards issued before
  1 July 2024 (Căn cước công dân, barcode and chip cards):

  - Điều 21 khoản 1: "Thẻ Căn cước công dân phải được đổi khi công dân đủ 25
    tuổi, đủ 40 tuổi và đủ 60 tuổi."
  - Điều 21 khoản 2: "Trường hợp thẻ Căn cước công dân được cấp, đổi, cấp lại
    trong thời hạn 2 năm trước tuổi quy định tại khoản 1 Điều này thì vẫn có giá
    trị sử dụng đến tuổi đổi thẻ tiếp theo."

* **Luật Căn cước 2023** (Luật 26/2023/QH15, in force 1 July 2024; Điều 45), for
  cards issued from that day (Căn cước cards, to children under 14 too):

  - Điều 21 khoản 1: "Công dân Việt Nam đã được cấp thẻ căn cước phải thực hiện
    thủ tục cấp đổi thẻ căn cước khi đủ 14 tuổi, 25 tuổi, 40 tuổi và 60 tuổi."
  - Điều 21 khoản 2: a card "được cấp, cấp đổi, cấp lại trong thời hạn 02 năm
    trước tuổi quy định tại khoản 1 Điều này có giá trị sử dụng đến tuổi cấp đổi
    thẻ căn cước tiếp theo."

* **Transition**, Luật Căn cước 2023, Điều 46:

  - khoản 1: a Căn cước công dân card issued before 1 July 2024 stays valid
    "đến hết thời hạn được in trên thẻ", i.e. to the date the 2014 law gave it;
  - khoản 3 (in force ahead of the rest of the law, from 15 January 2024: Điều 45): cards whose validity
    ended "từ ngày 15 tháng 01 năm 2024 đến trước ngày 30 tháng 6 năm 2024" stay
    valid "đến hết ngày 30 tháng 6 năm 2024".

So a card's **change age** is the first age of the law's list that the holder
had not reached on the issue date, unless the card was issued within the two
years before it (on or after the birthday two years earlier), in which case it
is the next age of the list; after the last age (60) there is none and the card
is valid for life.

How the dates are read (our choices, each checked against public sources)
--------------------------------------------------------------------------
* ``valid_until`` is **the birthday** on which the holder reaches the change
  age, and the card is valid **through** that day: the printed "Có giá trị đến"
  date of real cards is that birthday (thuvienphapluat.vn, "Cách kiểm tra hạn sử
  dụng thẻ căn cước công dân": for someone born in 2001 whose card was made in
  2021, the expiry is "cụ thể là ngày tháng sinh của bạn A vào năm 2026"). A
  card has expired on a day strictly after ``valid_until``.
* "within the two years before age N" starts on the birthday of age N − 2
  (published explanations: "tức là trong vòng 2 năm từ khi đủ 23 tuổi, đủ 38
  tuổi, đủ 58 tuổi"), and a card issued on or after the birthday of age N is
  the card that age requires, valid to the next one.
* Someone born on 29 February reaches an age, in a common year, on 28 February:
  Bộ luật Dân sự 2015, Điều 148 ends a period whose last month lacks the
  corresponding day on that month's last day (we apply the same reading to
  years).

When the answer is ``None``
---------------------------
``valid_until`` is ``None`` for three different reasons, which
:func:`identity_card_expiry` tells apart (``reason``):

* ``"for_life"`` — no change age is left (the card was issued from the 58th
  birthday on): the card is valid for life ("Không thời hạn");
* ``"unknown_issue_date"`` — the QR code's issue-date field is empty: without
  it neither the law nor the change age can be known;
* ``"unknown_day_of_birth"`` — the card holds only the month and year, or the
  year, of birth: the birthday the card expires on cannot be known, and
  guessing a day would invent data.

>>> from datetime import date
>>> identity_card_valid_until(date(2001, 8, 12), date(2021, 5, 3))
datetime.date(2026, 8, 12)
>>> identity_card_expiry(date(1960, 3, 5), date(2019, 1, 1)).reason   # issued at 58
'for_life'
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, NamedTuple

__all__ = [
    "CAN_CUOC_LAW_FROM",
    "CHANGE_AGES_2014",
    "CHANGE_AGES_2023",
    "Law",
    "ExpiryReason",
    "IdentityCardExpiry",
    "birthday",
    "identity_card_expiry",
    "identity_card_valid_until",
]

#: Luật Căn cước 2023 is in force from this day (Điều 45); cards issued
#: from it are Căn cước cards under that law.
CAN_CUOC_LAW_FROM = date(2024, 7, 1)

#: Luật Căn cước công dân 2014, Điều 21 khoản 1.
CHANGE_AGES_2014 = (25, 40, 60)

#: Luật Căn cước 2023, Điều 21 khoản 1.
CHANGE_AGES_2023 = (14, 25, 40, 60)

#: The two years before a change age within which a card is valid to the next one (Điều 21 khoản 2, both laws).
_GRACE_YEARS = 2

# Luật Căn cước 2023, Điều 46 khoản 3.
_TRANSITION_FROM = date(2024, 1, 15)
_TRANSITION_TO = date(2024, 6, 30)

Law = Literal["luat_can_cuoc_cong_dan_2014", "luat_can_cuoc_2023"]
ExpiryReason = Literal["change_age", "transition_30_june_2024", "for_life", "unknown_issue_date",
                       "unknown_day_of_birth"]


class IdentityCardExpiry(NamedTuple):
    """The validity of one identity card and why.

    ``valid_until`` is the last day the card is valid, or ``None`` (see
    ``reason``); ``law`` is the law the card was issued under (``None`` when the
    issue date is unknown); ``change_age`` the age at which the card must be
    changed (``None`` for life or when unknown).
    """

    valid_until: date | None
    reason: ExpiryReason
    law: Law | None
    change_age: int | None


def _require_date(value: object, name: str) -> None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise TypeError(f"{name} must be a datetime.date or None, not {type(value).__name__}")


def birthday(date_of_birth: date, age: int) -> date:
    """The day on which someone born on ``date_of_birth`` reaches ``age`` (đủ ``age`` tuổi).

    >>> birthday(date(2000, 2, 29), 25)   # a common year: the last day of February
    datetime.date(2025, 2, 28)
    """
    year = date_of_birth.year + age
    try:
        return date_of_birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)


def identity_card_expiry(date_of_birth: date | None, issue_date: date | None) -> IdentityCardExpiry:
    """The validity of a CCCD / Căn cước card issued on ``issue_date`` to someone born on ``date_of_birth``.

    See the module docstring for the rules and their sources. Raises
    :class:`TypeError` when an argument is neither a ``datetime.date`` nor
    ``None`` (a ``datetime`` is refused too: a card date has no time).

    >>> expiry = identity_card_expiry(date(2012, 5, 1), date(2024, 9, 2))   # a child's Căn cước, issued at 12
    >>> expiry.valid_until, expiry.change_age, expiry.law
    (datetime.date(2037, 5, 1), 25, 'luat_can_cuoc_2023')
    """
    _require_date(date_of_birth, "date_of_birth")
    _require_date(issue_date, "issue_date")
    if issue_date is None:
        return IdentityCardExpiry(None, "unknown_issue_date", None, None)
    law: Law
    ages: tuple[int, ...]
    if issue_date >= CAN_CUOC_LAW_FROM:
        law, ages = "luat_can_cuoc_2023", CHANGE_AGES_2023
    else:
        law, ages = "luat_can_cuoc_cong_dan_2014", CHANGE_AGES_2014
    if date_of_birth is None:
        return IdentityCardExpiry(None, "unknown_day_of_birth", law, None)
    for age in ages:
        change_day = birthday(date_of_birth, age)
        if issue_date >= birthday(date_of_birth, age - _GRACE_YEARS):
            continue  # issued within the two years before this age, or after it
        if law == "luat_can_cuoc_cong_dan_2014" and _TRANSITION_FROM <= change_day < _TRANSITION_TO:
            return IdentityCardExpiry(_TRANSITION_TO, "transition_30_june_2024", law, age)
        return IdentityCardExpiry(change_day, "change_age", law, age)
    return IdentityCardExpiry(None, "for_life", law, None)


def identity_card_valid_until(date_of_birth: date | None, issue_date: date | None) -> date | None:
    """The last day a CCCD / Căn cước card is valid, or ``None``.

    ``None`` means valid for life, **or** unknown (no issue date, or no day of
    birth on the card): call :func:`identity_card_expiry` to tell which.

    >>> identity_card_valid_until(date(1998, 6, 10), date(2021, 7, 1))   # issued at 23: to the 40th birthday
    datetime.date(2038, 6, 10)
    """
    return identity_card_expiry(date_of_birth, issue_date).valid_until
