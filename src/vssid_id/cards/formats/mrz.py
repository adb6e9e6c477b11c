"""The machine-readable zone (MRZ) of ID cards and passports: record, parser, serializer.

ICAO Doc 9303 (8th edition, 2021) defines the MRZ: part 3 the character set
(``A``–``Z``, ``0``–``9``, the filler ``<``), the check digit and the dates;
part 4 the passport's TD3 zone (2 lines of 44); part 5 the ID card's TD1 zone
(3 lines of 30). The back of every chip CCCD (2021) and Căn cước (2024) card
carries a TD1 zone; the data page of a passport a TD3 zone. docs/formats.md
gives the field table and its sources.

The check digit (part 3, 4.9): characters take the values ``0``–``9`` → 0–9,
``A``–``Z`` → 10–35, ``<`` → 0; multiply by the weights 7, 3, 1, 7, 3, 1 …
from the left; the sum modulo 10 is the digit. Part 3's worked examples:

>>> check_digit("520727"), check_digit("AB2134<<<")
('3', '5')

Vietnamese ID cards (verified on public card MRZs, docs/formats.md) follow
TD1 with one national rule: the document number (positions 6–14) is the last
nine digits of the 12-digit personal number, which is written whole in the
optional data (positions 16–27), followed by ``<<`` and a check digit of those
twelve digits (position 30). The expiry ``991231`` means the card has no expiry
(“Không thời hạn”).

>>> record = parse_mrz(
...     "IDVNM0900123450001090012345<<1\\n"
...     "9002155M3002153VNM<<<<<<<<<<<0\\n"
...     "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<", date(2026, 1, 1))
>>> record.id_number, record.date_of_birth, record.valid_until, record.given_names
('001090012345', datetime.date(1990, 2, 15), datetime.date(2030, 2, 15), 'VAN AN')

Every check digit is verified; a wrong one raises
:class:`~vssid_id.errors.ChecksumMismatch` naming the field. What the check
digits cannot prove: the name lines have no check digit at all (ICAO defines
none), and a change of a letter by ten places in the alphabet (``A`` ↔ ``K``,
``0`` ↔ ``A``) leaves a 7-3-1 sum unchanged modulo 10, so it is caught only
where the field must be digits (every numeric field here, and every field of a
Vietnamese card but the name).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Literal

from pydantic import Field

from ...errors import ChecksumMismatch, InconsistentRecord, InvalidCode, MalformedPayload
from ..codes.cccd import number_parts
from ..dates import EARLIEST_BIRTH_YEAR
from ..dates import today as system_today
from ..gender import Gender
from ..trusted import trusted
from .base import CardRecord

__all__ = [
    "MrzRecord",
    "MrzFormat",
    "check_digit",
    "mrz_lines",
    "looks_like_mrz",
    "parse_mrz",
    "parse_mrz_lines",
    "to_mrz_lines",
    "latin_name",
    "NO_EXPIRY",
    "LINE_LENGTHS",
    "OCR_LAYOUTS",
]

MrzFormat = Literal["td1", "td3"]

#: Lines × characters of each format (Doc 9303 part 4, 4.2.2 and part 5, 4.2.2).
LINE_LENGTHS: dict[MrzFormat, tuple[int, int]] = {"td1": (3, 30), "td3": (2, 44)}

#: The expiry Vietnamese ID cards print when the card has none ("Không thời
#: hạn": cards of holders past 60, Luật Căn cước 2023 Điều 21; seen on public
#: card MRZs, docs/formats.md).
NO_EXPIRY = "991231"

#: The zones an OCR looks for, as masks of what each cell may hold (``9`` a
#: digit, ``A`` a letter or ``<``, ``N`` a digit or ``<``, ``S`` the sex:
#: ``F``, ``M``, ``X`` or ``<``, ``X`` any): a
#: Vietnamese card, any TD1 card, a Vietnamese passport (document number a
#: letter and seven digits, as on public examples), any TD3 passport (the
#: positions as the parser above reads them; Doc 9303 parts 4 and 5).
OCR_LAYOUTS: tuple[tuple[str, ...], ...] = (
    ("AAAAA" + "9" * 10 + "9" * 12 + "<<9", "9999999S9999999AAA" + "<" * 11 + "9", "A" * 30),
    ("AAAAA" + "X" * 9 + "N" + "X" * 15, "9999999S9999999AAA" + "X" * 11 + "9", "A" * 30),
    ("A" * 44, "A9999999N9AAA9999999S9999999" + "N" * 15 + "9"),  # a Vietnamese passport: a letter, 7 digits
    ("A" * 44, "X" * 9 + "9AAA9999999S9999999" + "X" * 14 + "N9"),
)
_ALPHABET = re.compile("[A-Z0-9<]*")
_STATE = re.compile("[A-Z][A-Z<]{2}")
_VALUES = {char: value for value, char in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {"<": 0}
_WEIGHTS = (7, 3, 1)
_GENDERS = {"M": Gender.MALE, "F": Gender.FEMALE}
#: Characters of the name field: 30 on TD1 (line 3), 39 on TD3 (line 1 after the code and state).
_NAME_WIDTH: dict[MrzFormat, int] = {"td1": 30, "td3": 39}


def check_digit(text: str) -> str:
    """The ICAO 9303 check digit of ``text`` (``A``–``Z``, ``0``–``9``, ``<``).

    >>> check_digit("D23145890"), check_digit("L898902C3")
    ('7', '6')
    """
    try:
        total = sum(_VALUES[char] * _WEIGHTS[index % 3] for index, char in enumerate(text))
    except KeyError:
        raise MalformedPayload("holds a character outside A-Z, 0-9 and '<'", "mrz") from None
    return str(total % 10)


class MrzRecord(CardRecord):
    """What the machine-readable zone of an ID card (TD1) or passport (TD3) holds.

    Text fields are as printed: Latin capitals without diacritics, fillers
    ``<`` removed from the ends of a field and read as spaces inside the names.
    """

    kind: Literal["mrz"] = "mrz"
    document_format: MrzFormat = Field(title="Dạng vùng MRZ")
    """``td1``: an ID card's three lines of 30; ``td3``: a passport's two lines of 44."""
    document_code: str = Field(title="Mã loại giấy tờ", pattern="^[A-Z][A-Z<]$")
    """``ID`` on Vietnamese cards, ``P<`` on passports (Doc 9303 part 4, 4.2.2.1)."""
    issuing_state: str = Field(title="Nước cấp", pattern="^[A-Z<]{3}$")
    document_number: str = Field(title="Số giấy tờ", pattern="^[A-Z0-9<]{1,30}$")
    """The number with its check digit verified; on a Vietnamese card the last
    nine digits of the 12-digit personal number."""
    id_number: str | None = Field(title="Số định danh cá nhân (số CCCD)", pattern="^[0-9]{12}$")
    """The 12-digit personal number where the document carries it: a
    Vietnamese ID card's optional data; a Vietnamese passport's personal number."""
    optional_data: str = Field(title="Dữ liệu tuỳ chọn", pattern="^[A-Z0-9<]*$")
    """TD1: positions 16–30 of line 1; TD3: the personal number (line 2,
    positions 29–42). As printed, trailing fillers removed."""
    optional_data_2: str = Field(default="", title="Dữ liệu tuỳ chọn 2", pattern="^[A-Z0-9<]*$")
    """TD1 only: line 2, positions 19–29, trailing fillers removed."""
    date_of_birth: date = Field(title="Ngày sinh")
    gender: Gender | None = Field(title="Giới tính")
    """``None`` when the zone says unspecified (``<`` or ``X``)."""
    valid_until: date | None = Field(title="Có giá trị đến")
    """``None`` only when :attr:`no_expiry` is set."""
    no_expiry: bool = Field(title="Không thời hạn")
    """A Vietnamese card whose expiry reads ``991231``: valid for life."""
    nationality: str = Field(title="Quốc tịch", pattern="^[A-Z<]{3}$")
    surname: str = Field(title="Họ", pattern="^[A-Z ]*$")
    given_names: str = Field(title="Tên đệm và tên", pattern="^[A-Z ]*$")
    sex_code: Literal["M", "F", "<", "X"] = Field(title="Mã giới tính")
    """The sex character as printed (``gender`` reads it)."""

    @property
    def full_name(self) -> str:
        """Surname then given names, as a Vietnamese name is said (``NGUYEN VAN AN``)."""
        return f"{self.surname} {self.given_names}".strip()

    @property
    def name_truncated(self) -> bool:
        """Whether the name fills its field to the last character: then it may
        have been cut (Doc 9303 part 3, 4.6.5), and is a prefix of the real one."""
        return len(_name_field(self)) == _NAME_WIDTH[self.document_format]

    def to_payload(self) -> str:
        """The zone's lines, joined by ``\\n``."""
        return "\n".join(to_mrz_lines(self))

    def to_form(self) -> dict[str, str]:
        """The fields the zone fills on the registration form (name without
        diacritics as printed, date of birth, gender, the 12-digit number)."""
        form = {"họ tên": self.full_name}
        if self.id_number:
            form["số CCCD"] = self.id_number
        form["ngày sinh"] = self.date_of_birth.strftime("%d/%m/%Y")
        if self.gender is not None:
            form["giới tính"] = self.gender.label_vi
        return form

    @classmethod
    def _parse_payload(cls, payload: str, today: date | None) -> MrzRecord:
        return parse_mrz(payload, today)


def looks_like_mrz(text: str) -> bool:
    """Whether ``text`` is meant as an MRZ: only ``A``–``Z`` (either case),
    digits, ``<`` and whitespace, with at least one ``<`` and 60 characters.

    >>> looks_like_mrz("P<UTOERIKSSON<<ANNA"), looks_like_mrz("001090123456||Nguyễn")
    (False, False)
    """
    if "<" not in text or "|" in text or not text.isascii():
        return False
    compact = "".join(text.split())
    return len(compact) >= 60 and _ALPHABET.fullmatch(compact.upper()) is not None


def mrz_lines(text: str) -> tuple[MrzFormat, list[str]]:
    """The format and lines of MRZ text as readers deliver it: lines separated
    by CR/LF (or run together), surrounding spaces, either case.

    >>> mrz_lines(" p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<< L898902C36UTO7408122F1204159ZE184226B<<<<<10")[0]
    'td3'
    """
    if not text.isascii():
        raise MalformedPayload("holds a character outside A-Z, 0-9 and '<'", "mrz")
    rows = [row for row in (line.strip() for line in text.upper().splitlines()) if row]
    compact = "".join("".join(rows).split())
    if not _ALPHABET.fullmatch(compact):
        raise MalformedPayload("holds a character outside A-Z, 0-9 and '<'", "mrz")
    for kind, (count, width) in LINE_LENGTHS.items():
        if len(compact) == count * width:
            if len(rows) > 1 and any(len("".join(row.split())) != width for row in rows):
                raise MalformedPayload(f"a {kind.upper()} zone has {count} lines of {width} characters", "mrz")
            return kind, [compact[index:index + width] for index in range(0, len(compact), width)]
    raise MalformedPayload(
        f"has {len(compact)} characters; an ID card's zone (TD1) has 3 lines of 30, a passport's (TD3) 2 of 44",
        "mrz",
    )


def parse_mrz(text: str, today: date | None = None) -> MrzRecord:
    """Parse MRZ text (see :func:`mrz_lines`) into its record."""
    kind, lines = mrz_lines(text)
    return parse_mrz_lines(kind, lines, today)


def _check(field: str, value: str, digit: str) -> None:
    if check_digit(value) != digit:
        raise ChecksumMismatch("the check digit does not match", field)


def _names(field: str) -> tuple[str, str]:
    """Doc 9303 part 3, 4.6: the primary identifier, ``<<``, the secondary one,
    ``<`` between their words; a name with no ``<<`` is all surname."""
    surname, _, given = field.rstrip("<").partition("<<")
    return surname.replace("<", " "), given.replace("<", " ")


def _name_field(record: MrzRecord) -> str:
    surname = record.surname.replace(" ", "<")
    if record.given_names:
        return f"{surname}<<{record.given_names.replace(' ', '<')}"
    return surname


def _yymmdd(text: str, century: int, field: str) -> date:
    if not text.isdigit():
        raise MalformedPayload("is not a date (digits YYMMDD expected)", field)
    try:
        return date(century + int(text[:2]), int(text[2:4]), int(text[4:]))
    except ValueError:
        raise MalformedPayload("is not a valid calendar date", field) from None


def _birth(text: str, today: date, century: int | None) -> date:
    """Doc 9303 prints two-digit years. A Vietnamese card's personal number says
    the century (its 4th digit, Nghị định 137/2015/NĐ-CP Điều 13); otherwise
    the birth is the latest date not after today (a date of birth is past)."""
    if century is not None:
        return _yymmdd(text, century, "date_of_birth")
    born = _yymmdd(text, (today.year // 100) * 100, "date_of_birth")
    if born > today:
        born = _yymmdd(text, (today.year // 100 - 1) * 100, "date_of_birth")
    return born


def _expiry(text: str, born: date, today: date) -> date:
    """The century that puts the expiry after the birth and nearest today: a
    document is valid from its issue (after the birth) for at most a few
    decades, and is read within them or not long after."""
    base = (today.year // 100) * 100
    candidates = []
    for century in (base - 100, base, base + 100):
        candidate = _yymmdd(text, century, "valid_until")
        if candidate > born:
            candidates.append(candidate)
    if not candidates:
        raise InconsistentRecord("does not fall after the date of birth", "valid_until")
    return min(candidates, key=lambda day: abs((day - today).days))


def parse_mrz_lines(kind: MrzFormat, lines: list[str], today: date | None = None) -> MrzRecord:
    """Build a :class:`MrzRecord` from the zone's lines (upper case, right lengths)."""
    today = today or system_today()
    if kind == "td1":
        line1, line2, line3 = lines
        code, state = line1[0:2], line1[2:5]
        number_field, number_check, optional = line1[5:14], line1[14], line1[15:30]
        dob_text, dob_check, sex = line2[0:6], line2[6], line2[7]
        expiry_text, expiry_check, nationality = line2[8:14], line2[14], line2[15:18]
        optional_2, composite = line2[18:29], line2[29]
        composite_text = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
        name_field = line3
    else:
        line1, line2 = lines
        code, state, name_field = line1[0:2], line1[2:5], line1[5:44]
        number_field, number_check, nationality = line2[0:9], line2[9], line2[10:13]
        dob_text, dob_check, sex = line2[13:19], line2[19], line2[20]
        expiry_text, expiry_check = line2[21:27], line2[27]
        optional, optional_check, composite = line2[28:42], line2[42], line2[43]
        optional_2 = ""
        composite_text = line2[0:10] + line2[13:20] + line2[21:43]

    if not code[0].isalpha() or code[1].isdigit():
        raise MalformedPayload("must be a letter then a letter or '<'", "document_code")
    for field, value in (("issuing_state", state), ("nationality", nationality)):
        if not _STATE.fullmatch(value):
            raise MalformedPayload("must be three letters (or letters padded with '<')", field)
    if sex not in ("M", "F", "<", "X"):
        raise MalformedPayload("must be 'M', 'F', '<' or 'X'", "gender")

    # The document number and its check digit. A TD1 number longer than nine
    # characters has '<' for its check digit and goes on in the optional data
    # up to its check digit (Doc 9303 part 5, 4.2.4 note j).
    if kind == "td1" and number_check == "<":
        overflow = optional.partition("<")[0]
        if len(overflow) < 2:
            raise MalformedPayload("has no check digit", "document_number")
        document_number, number_check = number_field + overflow[:-1], overflow[-1]
        _check("document_number", document_number, number_check)
    else:
        _check("document_number", number_field, number_check)
        document_number = number_field.rstrip("<")
    if not document_number.strip("<"):
        raise MalformedPayload("is empty", "document_number")
    _check("date_of_birth", dob_text, dob_check)
    _check("valid_until", expiry_text, expiry_check)
    if kind == "td3" and not (optional_check == "<" and optional.strip("<") == ""):
        _check("optional_data", optional, optional_check)

    # A Vietnamese card is told by its header, or by its line 1 alone: a
    # 12-digit number whose last nine digits are the document number. Either
    # way the whole layout must hold, so that a misread header (which no check
    # digit covers) is refused rather than read as another country's card.
    vietnamese_card = kind == "td1" and (
        (code, state) == ("ID", "VNM") or (line1[15:27].isdigit() and line1[5:14] == line1[18:27])
    )
    id_number = century = None
    if vietnamese_card:
        if (code, state, nationality) != ("ID", "VNM", "VNM"):  # issued to Vietnamese citizens only
            raise MalformedPayload(
                "a Vietnamese ID card's zone starts 'IDVNM' and has nationality VNM", "document_code"
            )
        id_number = _vietnamese_card_number(line1)
        if optional_2 != "<" * 11:  # the composite cannot see '<' read as 'K' or 'U' (a change by ten)
            raise MalformedPayload("holds data, which no known Vietnamese card does", "optional_data_2")
    _check("mrz_composite", composite_text, composite)
    if id_number is not None:
        century = _number_century(id_number, dob_text, sex)
    elif kind == "td3" and state == "VNM" and _is_personal_number(optional, dob_text):
        # A Vietnamese passport's personal number is the 12-digit number on
        # recent passports, an older 9-digit CMND number on others: it is read
        # as the ID number when it has the shape of one born that year.
        id_number = optional[:12]
        century = _number_century(id_number, dob_text, sex)
    date_of_birth = _birth(dob_text, today, century)
    if date_of_birth > today:
        raise MalformedPayload("is in the future", "date_of_birth")
    if date_of_birth.year < EARLIEST_BIRTH_YEAR:
        raise MalformedPayload(f"is before {EARLIEST_BIRTH_YEAR}", "date_of_birth")
    no_expiry = vietnamese_card and expiry_text == NO_EXPIRY
    valid_until = None if no_expiry else _expiry(expiry_text, date_of_birth, today)
    if not name_field.replace("<", "").isalpha():
        raise MalformedPayload("must be letters, names separated by '<<'", "surname")
    surname, given_names = _names(name_field)

    return trusted(MrzRecord, {  # every field, in declaration order
        "warnings": (),
        "kind": "mrz",
        "document_format": kind,
        "document_code": code,
        "issuing_state": state,
        "document_number": document_number,
        "id_number": id_number,
        "optional_data": optional.rstrip("<"),
        "optional_data_2": optional_2.rstrip("<"),
        "date_of_birth": date_of_birth,
        "gender": _GENDERS.get(sex),
        "valid_until": valid_until,
        "no_expiry": no_expiry,
        "nationality": nationality,
        "surname": surname,
        "given_names": given_names,
        "sex_code": sex,
    })


def _is_personal_number(optional: str, dob_text: str) -> bool:
    """Whether a passport's personal number is a 12-digit personal number of
    someone born in the year ``dob_text`` gives (province code in the table,
    digits 5–6 the year)."""
    if not (optional[:12].isdigit() and optional[12:] == "<<" and optional[4:6] == dob_text[:2]):
        return False
    try:
        number_parts(optional[:12])
    except InvalidCode:
        return False
    return True


def _number_century(number: str, dob_text: str, sex: str) -> int:
    """The century of birth a 12-digit personal number says, once its
    province, year digits and sex digit agree with the zone (Nghị định
    137/2015/NĐ-CP Điều 13: digit 4 is century and sex, digits 5–6 the year)."""
    try:
        parts = number_parts(number)
    except InvalidCode as error:
        raise MalformedPayload(error.reason, "id_number") from None
    if number[4:6] != dob_text[:2]:
        raise InconsistentRecord("the year digits of the ID number disagree with the date of birth", "id_number")
    if sex not in ("M", "F"):
        raise MalformedPayload("must be 'M' or 'F' beside a 12-digit ID number", "gender")
    if parts.gender is not (Gender.MALE if sex == "M" else Gender.FEMALE):
        raise InconsistentRecord("the sex digit of the ID number disagrees with the sex field", "id_number")
    return parts.century_start


def _vietnamese_card_number(line1: str) -> str:
    """A Vietnamese card's 12-digit personal number: positions 16–27 of line 1,
    ``<<``, its check digit at 30; the document number is its last nine digits."""
    number = line1[15:27]
    if not number.isdigit() or line1[27:29] != "<<":
        raise MalformedPayload("a Vietnamese card's optional data must be the 12-digit number then '<<'", "id_number")
    _check("id_number", number, line1[29])
    if line1[5:14] != number[3:]:
        raise InconsistentRecord("the document number is not the last nine digits of the ID number", "document_number")
    return number


def to_mrz_lines(record: MrzRecord) -> list[str]:
    """The zone's lines, check digits computed (the inverse of :func:`parse_mrz`)."""
    dob = record.date_of_birth.strftime("%y%m%d")
    if record.valid_until is not None:
        expiry = record.valid_until.strftime("%y%m%d")
    elif record.document_format == "td1" and record.document_code == "ID" and record.issuing_state == "VNM":
        expiry = NO_EXPIRY
    else:  # pragma: no cover - only a Vietnamese card has no expiry
        raise MalformedPayload("only a Vietnamese ID card has no expiry", "valid_until")
    expiry_check = check_digit(expiry)
    name = _name_field(record)
    number = record.document_number
    if record.document_format == "td1":
        if len(number) > 9:
            head = f"{number[:9]}<"
        else:
            head = f"{number:<<9}{check_digit(f'{number:<<9}')}"
        line1 = f"{record.document_code}{record.issuing_state}{head}{record.optional_data:<<15}"
        line2 = (
            f"{dob}{check_digit(dob)}{record.sex_code}{expiry}{expiry_check}{record.nationality}"
            f"{record.optional_data_2:<<11}"
        )
        line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
        return [line1, line2, f"{name:<<30}"]
    padded = f"{number:<<9}"
    optional = f"{record.optional_data:<<14}"
    optional_check = "<" if not record.optional_data else check_digit(optional)
    line2 = (
        f"{padded}{check_digit(padded)}{record.nationality}{dob}{check_digit(dob)}{record.sex_code}"
        f"{expiry}{expiry_check}{optional}{optional_check}"
    )
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return [f"{record.document_code}{record.issuing_state}{name:<<39}", line2]


def latin_name(name: str) -> str:
    """A Vietnamese name as an MRZ prints it: diacritics dropped, ``Đ`` → ``D``,
    capitals (Doc 9303 part 3, 6.A transliteration of Latin letters with marks).

    >>> latin_name("Nguyễn Văn Đức")
    'NGUYEN VAN DUC'
    """
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.upper().split())
