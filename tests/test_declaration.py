"""The declaration: declare(), its contact checks, its photos, its PDF."""

from __future__ import annotations

import io
import random
import re
import shutil
import socket
import subprocess
from datetime import date

import cv2
import generate  # fixtures/generate.py, on the path through conftest
import numpy as np
import pytest
from conftest import card_bgr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

import vssid_id
from vssid_id.cards.formats.mrz import check_digit
from vssid_id.cards.synthetic import synthetic_cccd_record
from vssid_id.declaration.contact import normalise_email, normalise_phone
from vssid_id.declaration.pdf import TITLE
from vssid_id.declaration.photos import CARD_LONG_SIDE, PORTRAIT_SIZE
from vssid_id.declaration.synthetic import synthetic_portrait
from vssid_id.errors import DeclarationError, DeclarationProblem

TODAY = date(2026, 11, 25)
CCCD = vssid_id.parse("001090123456||Nguyễn Văn An|05031990|Nam|"
                      "Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn|15082021")
BHYT = vssid_id.parse("0120878811|4e475559454e2056414e20414e|05/03/1990|1|-|01 - 001|"
                      "01/01/2026|31/12/2026|15/12/2025|01010120878811|-|4|-|$")  # NGUYEN VAN AN
REGISTRATION = vssid_id.prefill(BHYT, CCCD, today=TODAY)


def _jpeg(bgr: np.ndarray, **save) -> bytes:
    out = io.BytesIO()
    Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)).save(out, "JPEG", **save)
    return out.getvalue()


def _zone(number: str, born: str, sex: str, expiry: str, name: str) -> str:
    """A Vietnamese card's machine-readable zone (TD1), its check digits computed by ICAO's rule."""
    line1 = f"IDVNM{number[3:]}{check_digit(number[3:])}{number}<<{check_digit(number)}"
    line2 = f"{born}{check_digit(born)}{sex}{expiry}{check_digit(expiry)}VNM{'<' * 11}"
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return "\n".join([line1, line2, f"{name:<<30}"])


#: The zone on the back of CCCD: the same number, birth, sex and name; expiry at the 40th birthday.
BACK_ZONE = _zone("001090123456", "900305", "M", "300305", "NGUYEN<<VAN<AN")


def _back_jpeg(zone: str) -> bytes:
    out = io.BytesIO()
    generate.render_back(zone).save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture(scope="module")
def photos() -> dict[str, bytes]:
    """A synthetic portrait and the two sides of the scanned card, as a phone would send them (JPEG)."""
    return {"portrait": _jpeg(synthetic_portrait(1200, 1600)),
            "id_front": _jpeg(card_bgr(CCCD.to_payload(), "cccd")),
            "id_back": _back_jpeg(BACK_ZONE)}


def test_the_back_zone_of_the_tests_is_the_scanned_cards():
    zone = vssid_id.parse(BACK_ZONE, today=TODAY)
    assert (zone.id_number, zone.date_of_birth, zone.valid_until) == (CCCD.id_number, CCCD.date_of_birth,
                                                                       date(2030, 3, 5))


@pytest.fixture(scope="module")
def declaration(photos):
    return vssid_id.declare(REGISTRATION, phone="+84 912 345 678", email="An.Nguyen@Gmail.COM", today=TODAY,
                            **photos)


def _problems(**arguments) -> list[tuple[str, str]]:
    with pytest.raises(DeclarationError) as caught:
        vssid_id.declare(**arguments)
    for problem in caught.value.problems:
        assert isinstance(problem, DeclarationProblem)
    return [(problem.field, problem.kind) for problem in caught.value.problems]


# --- phone --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "0912345678", "+84 912 345 678", "+84912345678", "84912345678", "0084912345678", "0912.345.678",
    "091-234-5678", "(091) 234 5678", " 0912 345 678 ", "+84 (0) 912 345 678",
])
def test_phone_writings_of_one_mobile_number(text):
    assert normalise_phone(text) == "0912345678"


@pytest.mark.parametrize("text", ["0987654321", "0352345678", "0702345678", "0832345678", "0562345678",
                                  "0862345678", "0332345678", "0592345678"])
def test_phone_mobile_ranges(text):
    assert normalise_phone(text) == text


@pytest.mark.parametrize(("text", "kind"), [
    (None, "missing"), ("", "missing"), ("   ", "missing"),
    ("01662345678", "invalid"),  # 11-digit mobile numbers moved to 10 digits in 2018
    ("091234567", "invalid"), ("09123456789", "invalid"), ("0241234567", "invalid"),
    ("02438123456", "not_mobile"),  # a Hà Nội landline
    ("+1 650 253 0000", "not_vietnamese"), ("+44 7911 123456", "not_vietnamese"),
    ("０９１２３４５６７８", "invalid"), ("0912345678x", "invalid"), ("tel:0912345678", "invalid"),
    ("số máy", "invalid"), ("+", "invalid"), ("0" * 50, "invalid"), (912345678, "invalid"),
    (b"0912345678", "invalid"),
])
def test_phone_problems(text, kind):
    problem = normalise_phone(text)
    assert isinstance(problem, DeclarationProblem)
    assert (problem.field, problem.kind) == ("phone", kind)
    if isinstance(text, str) and text.strip():
        assert text.strip() not in problem.message


# --- e-mail -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "normalised"), [
    ("an@example.com", "an@example.com"),
    ("An.Nguyen@Gmail.COM", "An.Nguyen@gmail.com"),
    ("  an.nguyen+vssid@example.vn ", "an.nguyen+vssid@example.vn"),
    ("nguyễn@ví-dụ.vn", "nguyễn@ví-dụ.vn"),
    ("an@sub.example.com.vn", "an@sub.example.com.vn"),
])
def test_email_valid(text, normalised):
    assert normalise_email(text) == normalised


@pytest.mark.parametrize(("text", "kind"), [
    (None, "missing"), ("", "missing"), (" ", "missing"),
    ("an", "invalid"), ("an@", "invalid"), ("@example.com", "invalid"), ("a..b@example.com", "invalid"),
    ("an@gmail", "invalid"), ("an@localhost", "invalid"), ("an@example.test", "invalid"),
    ("an example@example.com", "invalid"), ("an@exa mple.com", "invalid"), ("a" * 250 + "@example.com", "invalid"),
    (42, "invalid"),
])
def test_email_problems(text, kind):
    problem = normalise_email(text)
    assert isinstance(problem, DeclarationProblem)
    assert (problem.field, problem.kind) == ("email", kind)


def test_email_check_opens_no_connection(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network use")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert normalise_email("an@example.com") == "an@example.com"
    assert isinstance(normalise_email("an@no-such-domain-at-all.example"), str)


# --- declare() ----------------------------------------------------------------------------

def test_declare_gives_the_whole_declaration(declaration):
    assert declaration.phone == "0912345678"
    assert declaration.email == "An.Nguyen@gmail.com"
    assert declaration.office.name == "Bảo hiểm xã hội tỉnh Thái Nguyên"
    assert declaration.contact_address == "Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên"
    assert declaration.declared_on == TODAY
    assert declaration.registration == REGISTRATION
    # the registration's conflict carries over; the front photo is the scanned card: nothing added
    assert [(c.field, c.kind) for c in declaration.conflicts] == [("full_name", "name_diacritics")]
    assert declaration.notes == REGISTRATION.notes


def test_to_form_extends_the_registrations(declaration):
    form = declaration.to_form()
    registration_form = REGISTRATION.to_form()
    assert list(form)[:len(registration_form)] == list(registration_form)
    assert {key: form[key] for key in registration_form} == registration_form
    assert form["điện thoại di động"] == "0912345678"
    assert form["email"] == "An.Nguyen@gmail.com"
    assert form["địa chỉ liên hệ"] == "Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên"
    assert form["cơ quan BHXH tiếp nhận"] == "Bảo hiểm xã hội tỉnh Thái Nguyên"


def test_the_declaration_round_trips_through_json(declaration):
    text = declaration.model_dump_json()
    assert vssid_id.Declaration.model_validate_json(text) == declaration
    assert isinstance(declaration.model_dump(mode="json")["portrait"], str)


def test_office_and_contact_address_given(photos):
    declaration = vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", office="Hà Nội",
                                   contact_address="  Số 1  Phố Huế,\tHà Nội ", today=TODAY, **photos)
    assert declaration.office.name == "Bảo hiểm xã hội thành phố Hà Nội"
    assert declaration.contact_address == "Số 1 Phố Huế, Hà Nội"
    office = vssid_id.OFFICES[0]
    assert vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", office=office,
                            today=TODAY, **photos).office is office


def test_every_problem_at_once(photos):
    problems = _problems(registration=REGISTRATION, phone="123", email="nope", office="Mars",
                         contact_address="a\u202eb", portrait=b"not an image", id_front=None, id_back=b"")
    assert problems == [("phone", "invalid"), ("email", "invalid"), ("office", "unknown"),
                        ("contact_address", "invalid"), ("portrait", "unreadable"), ("id_front", "missing"),
                        ("id_back", "unreadable")]


def test_the_error_names_fields_and_kinds_but_no_value(photos):
    with pytest.raises(DeclarationError) as caught:
        vssid_id.declare(REGISTRATION, phone="0241234567", email="an@gmail", today=TODAY, **photos)
    error = caught.value
    assert isinstance(error, vssid_id.VssidError) and isinstance(error, ValueError)
    assert error.field is None and "phone (invalid)" in str(error) and "email (invalid)" in str(error)
    assert "0241234567" not in str(error) and "an@gmail" not in str(error)
    with pytest.raises(DeclarationError) as caught:
        vssid_id.declare(REGISTRATION, phone="0912345678", email="an@gmail", today=TODAY, **photos)
    assert caught.value.field == "email"


def test_required_registration_fields(photos):
    bhyt_only = vssid_id.prefill(BHYT, today=TODAY)
    assert bhyt_only.address is None  # this card holds no address: no province, no office
    assert _problems(registration=bhyt_only, phone="0912345678", email="an@example.com", **photos) == [
        ("id_number", "missing"), ("office", "missing")]
    cccd_only = vssid_id.prefill(CCCD, today=TODAY)
    assert _problems(registration=cccd_only, phone="0912345678", email="an@example.com", **photos) == [
        ("bhxh_code", "missing")]
    assert _problems(registration=None, phone=None, email=None, portrait=None, id_front=None, id_back=None) == [
        ("registration", "missing"), ("phone", "missing"), ("email", "missing"), ("office", "missing"),
        ("portrait", "missing"), ("id_front", "missing"), ("id_back", "missing")]


def test_no_office_without_a_province(photos):
    nowhere = vssid_id.parse("001090123456||Nguyễn Văn An|05031990|Nam|Số 1 Phố Nào Đó|15082021")
    registration = vssid_id.prefill(nowhere, BHYT, today=TODAY)
    assert _problems(registration=registration, phone="0912345678", email="an@example.com", **photos) == [
        ("office", "missing")]
    declaration = vssid_id.declare(registration, phone="0912345678", email="an@example.com", office="Bắc Kạn",
                                   today=TODAY, **photos)
    assert declaration.office.region == "X"
    assert declaration.contact_address == "Số 1 Phố Nào Đó"


def test_wrong_types_of_registration_and_today(photos):
    with pytest.raises(TypeError):
        vssid_id.declare(CCCD, phone="0912345678", email="an@example.com", **photos)
    with pytest.raises(TypeError):
        vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", today="2026-11-25", **photos)


# --- photos -------------------------------------------------------------------------------

def _portrait_problem(image, photos) -> list[tuple[str, str]]:
    return _problems(registration=REGISTRATION, phone="0912345678", email="an@example.com", today=TODAY,
                     **{**photos, "portrait": image})


def test_portrait_without_a_face(photos):
    blank = np.full((1200, 900, 3), 200, np.uint8)
    assert _portrait_problem(blank, photos) == [("portrait", "no_face")]
    assert _portrait_problem(photos["id_back"], photos) == [("portrait", "no_face")]


def test_portrait_with_two_faces(photos):
    assert _portrait_problem(synthetic_portrait(1200, 900, faces=2), photos) == [("portrait", "several_faces")]


def test_portrait_too_small(photos):
    assert _portrait_problem(synthetic_portrait(200, 300), photos) == [("portrait", "too_small")]


def test_portrait_is_cropped_to_4_by_6_at_300_dpi(declaration):
    with Image.open(io.BytesIO(declaration.portrait)) as portrait:
        assert portrait.format == "JPEG"
        assert portrait.size == PORTRAIT_SIZE
        array = cv2.cvtColor(np.asarray(portrait.convert("RGB")), cv2.COLOR_RGB2BGR)
    from vssid_id.declaration.photos import find_faces

    (x, y, w, h), = find_faces(array)
    # the face is centred across and in the upper half, and fills about half the width
    assert abs((x + w / 2) - PORTRAIT_SIZE[0] / 2) < 0.05 * PORTRAIT_SIZE[0]
    assert 0.25 * PORTRAIT_SIZE[1] < y + h / 2 < 0.55 * PORTRAIT_SIZE[1]
    assert 0.35 < w / PORTRAIT_SIZE[0] < 0.65


def test_a_small_portrait_is_kept_at_its_own_size(photos):
    declaration = vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", today=TODAY,
                                   **{**photos, "portrait": synthetic_portrait(400, 600)})
    with Image.open(io.BytesIO(declaration.portrait)) as portrait:
        width, height = portrait.size
    assert 236 <= width < PORTRAIT_SIZE[0] and abs(height - 1.5 * width) <= 1


def test_photos_lose_their_metadata(photos):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (21.0, 1.0, 2.0)}  # GPS
    with_exif = {name: _jpeg(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), exif=exif.tobytes())
                 for name, data in photos.items()}
    assert all(b"PhoneMaker" in data for data in with_exif.values())
    declaration = vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", today=TODAY,
                                   **with_exif)
    for data in (declaration.portrait, declaration.id_front, declaration.id_back):
        assert b"PhoneMaker" not in data and b"Exif" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and not image.getexif() and "icc_profile" not in image.info


def test_card_photos_are_scaled_down_and_refused_when_tiny(photos):
    big = cv2.resize(card_bgr(CCCD.to_payload(), "cccd"), (3400, 2145), interpolation=cv2.INTER_CUBIC)
    declaration = vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", today=TODAY,
                                   **{**photos, "id_back": big})
    with Image.open(io.BytesIO(declaration.id_back)) as back:
        assert max(back.size) == CARD_LONG_SIDE
    tiny = np.full((200, 320, 3), 128, np.uint8)
    assert _problems(registration=REGISTRATION, phone="0912345678", email="an@example.com",
                     **{**photos, "id_front": tiny, "id_back": tiny}) == [("id_front", "too_small"),
                                                                          ("id_back", "too_small")]


def test_front_photo_of_another_persons_card_is_a_conflict(photos):
    other = synthetic_cccd_record(random.Random(7))
    assert other.id_number != CCCD.id_number
    declaration = vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", today=TODAY,
                                   **{**photos, "id_front": card_bgr(other.to_payload(), "cccd")})
    assert [(c.field, c.kind) for c in declaration.conflicts] == [("full_name", "name_diacritics"),
                                                                  ("id_front", "id_front_mismatch")]


def test_front_photo_of_another_card_of_the_same_person_is_a_conflict(photos):
    newer = CCCD.model_copy(update={"issue_date": date(2024, 7, 1)})
    declaration = vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", today=TODAY,
                                   **{**photos, "id_front": card_bgr(newer.to_payload(), "cccd")})
    assert ("id_front", "id_front_mismatch") in [(c.field, c.kind) for c in declaration.conflicts]


def test_front_photo_of_the_bhyt_card_is_a_conflict(photos):
    declaration = vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", today=TODAY,
                                   **{**photos, "id_front": card_bgr(BHYT.to_payload(), "bhyt")})
    assert ("id_front", "id_front_mismatch") in [(c.field, c.kind) for c in declaration.conflicts]


def test_front_photo_without_a_code_is_a_note(photos):
    plain = np.full((540, 856, 3), 230, np.uint8)
    declaration = vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", today=TODAY,
                                   **{**photos, "id_front": plain})
    assert [(c.field, c.kind) for c in declaration.conflicts] == [("full_name", "name_diacritics")]
    assert declaration.notes[-1].kind == "id_front_unreadable"


def test_back_photo_of_the_scanned_card_adds_nothing(declaration):
    assert "id_back" not in [finding.field for finding in (*declaration.conflicts, *declaration.notes)]


@pytest.mark.parametrize(("zone", "what"), [
    (_zone("001090654321", "900305", "M", "300305", "NGUYEN<<VAN<AN"), "ID number"),
    (_zone("001090123456", "900306", "M", "300306", "NGUYEN<<VAN<AN"), "date of birth"),
    (_zone("001190123456", "900305", "F", "300305", "NGUYEN<<VAN<AN"), "sex"),  # digit 4: a woman born 19xx
    (_zone("001090123456", "900305", "M", "300305", "TRAN<<VAN<AN"), "name"),
])
def test_back_photo_of_another_card_is_a_conflict(photos, zone, what):
    declaration = vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", today=TODAY,
                                   **{**photos, "id_back": _back_jpeg(zone)})
    mismatch = [c for c in declaration.conflicts if c.field == "id_back"]
    assert [c.kind for c in mismatch] == ["id_back_mismatch"]
    assert mismatch[0].message.endswith(what)
    assert not re.search(r"[0-9]|NGUYEN|TRAN", mismatch[0].message)  # no card data in the message


def test_back_photo_without_a_zone_is_a_note(photos):
    declaration = vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", today=TODAY,
                                   **{**photos, "id_back": card_bgr("back of the card", "bhyt")})
    assert "id_back" not in [c.field for c in declaration.conflicts]
    assert declaration.notes[-1].kind == "id_back_unreadable"


# --- robustness ---------------------------------------------------------------------------

_TEXT = st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["0912345678", "an@example.com", "Bắc Kạn"]),
                  st.integers(), st.binary(max_size=20))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phone=_TEXT, email=_TEXT, office=_TEXT, contact_address=_TEXT,
       portrait=st.sampled_from(["good", "junk", "none", "text"]), front=st.sampled_from(["good", "junk", "none"]))
def test_declare_raises_only_our_errors(photos, phone, email, office, contact_address, portrait, front):
    images = {"good": photos["portrait"], "junk": b"\x89PNG\r\n\x1a\n broken", "none": None, "text": "no/such/file"}
    try:
        declaration = vssid_id.declare(REGISTRATION, phone=phone, email=email, office=office,
                                       contact_address=contact_address, portrait=images[portrait],
                                       id_front={**images, "good": photos["id_front"]}[front],
                                       id_back=photos["id_back"], today=TODAY)
    except DeclarationError as error:
        assert error.problems
        return
    assert re.fullmatch(r"0\d{9}", declaration.phone)


# --- the PDF ------------------------------------------------------------------------------

def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_holds_every_field_as_real_text(declaration):
    data = declaration.to_pdf()
    assert data.startswith(b"%PDF-")
    text = _pdf_text(data)
    flat = " ".join(text.split())
    for value in ("Nguyễn Văn An", "Bảo hiểm xã hội tỉnh Thái Nguyên", "Kính gửi", "0120878811", "001090123456",
                  "0912345678", "An.Nguyen@gmail.com", "05/03/1990", "Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên",
                  "Ngày 25 tháng 11 năm 2026", "Người kê khai", TITLE):
        assert value in flat, value
    assert "chỉ khác nhau ở dấu" in flat  # the conflict, in Vietnamese


def test_pdf_embeds_the_three_photos_and_the_font(declaration):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(declaration.to_pdf()))
    page = reader.pages[0]
    assert len(page.images) == 3
    fonts = {str(font["/BaseFont"]) for font in
             (obj.get_object() for obj in page["/Resources"]["/Font"].values())}
    assert all("BeVietnamPro" in font for font in fonts) and fonts
    assert reader.metadata.title == TITLE


def test_pdf_is_the_same_bytes_for_the_same_declaration(declaration):
    copy = vssid_id.Declaration.model_validate_json(declaration.model_dump_json())
    assert declaration.to_pdf() == copy.to_pdf()
    later = declaration.model_copy(update={"declared_on": date(2026, 11, 26)})
    assert later.to_pdf() != declaration.to_pdf()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_pdf_page_renders(declaration, tmp_path):
    (tmp_path / "to-khai.pdf").write_bytes(declaration.to_pdf())
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(tmp_path / "to-khai.pdf"),
                    str(tmp_path / "page")], check=True)
    page = np.asarray(Image.open(tmp_path / "page.png").convert("L"))
    assert page.shape[0] > page.shape[1]  # portrait A4
    assert (page < 128).mean() > 0.02  # there is ink on it


def test_heavy_libraries_load_only_when_used():
    import sys

    code = ("import sys, vssid_id\n"
            "vssid_id.declare, vssid_id.Declaration, vssid_id.office_for('Bắc Kạn')\n"
            "print(','.join(m for m in ('cv2', 'fpdf', 'phonenumbers', 'email_validator', 'fontTools', 'PIL')"
            " if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=30), st.text(alphabet="0123456789 +-.()", max_size=20)))
def test_phone_check_never_raises(text):
    result = normalise_phone(text)
    assert isinstance(result, DeclarationProblem) or re.fullmatch(r"0\d{9}", result)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=40), st.emails().map(str)))
def test_email_check_never_raises(text):
    result = normalise_email(text)
    assert isinstance(result, DeclarationProblem) or "@" in result


def test_pdf_prints_characters_the_font_lacks_as_question_marks(photos, capfd, caplog):
    declaration = vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", today=TODAY,
                                   contact_address="Số 1 漢字 😀", **photos)
    assert declaration.contact_address == "Số 1 漢字 😀"  # the data keeps them; only the page cannot show them
    text = " ".join(_pdf_text(declaration.to_pdf()).split())
    assert "Số 1 ?? ?" in text
    out, err = capfd.readouterr()
    assert "漢" not in out + err and "漢" not in caplog.text


def test_a_long_address_keeps_the_card_photos_with_their_captions(photos):
    from pypdf import PdfReader

    declaration = vssid_id.declare(REGISTRATION, phone="0912345678", email="an@example.com", today=TODAY,
                                   contact_address="Số 1, " * 170, **photos)
    pages = PdfReader(io.BytesIO(declaration.to_pdf())).pages
    assert len(pages) == 2
    second = pages[1].extract_text()
    assert "Mặt trước" in second and "Mặt sau" in second and len(pages[1].images) == 2


@pytest.mark.parametrize(("size", "scale"), [((600, 900), 0.5), ((600, 900), 1.3), ((1200, 1600), 0.7),
                                             ((1280, 720), 0.5), ((3000, 4000), 1.6), ((3000, 4000), 5.0)])
@pytest.mark.parametrize("light", ["normal", "dark", "flat", "bright", "noisy"])
def test_one_face_is_found_at_any_size_and_light(size, scale, light):
    from vssid_id.declaration.photos import find_faces

    image = synthetic_portrait(*size, scale=scale)
    if light == "dark":
        image = (image * 0.35).astype(np.uint8)
    elif light == "flat":
        image = (image * 0.45 + 90).astype(np.uint8)
    elif light == "bright":
        image = np.clip(image + 70.0, 0, 255).astype(np.uint8)
    elif light == "noisy":
        image = np.clip(image + np.random.default_rng(0).normal(0, 12, image.shape), 0, 255).astype(np.uint8)
    (_x, _y, w, _h), = find_faces(image)
    assert abs(w - 250 * scale) < 0.35 * 250 * scale  # the face box is about the drawn face's width


@pytest.mark.parametrize("path", ["constructor", "model_validate", "model_validate_json"])
def test_a_declaration_validation_error_carries_no_contact_data(path):
    import json

    from pydantic import ValidationError

    data = {"phone": "0912345678", "email": "nguyen.van.a@example.vn", "contact_address": 12345678901,
            "declared_on": "2026-13-45"}
    with pytest.raises(ValidationError) as caught:
        if path == "constructor":
            vssid_id.Declaration(**data)
        elif path == "model_validate":
            vssid_id.Declaration.model_validate(data)
        else:
            vssid_id.Declaration.model_validate_json(json.dumps(data))
    error = caught.value
    shown = str(error) + repr(error) + json.dumps(error.errors(include_url=False), default=str)
    for value in ("0912345678", "nguyen.van.a", "12345678901", "2026-13-45"):
        assert value not in shown
    assert {line["loc"][0] for line in error.errors()} >= {"contact_address", "declared_on", "registration"}
