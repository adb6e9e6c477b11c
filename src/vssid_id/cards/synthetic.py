"""Synthetic card records for tests, fixtures and benchmarks.

Names, numbers and addresses are generated from common Vietnamese name parts
and place names; they belong to nobody. Every record is consistent by
construction (the ID number's century/sex digit matches the date of birth and
gender, the BHYT card code matches the tables, dates are in order), so
``parse(record.to_payload()) == record``.

>>> import random
>>> from vssid_id import parse
>>> record = synthetic_cccd_record(random.Random(1))
>>> parse(record.to_payload()) == record
True
>>> record = synthetic_bhyt_record(random.Random(1))
>>> parse(record.to_payload()) == record
True

The machine-readable zone on the back of a synthetic card, and a synthetic
passport's:

>>> card = synthetic_cccd_record(random.Random(1))
>>> back = synthetic_card_mrz(card)
>>> (back.id_number, back.date_of_birth) == (card.id_number, card.date_of_birth)
True
>>> parse(synthetic_passport_mrz(random.Random(1)).to_payload()).document_format
'td3'
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from .codes.bhyt_card import parse_bhyt_card_code
from .codes.cccd import parse_cccd_number
from .formats.bhyt import BhytRecord, LivingAreaCode
from .formats.cccd import CAN_CUOC_FIELD_COUNT, CAN_CUOC_FROM, CccdRecord
from .formats.cccd import FIELD_NAMES as CCCD_FIELD_NAMES
from .formats.cccd import variant as cccd_variant
from .formats.mrz import NO_EXPIRY, MrzRecord, check_digit, latin_name, parse_mrz
from .gender import Gender
from .tables import BENEFICIARY_TYPES, CCCD_PROVINCES, LIVING_AREA_FIELD_CODES, PROVINCES, USUAL_BENEFIT_LEVEL

__all__ = [
    "SURNAMES",
    "synthetic_name",
    "synthetic_address",
    "synthetic_cccd_record",
    "synthetic_bhyt_record",
    "synthetic_cccd_payload",
    "synthetic_bhyt_payload",
    "synthetic_card_mrz",
    "synthetic_passport_mrz",
]

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trịnh", "Đinh", "Lương", "Thái")
_MIDDLE = {Gender.MALE: ("Văn", "Hữu", "Đức", "Công", "Quang", "Minh", "Thành", "Xuân", "Đình", "Gia"),
           Gender.FEMALE: ("Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bảo", "Diệu", "Khánh", "Hồng")}
_GIVEN = {Gender.MALE: ("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khoa", "Long", "Nghĩa",
                        "Phúc", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Hưng", "Lộc", "Trọng", "Vỹ"),
          Gender.FEMALE: ("Anh", "Bích", "Chi", "Dung", "Hà", "Hằng", "Hương", "Lan", "Linh", "Mai",
                          "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Trang", "Uyên", "Yến", "Ánh")}
_STREETS = ("Phố Huế", "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt",
            "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Quang Trung", "Nguyễn Huệ", "Bạch Đằng")
_WARDS = ("Phường Bến Nghé", "Phường Tràng Tiền", "Xã Tân Phú", "Phường Hòa Khánh", "Xã Đông Hưng",
          "Phường Thạch Thang", "Thị trấn Phù Ninh", "Xã Ea Kao", "Phường Vĩnh Ninh")
_HAMLETS = ("Thôn Đông", "Xóm 3", "Ấp Mỹ Hòa", "Tổ 12", "Khu phố 4", "Bản Nà Lạn")


def synthetic_name(rng: random.Random, gender: Gender) -> str:
    """A plausible full name: surname, one or two middle names, given name."""
    middles = rng.sample(_MIDDLE[gender], rng.choice((1, 1, 2)))
    return " ".join((rng.choice(SURNAMES), *middles, rng.choice(_GIVEN[gender])))


def synthetic_address(rng: random.Random, province: str | None = None) -> str:
    """A plausible address ending with a province name."""
    province = province or rng.choice(list(PROVINCES.values()))
    first = (f"Số {rng.randint(1, 399)}, {rng.choice(_STREETS)}" if rng.random() < 0.6
             else rng.choice(_HAMLETS))
    return f"{first}, {rng.choice(_WARDS)}, {province}"


def _birth_date(rng: random.Random, today: date, oldest: int = 95) -> date:
    return today - timedelta(days=rng.randint(1, oldest * 365))


def _id_number(rng: random.Random, birth: date, gender: Gender) -> str:
    province = rng.choice(list(CCCD_PROVINCES))
    digit = (birth.year // 100 - 19) * 2 + (gender is Gender.FEMALE)
    return f"{province}{digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"


def synthetic_cccd_record(rng: random.Random, *, today: date = date(2026, 1, 1)) -> CccdRecord:
    """A consistent CCCD / Căn cước record.

    One in five is a child's card (under 14, possible only since 1 July 2024,
    so always a Căn cước card); cards issued from that day carry the
    eleven-field Căn cước layout.
    """
    gender = rng.choice(list(Gender))
    child = rng.random() < 0.2
    if child:
        birth = _birth_date(rng, today, oldest=13)
        first_issue = max(birth, CAN_CUOC_FROM)
        issue = first_issue + timedelta(days=rng.randint(0, (today - first_issue).days))
    else:
        birth = _birth_date(rng, today - timedelta(days=365 * 14))
        issue = max(birth, today - timedelta(days=rng.randint(0, 5 * 365)))
    number = _id_number(rng, birth, gender)
    extra = ("",) * (CAN_CUOC_FIELD_COUNT - len(CCCD_FIELD_NAMES)) if issue >= CAN_CUOC_FROM else ()
    return CccdRecord(
        variant=cccd_variant(issue, extra),
        id_number=number,
        id_number_parts=parse_cccd_number(number),
        old_id_number=f"{rng.randrange(10**9):09d}" if not child and rng.random() < 0.5 else None,
        full_name=synthetic_name(rng, gender),
        date_of_birth=birth,
        month_of_birth=birth.month,
        year_of_birth=birth.year,
        gender=gender,
        address=synthetic_address(rng),
        issue_date=issue,
        extra_fields=extra,
    )


def synthetic_bhyt_record(rng: random.Random, *, today: date = date(2026, 1, 1)) -> BhytRecord:
    """A consistent BHYT card record, of the old (15-character code) or current (10-digit) template.

    The check field is random hex in the shape of the public examples: its
    real algorithm is not public, so no synthetic value can be "correct".
    """
    gender = rng.choice(list(Gender))
    beneficiary = rng.choice(list(BENEFICIARY_TYPES))
    child = beneficiary == "TE"
    birth = _birth_date(rng, today, oldest=6 if child else 95)
    province = rng.choice(list(PROVINCES))
    bhxh_code = f"{rng.randrange(10**10):010d}"
    level = USUAL_BENEFIT_LEVEL[beneficiary]
    current_template = rng.random() < 0.5
    card_code = bhxh_code if current_template else f"{beneficiary}{level}{province}{bhxh_code}"
    valid_from = max(date(today.year, rng.choice((1, 4, 7, 10)), 1), birth)
    year_only = rng.random() < 0.05
    area: LivingAreaCode = rng.choice(("5", "6", "7")) if rng.random() < 0.1 else "4"
    has_check = rng.random() < 0.9
    check = f"{rng.getrandbits(64):x}-{rng.getrandbits(16):04x}" if has_check else None
    extra: tuple[str, ...] = ()
    if current_template and has_check:
        place = f"Quận {rng.randint(1, 12)}, {PROVINCES[province]}"
        extra = (str(level), place.encode("utf-8").hex())
    return BhytRecord(
        card_code=card_code,
        card_code_parts=None if current_template else parse_bhyt_card_code(card_code),
        bhxh_code=bhxh_code,
        full_name=synthetic_name(rng, gender),
        date_of_birth=None if year_only else birth,
        month_of_birth=None if year_only else birth.month,
        year_of_birth=birth.year,
        gender=gender,
        address=synthetic_address(rng, PROVINCES[province]) if rng.random() < 0.97 else None,
        facility_code=f"{province}{rng.randrange(1, 1000):03d}",
        valid_from=valid_from,
        valid_to=valid_from.replace(year=valid_from.year + 1) - timedelta(days=1) if rng.random() < 0.8 else None,
        issue_date=valid_from - timedelta(days=rng.randint(0, 30)),
        management_code=f"{province}{rng.randrange(100):02d}{bhxh_code}",
        guardian_name=synthetic_name(rng, rng.choice(list(Gender))) if child else None,
        living_area_code=area,
        living_area=LIVING_AREA_FIELD_CODES[area],  # type: ignore[arg-type]
        five_years_from=(valid_from + timedelta(days=rng.randint(0, 5 * 365))) if rng.random() < 0.5 else None,
        checksum=check,
        extra_fields=extra,
    )


def synthetic_cccd_payload(rng: random.Random) -> str:
    """The payload text of :func:`synthetic_cccd_record`."""
    return synthetic_cccd_record(rng).to_payload()


def synthetic_bhyt_payload(rng: random.Random) -> str:
    """The payload text of :func:`synthetic_bhyt_record`."""
    return synthetic_bhyt_record(rng).to_payload()


def _name_field(full_name: str, width: int) -> str:
    """``Nguyễn Văn An`` → ``NGUYEN<<VAN<AN``, filled or cut to ``width``."""
    surname, _, given = latin_name(full_name).partition(" ")
    field = f"{surname}<<{given.replace(' ', '<')}" if given else surname
    return f"{field:<<{width}}"[:width]


def synthetic_card_mrz(record: CccdRecord, *, today: date = date(2026, 1, 1)) -> MrzRecord:
    """The zone the back of ``record``'s card prints (docs/formats.md): the
    expiry is the one the law gives the card (:attr:`CccdRecord.valid_until`),
    ``991231`` when it has none. ``record`` must have a full date of birth."""
    assert record.date_of_birth is not None
    number, birth = record.id_number, record.date_of_birth.strftime("%y%m%d")
    expiry = record.valid_until.strftime("%y%m%d") if record.valid_until else NO_EXPIRY
    line1 = f"IDVNM{number[3:]}{check_digit(number[3:])}{number}<<{check_digit(number)}"
    line2 = f"{birth}{check_digit(birth)}{'M' if record.gender is Gender.MALE else 'F'}"
    line2 += f"{expiry}{check_digit(expiry)}VNM{'<' * 11}"
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return parse_mrz("\n".join((line1, line2, _name_field(record.full_name, 30))), today)


def synthetic_passport_mrz(rng: random.Random, *, today: date = date(2026, 1, 1)) -> MrzRecord:
    """A Vietnamese passport's zone (TD3): a letter and seven digits, valid ten
    years; half carry the 12-digit personal number, half an old 9-digit one."""
    gender = rng.choice(list(Gender))
    birth = _birth_date(rng, today)
    issue = today - timedelta(days=rng.randint(0, 9 * 365))
    expiry = issue.replace(year=issue.year + 10, day=min(issue.day, 28))
    number = f"{rng.choice('BCEKN')}{rng.randrange(10**7):07d}<"
    personal = _id_number(rng, birth, gender) + "<<" if rng.random() < 0.5 else f"{rng.randrange(10**9):09d}<<<<<"
    dob, exp = birth.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    line2 = (f"{number}{check_digit(number)}VNM{dob}{check_digit(dob)}{'M' if gender is Gender.MALE else 'F'}"
             f"{exp}{check_digit(exp)}{personal}{check_digit(personal)}")
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return parse_mrz(f"P<VNM{_name_field(synthetic_name(rng, gender), 39)}\n{line2}", today)
