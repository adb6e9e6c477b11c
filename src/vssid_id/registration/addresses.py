"""The address under the 2025 administrative units.

Since 1 July 2025 Vietnam has 34 provinces and two levels of local government:
province and commune (xã, phường, đặc khu); districts (quận, huyện, thị xã,
thành phố thuộc tỉnh) no longer exist. Provinces were merged whole by Nghị quyết
202/2025/QH15; wards and communes were rearranged province by province by the
resolutions of the Ủy ban Thường vụ Quốc hội of 16 June 2025 (Nghị quyết
1654/NQ-UBTVQH15 to 1687/NQ-UBTVQH15, one per province). Identity and BHYT cards
issued before then keep printing the old units, and forms now ask for the new
ones::

    Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn    (on the card)
    Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên               (since 1 July 2025)

:func:`convert_address` reads an address as a card prints it and returns an
:class:`AddressConversion`:

* ``converted`` — the old ward (with its district and province) became exactly
  one new ward: ``address_2025`` is the street part, verbatim, then the new ward
  and the new province under their official names.
* ``unchanged`` — the address is already written in the 2025 units (a 2025
  ward of a 2025 province, no district); ``address_2025`` is the same address
  with the official names.
* ``ambiguous`` — the old ward was split between several new wards. Which one
  holds the street cannot be told from the names, so nothing is chosen:
  ``candidates`` lists every possible new address, ``address_2025`` is ``None``.
* ``not_found`` — the ward is not recognised. ``province_2025`` is still given
  when the province is, because whole provinces were merged.

Rules for reading the text: the units are the comma-separated parts at the end
(ward, district, province, the district optional); everything before the ward
is the street part and is kept as written. Case, diacritics, the NFC/NFD
spelling, leading zeros in numbered wards and the usual unit prefixes and
abbreviations (``Tỉnh``, ``Thành phố``/``TP.``/``Tp``, ``Quận``/``Q.``,
``Huyện``/``H.``, ``Thị xã``/``TX``, ``Phường``/``P.``, ``Xã``/``X.``,
``Thị trấn``/``TT``) do not matter. A name that matches several units is
narrowed by its unit type and then by its exact diacritics; it is never
resolved by guessing. An address without a district is read first as a 2025
address, then as an old one whose ward name is unique in its province.

The ward-level data comes from the ``vietnam-address-converter`` package
(Apache-2.0, offline; its mapping table, version ``10_25``, takes the 10,043
pre-2025 units — 10,038 communes and 5 island districts — to the 3,321 communes
of 2025). The package does not cite its source; its province mapping is
exactly Nghị quyết 202/2025/QH15 and its ward mapping agrees with a second,
independent dataset (vietnamadminunits, built from the GSO list and
sapnhap.bando.com.vn) on 9,655 of the 9,936 old wards both know. The provinces
come from :data:`vssid_id.cards.tables.PROVINCES_MERGED_2025` (Nghị quyết
202/2025/QH15, codes of Quyết định 19/2025/QĐ-TTg, and the official names as
in force today: Đồng Nai, Quảng Ninh and Bắc Ninh became centrally-run cities
in 2026). Nothing here opens a network connection.

Cost: the dataset is loaded and indexed on the first conversion (about half a
second and 65 MB, see docs/benchmarks.md; the package's own text parser needs
8 s or more to build its index and is not used); ``import vssid_id`` and
``parse()`` never load it.

What cannot be checked: whether a street lies in one part or another of a split
ward (that needs the resolution's boundary description or a map); wards
renamed or merged between the card's issue and the dataset's pre-2025 snapshot
(``not_found``, province given); and changes after the dataset's version (22
communes of Đồng Nai and Bắc Ninh became phường in 2026 and keep "Xã" here).

>>> result = convert_address("Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn")
>>> result.status, result.address_2025
('converted', 'Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên')
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from ..cards.tables import PROVINCES, PROVINCES_MERGED_2025, Province2025
from ..cards.text import forbidden_character
from ..errors import MalformedPayload

__all__ = [
    "AddressConversion",
    "convert_address",
    "PROVINCES_2025",
    "MAX_ADDRESS_CHARS",
    "DATASET_PACKAGE",
]

#: The 34 provinces in force since 1 July 2025, by their two-digit code
#: (Nghị quyết 202/2025/QH15; codes and official names: Quyết định
#: 19/2025/QĐ-TTg). Built from :data:`vssid_id.cards.tables.PROVINCES_MERGED_2025`.
PROVINCES_2025: Mapping[str, Province2025] = MappingProxyType(
    {province.code: province for province in sorted(set(PROVINCES_MERGED_2025.values()))}
)

#: Longest address accepted, in characters. An address on a card is a few
#: dozen characters; this leaves room for text typed by hand.
MAX_ADDRESS_CHARS = 1024

#: The distribution that holds the ward-level data.
DATASET_PACKAGE = "vietnam-address-converter"

_T = TypeVar("_T")

Status = Literal["converted", "unchanged", "ambiguous", "not_found"]


class AddressConversion(BaseModel):
    """An address read as a card prints it, under the 2025 administrative units."""

    model_config = ConfigDict(frozen=True)

    status: Status
    """``converted``: old units mapped to exactly one new ward; ``unchanged``:
    already written in the 2025 units; ``ambiguous``: the old ward was split
    between several new wards (see ``candidates``; never guessed);
    ``not_found``: the ward was not recognised."""
    address_2025: str | None
    """The full address under the 2025 units (``converted`` and ``unchanged`` only)."""
    province_2025: str | None
    """The 2025 province's official name (``"Tỉnh Thái Nguyên"``) whenever the
    province is known, also when the ward is ambiguous or not found."""
    province_2025_code: str | None
    """Its two-digit code (Quyết định 19/2025/QĐ-TTg)."""
    ward_2025: str | None
    """The 2025 ward's official name (``"Phường Bắc Kạn"``) when there is exactly one."""
    candidates: tuple[str, ...] = ()
    """When ``ambiguous``: every possible full address under the 2025 units,
    sorted by ward name."""
    street: str | None = None
    """The part before the ward, as written (``None`` when there is none or the
    units were not recognised)."""
    old_province: str | None = None
    """The province as written, under its pre-2025 name from
    :data:`vssid_id.cards.tables.PROVINCES`, when recognised."""
    dataset: str = ""
    """The ward-level dataset used: package, version and mapping version."""


# --------------------------------------------------------------------------
# Normalising names
# --------------------------------------------------------------------------

# Unit-type prefixes as they are printed, after _fold; longest first so that
# "thanh pho" wins over "t". Value: the unit type they stand for.
_PREFIXES = (
    ("thanh pho", "thanh pho"), ("thi tran", "thi tran"), ("thi xa", "thi xa"),
    ("dac khu", "dac khu"), ("phuong", "phuong"), ("huyen", "huyen"), ("quan", "quan"),
    ("tinh", "tinh"), ("xa", "xa"), ("tp", "thanh pho"), ("tt", "thi tran"),
    ("tx", "thi xa"), ("p", "phuong"), ("q", "quan"), ("h", "huyen"), ("x", "xa"),
    ("t", "tinh"),
)
_PREFIX_RE = re.compile(r"^(" + "|".join(re.escape(p) for p, _ in _PREFIXES) + r") (?=\S)")
_PREFIX_TYPE = dict(_PREFIXES)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_LETTER_NUMBER = re.compile(r"\b([pq])(\d+)\b")  # "P1", "Q10"
_LEADING_ZEROS = re.compile(r"\b0+(?=\d)")

# The dataset's unit types → the official prefix.
_TYPE_LABEL = {
    "xa": "Xã", "phuong": "Phường", "thi-tran": "Thị trấn", "dac-khu": "Đặc khu",
    "quan": "Quận", "huyen": "Huyện", "thi-xa": "Thị xã", "thanh-pho": "Thành phố",
}

# Other names provinces are printed under (after folding and prefix stripping).
_PROVINCE_ALIASES = {
    "thua thien hue": "46", "hue": "46",
    "hcm": "79", "tphcm": "79",
    "brvt": "77", "br vt": "77",
}

_COUNTRY = frozenset({"viet nam", "vietnam", "vn"})


def _fold(text: str) -> str:
    """Lower case, no diacritics, ``đ`` → ``d``, words of ASCII letters and digits."""
    text = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NOT_ALNUM.sub(" ", text).strip()
    return _LEADING_ZEROS.sub("", _LETTER_NUMBER.sub(r"\1 \2", text))


def _accented(text: str) -> str:
    """Lower case with diacritics kept (NFC), single spaces: the tie-breaker key."""
    return " ".join(unicodedata.normalize("NFC", text.casefold()).split())


@dataclass(frozen=True)
class _Part:
    """One comma-separated unit name as written: its keys and unit type."""

    keys: tuple[str, ...]  # with the prefix stripped first, then as folded
    unit_type: str | None  # from the prefix, when there is one
    accented: str  # without the prefix, for tie-breaking

    @classmethod
    def of(cls, raw: str) -> _Part:
        folded = _fold(raw)
        match = _PREFIX_RE.match(folded)
        if match is None:
            return cls((folded,), None, _accented(raw))
        stripped = folded[match.end():]
        words = len(match.group(1).split())
        accented_words = _accented(raw).split()
        # An abbreviation glued to its dot ("tp.hcm") folds to two words but
        # was one; keep the accented tie-breaker loose in that case.
        accented = " ".join(accented_words[words:]) if len(accented_words) > words else ""
        return cls((stripped, folded), _PREFIX_TYPE[match.group(1)], accented)


# --------------------------------------------------------------------------
# The index, built from the dataset on first use
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ward:
    """A unit of the dataset: its official name, type and where it leads."""

    full_name: str
    unit_type: str  # the dataset's type, "phuong", "xa", ...
    accented: str
    district_keys: frozenset[str] = frozenset()  # old wards: their district's keys
    identity: str = ""  # old wards: the dataset's code, to tell two wards apart
    targets: tuple[tuple[str, str], ...] = ()  # old wards: (2025 province code, 2025 ward name)


@dataclass
class _Index:
    old_wards: dict[tuple[str, str], list[_Ward]] = field(default_factory=dict)
    old_districts: dict[tuple[str, str], list[_Ward]] = field(default_factory=dict)
    new_wards: dict[tuple[str, str], list[_Ward]] = field(default_factory=dict)
    dataset: str = ""


def _province_key(name: str) -> str:
    return _Part.of(name).keys[0]


_OLD_PROVINCE_BY_KEY: Mapping[str, str] = MappingProxyType({
    **{_province_key(name): code for code, name in PROVINCES.items()},
    **_PROVINCE_ALIASES,
})
_PROVINCE_2025_BY_KEY: Mapping[str, Province2025] = MappingProxyType({
    **{_province_key(p.name): p for p in PROVINCES_2025.values()},
    **{alias: PROVINCES_2025[code] for alias, code in _PROVINCE_ALIASES.items() if code in ("46", "79")},
})

_index: _Index | None = None
_index_lock = threading.Lock()


def _type_key(dataset_type: str) -> str:
    return dataset_type.replace("-", " ")


def _unit(record: Mapping[str, Any], fallback_full_name: str) -> tuple[str, str, str]:
    """(official full name, type, accented name) of a dataset unit record."""
    unit_type = str(record.get("type") or "")
    name = str(record.get("name") or "")
    if not name or unit_type not in _TYPE_LABEL:
        part = _Part.of(fallback_full_name)
        return fallback_full_name, unit_type, part.accented
    return f"{_TYPE_LABEL[unit_type]} {name}", unit_type, _accented(name)


def _build_index() -> _Index:
    """Index the dataset by (province code, folded name) — the costly first step."""
    from importlib.metadata import version

    from vietnam_address_converter.data import DEFAULT_DATA

    data: Mapping[str, Any] = DEFAULT_DATA
    index = _Index()
    # Names repeat (a district or province on every one of its rows): fold each once.
    part_of = functools.lru_cache(maxsize=None)(_Part.of)
    new_province_code = {
        code: _PROVINCE_2025_BY_KEY[_province_key(str(p["name"]))].code
        for code, p in data["newProvinces"].items()
    }
    new_ward_names: dict[str, str] = {}
    for ward in data["newWards"].values():
        full_name, unit_type, accented = _unit(ward, str(ward.get("name_with_type", "")))
        province = new_province_code[ward["parent_code"]]
        new_ward_names[ward["code"]] = full_name
        entry = _Ward(full_name, unit_type, accented)
        index.new_wards.setdefault((province, _fold(str(ward["name"]))), []).append(entry)

    # One old ward can take several rows (one per new ward it went to).
    old: dict[tuple[str, str, str], tuple[dict[str, Any], list[tuple[str, str]]]] = {}
    for row in data["mapping"]["rows"]:
        before, after = row["old"], row["new"]
        province = _OLD_PROVINCE_BY_KEY[part_of(before["province_name"]).keys[0]]
        target = (new_province_code[after["province_code"]], new_ward_names[after["ward_code"]])
        key = (province, before["district_code"], before["ward_code"])
        targets = old.setdefault(key, (before, []))[1]
        if target not in targets:
            targets.append(target)

    old_districts = data["oldDistricts"]
    old_ward_records = data["oldWards"]
    for (province, district_code, ward_code), (before, targets) in old.items():
        district = old_districts.get(district_code, {})
        district_keys = frozenset(
            k for name in (before["district_name"], district.get("name_with_type", ""))
            if name for k in part_of(name).keys[:1]
        )
        ordered = tuple(sorted(targets, key=lambda t: (_fold(t[1]), t[1])))
        if not ward_code:  # island districts: the whole district became a đặc khu
            district_type = str(district.get("type") or "huyen")
            entry = _Ward(before["district_name"], district_type, "", district_keys, district_code, ordered)
            for district_key in district_keys:
                index.old_districts.setdefault((province, district_key), []).append(entry)
            continue
        for district_key in district_keys:
            index.old_districts.setdefault((province, district_key), [])
        record = old_ward_records.get(ward_code, {})
        names = {before["ward_name"], str(record.get("name_with_type") or before["ward_name"])}
        for name in names:
            part = part_of(name)
            unit_type = str(record.get("type") or (part.unit_type or "").replace(" ", "-"))
            entry = _Ward(name, unit_type, part.accented, district_keys, ward_code, ordered)
            index.old_wards.setdefault((province, part.keys[0]), []).append(entry)

    meta = data["mapping"].get("meta", {})
    index.dataset = f"{DATASET_PACKAGE} {version(DATASET_PACKAGE)}, mapping {meta.get('version', '?')}"
    return index


def _load_index() -> _Index:
    global _index
    if _index is None:
        with _index_lock:
            if _index is None:
                _index = _build_index()
    return _index


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


def _lookup(
    table: Mapping[tuple[str, str], list[_Ward]], province: str, part: _Part, district: _Part | None = None
) -> list[_Ward]:
    """The units named by ``part`` in ``province`` (and in ``district`` when given).

    A name shared by several units is narrowed by the unit type written before
    it (a ward written as "Thị trấn" may since have become a "Xã", but a
    district's name never matches a ward), then by its exact diacritics.
    """
    found: list[_Ward] = []
    for key in part.keys:
        found = table.get((province, key), [])
        if district is not None:
            found = _in_district(found, district)
        if found:
            break
    if part.unit_type is not None:
        same_type = [w for w in found if _type_key(w.unit_type) == part.unit_type]
        level = _LEVEL.get(part.unit_type)
        found = same_type or [w for w in found if _LEVEL.get(_type_key(w.unit_type)) == level]
    same_spelling = [w for w in found if part.accented and w.accented == part.accented]
    return same_spelling or found


_LEVEL = {
    "phuong": "ward", "xa": "ward", "thi tran": "ward", "dac khu": "ward",
    "quan": "district", "huyen": "district", "thi xa": "district", "thanh pho": "district",
}


def _in_district(wards: list[_Ward], district: _Part) -> list[_Ward]:
    keys = set(district.keys)
    return [w for w in wards if w.district_keys & keys]


def _distinct(wards: list[_Ward]) -> list[_Ward]:
    seen: dict[str, _Ward] = {}
    for ward in wards:
        seen.setdefault(ward.identity, ward)
    return list(seen.values())


_DISTRICT_TYPES = frozenset({"quan", "huyen", "thi xa", "thanh pho"})


def _is_old_district(index: _Index, province: str, part: _Part) -> bool:
    """Whether ``part`` names a pre-2025 district of ``province`` (not a ward)."""
    if part.unit_type is not None and part.unit_type not in _DISTRICT_TYPES:
        return False
    return any((province, key) in index.old_districts for key in part.keys)


def _named(part: _Part, table: Mapping[str, _T]) -> _T | None:
    """The entry of ``table`` that ``part`` names (a province), if any."""
    return next((table[key] for key in part.keys if key in table), None)


def _join(*parts: str | None) -> str:
    return ", ".join(p for p in parts if p)


def _check_argument(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"address: expected str, got {type(text).__name__}")
    if len(text) > MAX_ADDRESS_CHARS:
        raise MalformedPayload(
            f"is too long ({len(text)} characters; at most {MAX_ADDRESS_CHARS})", "address"
        )
    bad = forbidden_character(text)
    if bad is not None:
        raise MalformedPayload(f"contains the forbidden character U+{ord(bad):04X}", "address")
    return unicodedata.normalize("NFC", text)


def convert_address(text: str) -> AddressConversion:
    """Read ``text``, an address as a card prints it, under the 2025 units.

    See the module documentation for the rules and the data's source.
    Raises :class:`TypeError` when ``text`` is not a ``str`` and
    :class:`~vssid_id.errors.MalformedPayload` (field ``address``) when it is
    longer than :data:`MAX_ADDRESS_CHARS` or holds a control, formatting or
    private-use character. Neither message repeats the address.

    >>> convert_address("Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên").status
    'unchanged'
    """
    text = _check_argument(text)
    index = _load_index()
    raw_parts = text.split(",")
    while raw_parts and (not raw_parts[-1].strip() or _fold(raw_parts[-1]) in _COUNTRY):
        raw_parts.pop()
    parts = [_Part.of(p) for p in raw_parts]

    def result(status: Status, **fields: Any) -> AddressConversion:
        return AddressConversion(status=status, dataset=index.dataset, **{
            "address_2025": None, "province_2025": None, "province_2025_code": None,
            "ward_2025": None, **fields,
        })

    if not parts:
        return result("not_found")
    old_code = _named(parts[-1], _OLD_PROVINCE_BY_KEY)
    if old_code is None:
        return result("not_found")
    province = PROVINCES_MERGED_2025[old_code]
    known = {
        "province_2025": province.full_name,
        "province_2025_code": province.code,
        "old_province": PROVINCES[old_code],
    }

    def street(ward_at: int) -> str | None:
        return ",".join(raw_parts[:ward_at]).strip() or None

    def from_old(wards: list[_Ward], ward_at: int) -> AddressConversion:
        targets = sorted(
            {t for w in _distinct(wards) for t in w.targets}, key=lambda t: (_fold(t[1]), t[1])
        )
        before = street(ward_at)
        addresses = tuple(_join(before, name, PROVINCES_2025[code].full_name) for code, name in targets)
        if len(targets) == 1:
            return result("converted", address_2025=addresses[0], ward_2025=targets[0][1],
                          street=before, **known)
        return result("ambiguous", candidates=addresses, street=before, **known)

    last = len(parts) - 1
    # Old units: ward, district, province.
    if last >= 2 and _is_old_district(index, old_code, parts[last - 1]):
        wards = _lookup(index.old_wards, old_code, parts[last - 2], district=parts[last - 1])
        if wards:
            return from_old(wards, last - 2)
    # A district that became one đặc khu whole (the island districts).
    if last >= 1:
        islands = [w for w in _lookup(index.old_districts, old_code, parts[last - 1]) if w.targets]
        if islands:
            return from_old(islands, last - 1)
    # 2025 units: ward, province.
    new_province = _named(parts[last], _PROVINCE_2025_BY_KEY)
    if last >= 1 and new_province is not None:
        names = {w.full_name for w in _lookup(index.new_wards, new_province.code, parts[last - 1])}
        if len(names) == 1:
            ward = names.pop()
            before = street(last - 1)
            return result(
                "unchanged", address_2025=_join(before, ward, new_province.full_name), ward_2025=ward,
                street=before, **known,
            )
    # Old units without a district, or with a district the dataset does not
    # know (renamed before 2025): the ward's name must be unique in its province.
    if last >= 1:
        wards = _distinct(_lookup(index.old_wards, old_code, parts[last - 1]))
        if len(wards) == 1:
            return from_old(wards, last - 1)
    if last >= 2 and not _is_old_district(index, old_code, parts[last - 1]):
        wards = _distinct(_lookup(index.old_wards, old_code, parts[last - 2]))
        if len(wards) == 1 and parts[last - 1].unit_type in _DISTRICT_TYPES:
            return from_old(wards, last - 2)
    return result("not_found", **known)
