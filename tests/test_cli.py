"""vssid-scan: output, JSON shape, masking, exit codes, bad input."""

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from vssid_id import cli
from vssid_id.synthetic import synthetic_bhyt_record, synthetic_cccd_record

FIXTURES = Path(__file__).parent.parent / "fixtures"

CCCD = synthetic_cccd_record(random.Random(11))
BHYT = synthetic_bhyt_record(random.Random(11))


def run(capsys, *argv, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", stdin)
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# --- start-up ------------------------------------------------------------------


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys, contextlib, io\n"
        "from vssid_id import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: cli.main(['--help'])\n"
        "    except SystemExit: pass\n"
        "heavy = [m for m in ('cv2', 'zxingcpp', 'PIL', 'numpy', 'pydantic') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_help_documents_exit_codes_and_masking(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for text in ("exit codes", "64", "66", "--no-mask", "--json", "--camera", "--debug-dir", "--payload"):
        assert text in out


def test_version(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert "vssid-scan 0." in capsys.readouterr().out


@pytest.mark.parametrize("argv", [[], ["--bogus"], ["--camera", "x"]])
def test_usage_errors_exit_64(capsys, argv):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == cli.EXIT_USAGE


# --- payload mode ------------------------------------------------------------------


def test_payload_text_output_is_masked_by_default(capsys):
    status, out, _ = run(capsys, "--payload", CCCD.to_payload())
    assert status == 0
    assert CCCD.id_number not in out
    assert CCCD.id_number[-4:] in out
    assert CCCD.full_name not in out
    assert "Họ và tên" in out and "Giới tính" in out
    gender_line = next(line for line in out.splitlines() if "Giới tính" in line)
    assert gender_line.split()[-1] == CCCD.gender.label_vi  # Nam / Nữ, as printed on the card


def test_payload_no_mask_prints_the_card(capsys):
    status, out, _ = run(capsys, "--payload", CCCD.to_payload(), "--no-mask")
    assert status == 0
    assert CCCD.id_number in out and CCCD.full_name in out and CCCD.address in out


def test_payload_json_shape(capsys):
    status, out, _ = run(capsys, "--payload", BHYT.to_payload(), "--json", "--no-mask")
    assert status == 0
    lines = out.strip().splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert obj["input"] == "<payload>"
    record = obj["codes"][0]["record"]
    assert record["kind"] == "bhyt"
    assert record["bhxh_code"] == BHYT.bhxh_code
    assert record["full_name"] == BHYT.full_name


def test_payload_json_masked(capsys):
    _, out, _ = run(capsys, "--payload", BHYT.to_payload(), "--json")
    record = json.loads(out)["codes"][0]["record"]
    assert record["bhxh_code"] == "******" + BHYT.bhxh_code[-4:]
    assert BHYT.full_name not in out
    expected_card = "******" + BHYT.bhxh_code[-4:]
    if BHYT.card_code_parts is not None:  # old template: type, level and province stay readable
        expected_card = BHYT.card_code[:5] + expected_card
    assert record["card_code"] == expected_card
    assert BHYT.bhxh_code not in out


def test_masking_both_bhyt_templates(capsys):
    from vssid_id.masking import mask_record

    seen = set()
    for seed in range(40):
        record = synthetic_bhyt_record(random.Random(seed))
        masked = mask_record(record)
        text = json.dumps(masked, ensure_ascii=False)
        assert record.bhxh_code not in text and record.full_name not in text
        assert masked["management_code"].endswith(record.bhxh_code[-4:])
        seen.add(record.card_code_parts is None)
    assert seen == {True, False}


def test_masking_keeps_only_the_year_of_birth():
    from vssid_id.masking import mask_record

    for make in (synthetic_cccd_record, synthetic_bhyt_record):
        for seed in range(20):
            record = make(random.Random(seed))
            masked = mask_record(record)
            assert masked["year_of_birth"] == record.year_of_birth
            if record.month_of_birth is not None:
                assert masked["month_of_birth"] == "**"
            if record.date_of_birth is not None:
                assert masked["date_of_birth"] == f"****-**-** ({record.year_of_birth})"
                assert record.date_of_birth.isoformat() not in json.dumps(masked)


def test_invalid_payload_exit_2_names_the_field(capsys):
    bad = CCCD.to_payload().replace("|Nam|", "|X|").replace("|Nữ|", "|X|")
    status, out, _ = run(capsys, "--payload", bad, "--json")
    assert status == cli.EXIT_INVALID
    error = json.loads(out)["codes"][0]["error"]
    assert error == {"type": "MalformedPayload", "field": "gender", "message": "must be 'Nam' or 'Nữ'"}


def test_payload_lines_from_stdin(capsys, monkeypatch):
    text = CCCD.to_payload() + "\n" + BHYT.to_payload() + "\n"
    status, out, _ = run(capsys, "--payload", "-", "--json", stdin=io.StringIO(text), monkeypatch=monkeypatch)
    assert status == 0
    kinds = [json.loads(line)["codes"][0]["record"]["kind"] for line in out.strip().splitlines()]
    assert kinds == ["cccd", "bhyt"]


# --- files ------------------------------------------------------------------------------


def test_missing_file_exit_66_and_batch_continues(capsys, tmp_path):
    missing = tmp_path / "nope.jpg"
    status, out, _ = run(capsys, str(missing), "--payload", CCCD.to_payload())
    assert status == cli.EXIT_NO_INPUT
    assert f"{missing}: error: no such file" in out
    assert "CCCD" in out  # the payload was still processed


def test_directory_without_images(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    status, out, _ = run(capsys, str(tmp_path))
    assert status == cli.EXIT_NO_INPUT
    assert "holds no image files" in out


def test_text_file_named_jpg(capsys, tmp_path):
    fake = tmp_path / "fake.jpg"
    fake.write_text("not an image")
    status, out, _ = run(capsys, str(fake), "--json")
    assert status == cli.EXIT_NO_INPUT
    obj = json.loads(out)
    assert obj["input"] == str(fake)
    assert obj["input_error"]["type"] == "ImageError"


def test_non_image_on_stdin(capsys, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b"\x00\x01garbage"))
    status, out, _ = run(capsys, "-", stdin=stdin, monkeypatch=monkeypatch)
    assert status == cli.EXIT_NO_INPUT
    assert out.startswith("<stdin>: error:")


def test_sample_reads_the_bundled_card(capsys):
    status, out, _ = run(capsys, "--sample", "--json", "--no-mask")
    assert status == 0
    obj = json.loads(out)
    code = obj["codes"][0]
    assert code["record"]["kind"] in ("cccd", "bhyt")
    assert code["decoder"]["backend"]
    assert len(code["decoder"]["corners"]) == 4


def test_directory_recursion_and_exit_codes(capsys, tmp_path):
    from PIL import Image

    sample = cli._sample_path()
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "card.png").write_bytes(sample.read_bytes())
    Image.new("RGB", (200, 200), "white").save(tmp_path / "a" / "blank.png")
    (tmp_path / "a" / "readme.txt").write_text("skip me")
    status, out, _ = run(capsys, str(tmp_path), "--json")
    rows = [json.loads(line) for line in out.strip().splitlines()]
    # Files come in path order: "a/b/card.png" sorts before "a/blank.png".
    assert [Path(r["input"]).relative_to(tmp_path).as_posix() for r in rows] == ["a/b/card.png", "a/blank.png"]
    assert rows[0]["codes"][0]["record"] and rows[1]["codes"] == []
    assert status == cli.EXIT_NO_CODE


def test_debug_dir_writes_outline_and_steps(capsys, tmp_path):
    status, _, _ = run(capsys, "--sample", "--debug-dir", str(tmp_path / "dbg"))
    assert status == 0
    written = sorted(p.name for p in (tmp_path / "dbg").rglob("*.png"))
    assert "found.png" in written
    assert any(name.startswith("step") for name in written)
