"""read_mrz() on card backs and passport pages; the MRZ in prefill(), vssid-scan, the API and masking."""

import io
import json
import random
from datetime import date
from pathlib import Path

import cv2
import generate  # fixtures/generate.py, put on sys.path by conftest.py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

import vssid_id
from vssid_id.cards.formats.mrz import check_digit
from vssid_id.cards.masking import mask_record
from vssid_id.cards.synthetic import synthetic_card_mrz, synthetic_cccd_record, synthetic_passport_mrz
from vssid_id.cli import scan as cli
from vssid_id.images import mrz_ocr
from vssid_id.scanning.mrz import read_mrz_reading

BACKS = Path(__file__).resolve().parent.parent / "fixtures" / "backs"
MANIFEST = json.loads((BACKS / "manifest.json").read_text(encoding="utf-8"))
SYNTHETIC_TODAY = date(2026, 1, 1)  # the synthetic records' today


def truth(text):
    return vssid_id.parse(text, today=SYNTHETIC_TODAY)


def card_with_back(seed):
    card = synthetic_cccd_record(random.Random(seed))
    while card.date_of_birth is None:
        seed += 1000
        card = synthetic_cccd_record(random.Random(seed))
    return card, synthetic_card_mrz(card)


def jpeg(image_bgr, quality=90):
    buffer = io.BytesIO()
    Image.fromarray(image_bgr[:, :, ::-1]).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


# --- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", MANIFEST, ids=[entry["file"] for entry in MANIFEST])
def test_committed_backs_are_read(entry):
    """Every bucket's committed back, combo (a tilted card whose two first lines, aslant, were once
    taken for one) and far_blur included."""
    assert vssid_id.read_mrz(BACKS / entry["file"], today=SYNTHETIC_TODAY) == truth(entry["mrz"])


def test_held_out_backs_none_wrong():
    """Fresh synthetic backs (a seed no fixture used), two per bucket: every one read is right."""
    rng = random.Random(2027)
    read = 0
    for bucket in generate.BACK_BUCKETS:
        for _ in range(2):
            image, _, text = generate.make_back(bucket, rng)
            record = vssid_id.read_mrz(jpeg(image), today=SYNTHETIC_TODAY)
            assert record is None or record == truth(text), bucket
            read += record is not None
    assert read >= 19  # the rates per bucket are in docs/benchmarks.md (bench/bench_mrz.py)


def test_clean_back_of_a_card_and_a_passport():
    for seed in (1, 2):
        _, back = card_with_back(seed)
        image = np.ascontiguousarray(np.asarray(generate.render_back(back.to_payload()))[:, :, ::-1])
        assert vssid_id.read_mrz(image, today=SYNTHETIC_TODAY) == back
    passport = synthetic_passport_mrz(random.Random(3))
    page = np.ascontiguousarray(np.asarray(generate.render_passport(passport.to_payload()))[:, :, ::-1])
    assert vssid_id.read_mrz(page, today=SYNTHETIC_TODAY) == passport


def back_photo(bucket, seed, upside_down=False):
    """fixtures/generate.py's photo of a back for ``bucket`` (its own random stream ``seed``), as
    bench_mrz.py encodes it: (JPEG bytes, the zone's text)."""
    image, params, text = generate.make_back(bucket, random.Random(seed))
    if upside_down:
        image = np.ascontiguousarray(image[::-1, ::-1])
    return jpeg(image, params.get("jpeg_quality", 90)), text


@pytest.mark.parametrize(("bucket", "seed"), [
    ("blur", 0), ("blur", 2), ("blur", 18),  # cards (blur sigma 2.3 and 2.9), a passport (2.6)
    ("far_blur", 11), ("far_blur", 1), ("far_blur", 14),  # a card, two passports
])
def test_blurred_backs_and_passports_are_read(bucket, seed):
    """Backs out of focus (blur sigma up to a sixth of the characters' pitch): read, and right. Before
    the zone was matched at its own blur these were all missed but far_blur 14, which came back with
    a wrong name."""
    data, text = back_photo(bucket, seed)
    assert vssid_id.read_mrz(data, today=SYNTHETIC_TODAY) == truth(text)


@pytest.mark.parametrize(("bucket", "seed"), [("blur", 0), ("far_blur", 1)])
def test_blurred_backs_upside_down_are_read(bucket, seed):
    """Blurred and upside down: the zone as first cut out (upside down) matches the blurred
    templates well enough to pass for OCR-B, and no reading of it checks; the strip turned
    half a turn must still be read."""
    data, text = back_photo(bucket, seed, upside_down=True)
    assert vssid_id.read_mrz(data, today=SYNTHETIC_TODAY) == truth(text)


@pytest.mark.parametrize(("bucket", "seed"), [("blur", 9), ("blur", 18), ("far_blur", 21)])
def test_a_blurred_zone_is_read_sharpened(monkeypatch, bucket, seed):
    """These three are read only deconvolved: matched at their blur, a name letter leads its
    runner-up by less than the name gate asks, and the zone is refused."""
    data, text = back_photo(bucket, seed)
    assert vssid_id.read_mrz(data, today=SYNTHETIC_TODAY) == truth(text)
    monkeypatch.setattr(mrz_ocr, "_SHARPEN_FROM", len(mrz_ocr._BLURS))
    assert vssid_id.read_mrz(data, today=SYNTHETIC_TODAY) is None


@pytest.mark.parametrize("seed", [2, 69])
def test_a_zone_cut_by_a_glare_is_read_from_a_longer_strip(monkeypatch, seed):
    """A glare washes out the end of the zone, and the block found for it stops short: its lines
    run to the strip's end, so the zone is cut out again, longer on that side, and read."""
    data, text = back_photo("light", seed)
    assert vssid_id.read_mrz(data, today=SYNTHETIC_TODAY) == truth(text)
    monkeypatch.setattr(mrz_ocr, "_LENGTHEN", 0.0)
    assert vssid_id.read_mrz(data, today=SYNTHETIC_TODAY) is None


def flat_zone(text, sigma=0.0):
    """``text`` drawn flat as :func:`mrz_ocr._rectify` lays a zone out (a pitch of 24 pixels, a cell's
    margin around it), blurred by ``sigma`` pixels."""
    glyphs = mrz_ocr._glyphs()
    lines = text.split("\n")
    spacing = round(generate.MRZ_LINE_MM * glyphs.pitch / generate.MRZ_PITCH_MM)  # the lines as _draw_mrz spaces them
    size = ((len(lines[0]) + 2) * glyphs.pitch, 2 * glyphs.pitch + glyphs.height + spacing * (len(lines) - 1))
    image = Image.new("RGB", size, (255, 255, 255))
    last_baseline = glyphs.pitch + glyphs.height - 1 + spacing * (len(lines) - 1)
    generate._draw_mrz(ImageDraw.Draw(image), lines, glyphs.pitch, last_baseline, glyphs.pitch / generate.MRZ_PITCH_MM)
    flat = np.asarray(image.convert("L"), dtype=np.float32)
    return np.asarray(cv2.GaussianBlur(flat, (0, 0), sigma) if sigma else flat).round().astype(np.uint8)


def test_blur_estimate_and_sharpening():
    """A zone's blur is told by which template set its cells fit best; sharpened, a blurred zone's
    cells fit a sharper set and their characters lead their runners-up by more."""
    _, back = card_with_back(14)
    text = back.to_payload()
    for level in (0, 3, 5, 6, 7):
        patches = mrz_ocr._cell_patches(flat_zone(text, mrz_ocr._BLURS[level]), 3, 30)
        assert abs(mrz_ocr._blur_level(patches) - level) <= 1

    def leads(flat):
        patches = mrz_ocr._cell_patches(flat, 3, 30)
        level = mrz_ocr._blur_level(patches)
        scores = mrz_ocr._cell_scores(patches, level)
        truth_index = [[mrz_ocr.ALPHABET.index(char) for char in line] for line in text.split("\n")]
        lead = [scores[i, j, t] - np.delete(scores[i, j], t).max()
                for i, line in enumerate(truth_index) for j, t in enumerate(line)]
        return level, float(np.median(lead))

    blurred = flat_zone(text, 3.7)
    sharpened = mrz_ocr._sharpen(blurred, 0.7 * 3.7)
    (before_level, before_lead), (after_level, after_lead) = leads(blurred), leads(sharpened)
    assert after_level < before_level and after_lead > before_lead + 0.02


def test_a_rows_ends_are_trimmed_of_what_is_not_the_line():
    """A sliver of the card's edge at the strip's side and a speck past a line's end are not taken
    for the line's ends (the zone would then be laid out askew); a whole character is kept."""
    _, back = card_with_back(15)
    lines = back.to_payload().split("\n")
    image = Image.new("RGB", (1400, 320), (235, 235, 235))
    generate._draw_mrz(ImageDraw.Draw(image), lines, 90, 270, 16)
    clean = np.asarray(image.convert("L")).copy()
    spoiled = clean.copy()
    for top in (95, 165, 235):  # the card's edge along the strip's left side, broken by the lines' gaps
        spoiled[top:top + 35, 0:2] = 30
    spoiled[105:123, 1370:1380] = 30  # a speck past the first line's end
    expected, _ = mrz_ocr._rows(clean)
    found, _ = mrz_ocr._rows(spoiled)
    assert [(row.left, row.right) for row in found] == [(row.left, row.right) for row in expected]
    boxes = np.array([[10, 0, 20, 40], [35, 0, 20, 40], [200, 0, 20, 40]], np.float32)
    assert len(mrz_ocr._trim_ends(boxes, 40.0, 1400)) == 3  # a character far from the line is kept


def test_lines_aslant_are_not_merged():
    """Two lines that run aslant, so that the middle of one line's last characters is lower than
    the next line's first: the components are chained along each line, not sorted by height."""
    _, back = card_with_back(16)
    lines = back.to_payload().split("\n")
    image = Image.new("RGB", (1400, 360), (235, 235, 235))
    generate._draw_mrz(ImageDraw.Draw(image), lines, 90, 250, 16)
    gray = np.asarray(image.convert("L"))
    slant = np.float32([[1, 0, 0], [0.06, 1, 0]])  # 6 % down to the right: 73 px over the line
    aslant = cv2.warpAffine(gray, slant, (1400, 360), borderValue=235)
    rows, _ = mrz_ocr._rows(aslant)
    assert [len(row.boxes) for row in rows] == [30, 30, 30]


def test_the_sex_cell_admits_only_the_sexes():
    assert mrz_ocr.MASK_CHARACTERS["S"] == "FMX<"
    for layout in vssid_id.cards.formats.mrz.OCR_LAYOUTS:
        assert layout[1][7 if len(layout) == 3 else 20] == "S"
    # A sex cell that looks most like H is read as the sex it looks most like next.
    scores = np.zeros((1, 2, len(mrz_ocr.ALPHABET)))
    for cell in (0, 1):
        scores[0, cell, mrz_ocr.ALPHABET.index("H")] = 0.97
        scores[0, cell, mrz_ocr.ALPHABET.index("M")] = 0.93
    ranked = mrz_ocr._ranked(scores, ("SX",))[0]
    assert ranked[0][0][0] == "M" and {char for char, _ in ranked[0]} <= set("FMX<")
    assert ranked[1][0][0] == "H"  # any character where the mask admits any


def test_upside_down_and_sideways():
    _, back = card_with_back(4)
    image = np.ascontiguousarray(np.asarray(generate.render_back(back.to_payload()))[:, :, ::-1])
    for turn in (cv2_rotate(image, 1), cv2_rotate(image, 2), cv2_rotate(image, 3)):
        assert vssid_id.read_mrz(turn, today=SYNTHETIC_TODAY) == back


def cv2_rotate(image, quarter_turns):
    return np.ascontiguousarray(np.rot90(image, quarter_turns))


def test_a_reading_whose_digits_do_not_check_is_not_a_record():
    """A zone printed with a wrong check digit is read by the OCR but never returned as a record."""
    _, back = card_with_back(5)
    lines = back.to_payload().split("\n")
    wrong = str((int(lines[1][6]) + 1) % 10)  # the birth date's check digit
    lines[1] = lines[1][:6] + wrong + lines[1][7:]
    image = np.ascontiguousarray(np.asarray(generate.render_back("\n".join(lines)))[:, :, ::-1])
    seen = []
    assert mrz_ocr.read_mrz_text(image, lambda reading: seen.append(reading.text) or False,
                                 vssid_id.cards.formats.mrz.OCR_LAYOUTS) is None
    assert "\n".join(lines) in seen  # the OCR did read it: the check digit refused it
    assert vssid_id.read_mrz(image, today=SYNTHETIC_TODAY) is None


def test_no_zone_on_a_qr_card_or_a_blank_image():
    assert vssid_id.read_mrz(np.full((300, 400), 255, np.uint8)) is None
    sample = Path(vssid_id.__file__).parent / "data" / "sample_card.png"
    assert vssid_id.read_mrz(sample) is None


def test_not_an_image_is_our_error():
    with pytest.raises(vssid_id.ImageError):
        vssid_id.read_mrz(b"not an image")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(40, 400), st.integers(40, 400))
def test_fuzz_read_mrz_on_noise(seed, height, width):
    image = np.random.default_rng(seed).integers(0, 256, (height, width), dtype=np.uint8)
    assert vssid_id.read_mrz(image) is None


def test_unchecked_characters_need_a_clear_lead(monkeypatch):
    """The names have no check digit: a reading whose name characters won narrowly is refused."""
    _, back = card_with_back(6)
    image = np.ascontiguousarray(np.asarray(generate.render_back(back.to_payload()))[:, :, ::-1])
    found = read_mrz_reading(image, today=SYNTHETIC_TODAY)
    assert found is not None
    lead = min(found[1].margins[2])
    monkeypatch.setattr("vssid_id.scanning.mrz.UNCHECKED_MARGIN", lead + 0.001)
    assert vssid_id.read_mrz(image, today=SYNTHETIC_TODAY) is None


# --- prefill ------------------------------------------------------------------------------


def test_card_and_its_back_agree():
    card, back = card_with_back(7)
    registration = vssid_id.prefill(card, back, today=SYNTHETIC_TODAY, convert_addresses=False)
    assert registration.conflicts == ()
    assert registration.cards == ("cccd", "mrz")


def test_back_with_another_date_of_birth_is_a_conflict():
    card, back = card_with_back(8)
    born = back.date_of_birth.replace(day=1 if back.date_of_birth.day != 1 else 2)
    other = vssid_id.parse(_with_birth(back.to_payload(), born.strftime("%y%m%d")), today=SYNTHETIC_TODAY)
    registration = vssid_id.prefill(card, other, today=SYNTHETIC_TODAY, convert_addresses=False)
    assert [(c.field, c.kind) for c in registration.conflicts] == [("date_of_birth", "mrz_date_of_birth")]


def _with_birth(text, birth):
    line1, line2, line3 = text.split("\n")
    line2 = birth + check_digit(birth) + line2[7:29]
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return "\n".join((line1, line2, line3))


def test_other_conflicts():
    card, back = card_with_back(9)
    _, stranger = card_with_back(10)
    kinds = {c.kind for c in vssid_id.prefill(card, stranger, today=SYNTHETIC_TODAY,
                                              convert_addresses=False).conflicts}
    assert {"mrz_id_number", "mrz_name"} <= kinds
    # The expiry: a zone whose expiry is not the law's for this card.
    if back.valid_until is not None:
        line1, line2, line3 = back.to_payload().split("\n")
        expiry = f"{(back.valid_until.year + 1) % 100:02d}{line2[10:14]}"
        line2 = line2[:8] + expiry + check_digit(expiry) + line2[15:29]
        line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
        later = vssid_id.parse("\n".join((line1, line2, line3)), today=SYNTHETIC_TODAY)
        conflicts = vssid_id.prefill(card, later, today=SYNTHETIC_TODAY, convert_addresses=False).conflicts
        assert [c.kind for c in conflicts] == ["mrz_expiry"]
        assert "printed on the card" in conflicts[0].message


def test_passport_only():
    passport = synthetic_passport_mrz(random.Random(11))
    registration = vssid_id.prefill(passport, today=SYNTHETIC_TODAY)
    assert (registration.full_name, registration.date_of_birth, registration.gender) == (
        passport.full_name, passport.date_of_birth, passport.gender)
    assert registration.id_number == passport.id_number
    assert "name_from_mrz" in {note.kind for note in registration.notes}
    assert registration.cards == ("mrz",)


def test_name_compared_without_diacritics():
    card, back = card_with_back(12)
    assert back.full_name != card.full_name  # capitals, no marks
    assert not [c for c in vssid_id.prefill(card, back, today=SYNTHETIC_TODAY, convert_addresses=False).conflicts
                if c.kind == "mrz_name"]


# --- masking, CLI, API --------------------------------------------------------------------


def test_masked_mrz_record_leaks_nothing():
    for seed in range(20):
        card, back = card_with_back(seed)
        dump = json.dumps(mask_record(back))
        for secret in (card.id_number[:8], back.surname, back.given_names, back.date_of_birth.isoformat(),
                       back.optional_data[:8]):
            assert secret not in dump


def test_cli_reads_the_back_masked_by_default(capsys):
    entry = next(e for e in MANIFEST if e["bucket"] == "jpeg")
    record = truth(entry["mrz"])
    status = cli.main([str(BACKS / entry["file"]), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert status == 0
    code = out["codes"][0]
    assert code["decoder"]["backend"] == "mrz"
    assert code["record"]["kind"] == "mrz" and code["record"]["id_number"] == "*" * 8 + record.id_number[-4:]
    assert record.id_number[:8] not in json.dumps(out) and record.surname not in json.dumps(out)


def test_cli_payload_takes_mrz_text(capsys, monkeypatch):
    _, back = card_with_back(13)
    assert cli.main(["--payload", back.to_payload(), "--json", "--no-mask"]) == 0
    assert json.loads(capsys.readouterr().out)["codes"][0]["record"]["id_number"] == back.id_number
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(back.to_payload().encode() + b"\n")))
    assert cli.main(["--payload", "-", "--json", "--no-mask"]) == 0
    assert json.loads(capsys.readouterr().out)["codes"][0]["record"]["kind"] == "mrz"


def test_cli_text_output_of_an_mrz(capsys):
    entry = next(e for e in MANIFEST if e["bucket"] == "jpeg")
    assert cli.main([str(BACKS / entry["file"])]) == 0
    out = capsys.readouterr().out
    assert "MRZ (vùng đọc bằng máy)" in out and "Số định danh cá nhân" in out


def test_api_scan_and_parse():
    from starlette.testclient import TestClient

    from vssid_id.web.app import create_app

    entry = next(e for e in MANIFEST if e["bucket"] == "jpeg")
    record = truth(entry["mrz"])
    with TestClient(create_app()) as client:
        scanned = client.post("/api/scan", content=(BACKS / entry["file"]).read_bytes()).json()
        assert scanned["codes"][0]["record"]["id_number"] == record.id_number
        assert scanned["codes"][0]["payload"] == entry["mrz"]
        never = client.post("/api/scan?mrz=false", content=(BACKS / entry["file"]).read_bytes()).json()
        assert never["codes"] == []  # the page's camera loop: QR codes only
        masked = client.post("/api/scan?mask=true", content=(BACKS / entry["file"]).read_bytes()).json()
        assert "payload" not in masked["codes"][0] and record.surname not in json.dumps(masked)
        parsed = client.post("/api/parse", content=entry["mrz"], headers={"Content-Type": "text/plain"}).json()
        assert parsed["record"]["document_number"] == record.document_number
        refused = client.post("/api/parse", content=entry["mrz"].replace("<<", "<1", 1),
                              headers={"Content-Type": "text/plain"})
        assert refused.status_code == 422
