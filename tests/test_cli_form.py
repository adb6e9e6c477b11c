"""vssid-scan --form: the cards read (payloads, two photos, one photo of both) → the prefilled registration form.

The CLI's side is tested against prefill()'s contract with a stand-in module (what the CLI hands over,
what it prints, masking, exit codes); the last tests run the real vssid_id.registration (with the address
conversion stood in: its data takes seconds to load and is tested in its own module).
"""

import json
import random
import sys
import types
from datetime import date
from pathlib import Path

import cv2
import pytest
from conftest import card_bgr

import vssid_id
from vssid_id.cards.gender import Gender
from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record
from vssid_id.cli import scan as cli

NAME = "Nguyễn Văn An"
BORN = date(1990, 3, 5)
ADDRESS = "Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn"


def same_person_payloads(bhyt_name: str = NAME) -> tuple[str, str]:
    """A CCCD and a BHYT payload of one synthetic person (the BHYT name may differ)."""
    cccd = synthetic_cccd_record(random.Random(1))
    number = f"{cccd.id_number[:3]}0{BORN.year % 100:02d}{cccd.id_number[6:]}"
    cccd = cccd.model_copy(update={"id_number": number, "full_name": NAME, "date_of_birth": BORN,
                                   "year_of_birth": BORN.year, "month_of_birth": BORN.month,
                                   "gender": Gender.MALE, "address": ADDRESS, "issue_date": date(2021, 8, 15),
                                   "extra_fields": ()})
    bhyt = synthetic_bhyt_record(random.Random(2)).model_copy(update={
        "full_name": bhyt_name, "date_of_birth": BORN, "year_of_birth": BORN.year, "month_of_birth": BORN.month,
        "gender": Gender.MALE, "valid_from": date(2026, 1, 1), "valid_to": date(2026, 12, 31),
        "issue_date": date(2026, 1, 1), "five_years_from": None})
    return cccd.to_payload(), bhyt.to_payload()


CCCD_PAYLOAD, BHYT_PAYLOAD = same_person_payloads()
CCCD = vssid_id.parse(CCCD_PAYLOAD)
BHYT = vssid_id.parse(BHYT_PAYLOAD)


class StandIn:
    """prefill()'s contract: records in, a Registration-like object out (to_form, conflicts, notes, model_dump)."""

    def __init__(self, conflicts=()):
        self.calls = []
        self.conflicts = conflicts

    def prefill(self, *records, today=None):
        self.calls.append(records)
        identity = next((r for r in records if r.kind == "cccd"), None)
        bhyt = next((r for r in records if r.kind == "bhyt"), None)
        person = identity or bhyt
        conflicts = tuple(types.SimpleNamespace(field=f, kind=k, message=m) for f, k, m in self.conflicts)
        form = {"họ tên": person.full_name, "mã số BHXH": bhyt.bhxh_code if bhyt else "",
                "số CCCD": identity.id_number if identity else "",
                "ngày sinh": person.date_of_birth.strftime("%d/%m/%Y"),
                "giới tính": person.gender.label_vi, "địa chỉ": person.address or ""}
        dump = {"full_name": person.full_name, "id_number": identity.id_number if identity else None,
                "bhxh_code": bhyt.bhxh_code if bhyt else None,
                "conflicts": [vars(conflict) for conflict in conflicts]}
        return types.SimpleNamespace(to_form=lambda: form, conflicts=conflicts, notes=(),
                                     province_2025="Tỉnh Thái Nguyên", model_dump=lambda mode: dict(dump))


@pytest.fixture
def stand_in(monkeypatch):
    fake = StandIn()
    module = types.ModuleType("vssid_id.registration")
    module.prefill = fake.prefill
    module.mask_registration = lambda reg: {**reg.model_dump(mode="json"), "full_name": "masked",
                                            "id_number": "masked", "bhxh_code": "masked"}
    monkeypatch.setitem(sys.modules, "vssid_id.registration", module)
    return fake


def kinds_given(fake):
    (records,) = fake.calls
    return sorted(record.kind for record in records)


def test_two_payloads_make_a_masked_form(capsys, stand_in):
    status = cli.main(["--payload", CCCD_PAYLOAD, "--payload", BHYT_PAYLOAD, "--form"])
    out, err = capsys.readouterr()
    assert status == 0 and err == ""
    assert kinds_given(stand_in) == ["bhyt", "cccd"]
    assert stand_in.calls[0][0] == CCCD  # the records themselves, as parsed
    lines = out.splitlines()
    assert lines[0].startswith("Tờ khai")
    values = {line[2:36].strip(): line[37:] for line in lines[1:]}
    assert values["họ tên"] == "N. V. A."
    assert values["mã số BHXH"] == "******" + BHYT.bhxh_code[-4:]
    assert values["số CCCD"] == "********" + CCCD.id_number[-4:]
    assert values["ngày sinh"] == "**/**/1990"
    assert values["địa chỉ"] == "***, Bắc Kạn"
    assert values["tỉnh / thành phố (từ 1/7/2025)"] == "Tỉnh Thái Nguyên"
    for secret in (NAME, CCCD.id_number, BHYT.bhxh_code, "05/03/1990", "Sông Cầu"):
        assert secret not in out


def test_no_mask_prints_the_form_as_filled(capsys, stand_in):
    assert cli.main(["--payload", CCCD_PAYLOAD, "--payload", BHYT_PAYLOAD, "--form", "--no-mask"]) == 0
    out = capsys.readouterr().out
    assert NAME in out and CCCD.id_number in out and BHYT.bhxh_code in out and "05/03/1990" in out


def test_conflicts_are_printed_and_exit_2(capsys, stand_in):
    stand_in.conflicts = [("full_name", "name", "the names on the two cards differ")]
    status = cli.main(["--payload", CCCD_PAYLOAD, "--payload", BHYT_PAYLOAD, "--form"])
    out = capsys.readouterr().out
    assert status == cli.EXIT_INVALID
    assert "conflict [full_name]: the names on the two cards differ" in out


def test_json_is_the_registration_masked_by_default(capsys, stand_in):
    stand_in.conflicts = [("gender", "gender", "the genders on the two cards differ")]
    status = cli.main(["--payload", BHYT_PAYLOAD, "--payload", CCCD_PAYLOAD, "--form", "--json"])
    (line,) = capsys.readouterr().out.splitlines()
    data = json.loads(line)
    assert status == cli.EXIT_INVALID
    assert data["full_name"] == "masked" and data["conflicts"][0]["field"] == "gender"
    assert cli.main(["--payload", BHYT_PAYLOAD, "--payload", CCCD_PAYLOAD, "--form", "--json", "--no-mask"]) == 2
    assert json.loads(capsys.readouterr().out)["id_number"] == CCCD.id_number


@pytest.fixture(scope="module")
def card_photos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cards")
    cccd, bhyt = card_bgr(CCCD_PAYLOAD, "cccd"), card_bgr(BHYT_PAYLOAD, "bhyt")
    cv2.imwrite(str(folder / "cccd.png"), cccd)
    cv2.imwrite(str(folder / "bhyt.png"), bhyt)
    both = cv2.hconcat([cccd, cv2.resize(bhyt, (cccd.shape[1], cccd.shape[0]))])
    cv2.imwrite(str(folder / "both.png"), both)
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_two_photos(capsys, stand_in, card_photos, jobs):
    status = cli.main([str(card_photos / "bhyt.png"), str(card_photos / "cccd.png"), "--form", "--jobs", jobs])
    assert status == 0, capsys.readouterr()
    assert kinds_given(stand_in) == ["bhyt", "cccd"]


def test_one_photo_of_both_cards(capsys, stand_in, card_photos):
    assert cli.main([str(card_photos / "both.png"), "--form"]) == 0
    assert kinds_given(stand_in) == ["bhyt", "cccd"]


def test_problems_go_to_stderr_and_count(capsys, stand_in, card_photos, tmp_path):
    status = cli.main([str(card_photos / "cccd.png"), str(tmp_path / "missing.png"), "--payload", "hello",
                       "--form", "--json"])
    out, err = capsys.readouterr()
    assert status == cli.EXIT_NO_INPUT  # the highest: a missing input
    assert kinds_given(stand_in) == ["cccd"]
    json.loads(out)  # stdout holds only the registration
    assert "missing.png: error: no such file" in err and "<payload>: INVALID UnknownPayloadKind" in err


def test_no_card_read(capsys, stand_in):
    assert cli.main(["--payload", "hello", "--form"]) == cli.EXIT_INVALID
    out, err = capsys.readouterr()
    assert out == "" and "no card was read" in err and stand_in.calls == []


def test_form_and_camera_is_a_usage_error(capsys):
    assert cli.main(["--form", "--camera", "0"]) == cli.EXIT_USAGE


def test_masked_form_hides_a_field_it_does_not_know():
    # The form's masking moved from cli_output.masked_form to vssid_id.cards.masking.mask_form.
    from vssid_id.cards.masking import mask_form

    form = {"họ tên": NAME, "nơi làm việc": "Công ty X", "ngày sinh": "03/1990", "địa chỉ": ""}
    masked = mask_form(form)
    assert masked == {"họ tên": "N. V. A.", "nơi làm việc": "***", "ngày sinh": "**/1990", "địa chỉ": ""}


# --- with the real prefill() ------------------------------------------------------------------


class NotFound(types.SimpleNamespace):
    """An address conversion that found nothing: every field not set here is None."""

    def __getattr__(self, name):
        return None


@pytest.fixture
def registration(monkeypatch):
    from vssid_id import registration

    # the CLI's part needs no address data (7 s to load)
    addresses = types.ModuleType("vssid_id.registration.addresses")
    addresses.convert_address = lambda text: NotFound(status="not_found", candidates=())
    monkeypatch.setitem(sys.modules, "vssid_id.registration.addresses", addresses)
    return registration


def test_real_prefill_same_person(capsys, registration):
    upper_bhyt = same_person_payloads(bhyt_name=NAME.upper())[1]
    status = cli.main(["--payload", CCCD_PAYLOAD, "--payload", upper_bhyt, "--form", "--json", "--no-mask"])
    data = json.loads(capsys.readouterr().out)
    assert status == 0 and data["conflicts"] == []
    assert (data["full_name"], data["id_number"], data["bhxh_code"]) == (NAME, CCCD.id_number, BHYT.bhxh_code)


def test_real_prefill_conflict_masked_text(capsys, registration):
    other = same_person_payloads(bhyt_name="Nguyen Van An")[1]
    status = cli.main(["--payload", CCCD_PAYLOAD, "--payload", other, "--form"])
    out = capsys.readouterr().out
    assert status == cli.EXIT_INVALID
    assert "conflict [full_name]" in out
    assert NAME not in out and CCCD.id_number not in out and BHYT.bhxh_code not in out


def test_real_prefill_two_photos_json_masked(capsys, registration, card_photos):
    status = cli.main([str(card_photos / "both.png"), "--form", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert status == 0
    assert data["cards"] == ["cccd", "bhyt"]
    assert data["id_number"] == "********" + CCCD.id_number[-4:] and data["full_name"] == "N. V. A."


def test_help_and_readme_document_form():
    assert "--form" in cli.build_parser().format_help()
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "--form" in readme
