"""vssid-scan --form with the declaration's options: declare(), its problems, its output and its PDF."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest
from conftest import card_bgr

from vssid_id.cli import scan as cli
from vssid_id.declaration.synthetic import synthetic_portrait

CCCD = ("001090123456||Nguyễn Văn An|05031990|Nam|"
        "Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn|15082021")
BHYT = ("0120878811|4e475559454e2056414e20414e|05/03/1990|1|-|01 - 001|"
        "01/01/2026|31/12/2026|15/12/2025|01010120878811|-|4|-|$")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("declaration")
    cv2.imwrite(str(folder / "portrait.jpg"), synthetic_portrait(900, 1200))
    cv2.imwrite(str(folder / "front.png"), card_bgr(CCCD, "cccd"))
    cv2.imwrite(str(folder / "back.png"), card_bgr("back", "bhyt"))
    return folder


def _argv(files: Path, *more: str) -> list[str]:
    return ["--payload", CCCD, "--payload", BHYT, "--form", "--phone", "0912 345 678", "--email", "an@example.com",
            "--portrait", str(files / "portrait.jpg"), "--id-front", str(files / "front.png"),
            "--id-back", str(files / "back.png"), *more]


def test_declaration_masked_text_and_pdf(capsys, files, tmp_path):
    pdf = tmp_path / "to-khai.pdf"
    status = cli.main(_argv(files, "--pdf", str(pdf)))
    out = capsys.readouterr().out
    assert status == cli.EXIT_INVALID  # the names differ in diacritics: a conflict, as --form reports it
    assert "Bảo hiểm xã hội tỉnh Thái Nguyên" in out
    assert "******5678" in out and "a***@example.com" in out
    assert "0912345678" not in out and "Nguyễn Văn An" not in out and "001090123456" not in out
    assert "conflict [full_name]" in out
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_declaration_json_unmasked(capsys, files):
    cli.main(_argv(files, "--json", "--no-mask", "--office", "Hà Nội"))
    data = json.loads(capsys.readouterr().out)
    assert data["phone"] == "0912345678" and data["email"] == "an@example.com"
    assert data["office"]["name"] == "Bảo hiểm xã hội thành phố Hà Nội"
    assert data["registration"]["full_name"] == "Nguyễn Văn An"
    assert "portrait" not in data  # the photos are not printed


def test_problems_on_stderr_exit_2(capsys, files):
    argv = _argv(files)
    argv[argv.index("--phone") + 1] = "0241234567"
    argv[argv.index("--portrait") + 1] = str(files / "back.png")
    status = cli.main(argv)
    out, err = capsys.readouterr()
    assert status == cli.EXIT_INVALID and out == ""
    assert "phone (invalid)" in err and "portrait (no_face)" in err
    assert "0241234567" not in err


def test_declaration_options_need_form(capsys):
    assert cli.main(["--payload", CCCD, "--phone", "0912345678"]) == cli.EXIT_USAGE
    assert "go with --form" in capsys.readouterr().err


def test_unwritable_pdf(capsys, files, tmp_path):
    status = cli.main(_argv(files, "--pdf", str(tmp_path / "no" / "such" / "dir.pdf")))
    assert status == cli.EXIT_CANT_CREATE
    assert "--pdf" in capsys.readouterr().err


def test_help_documents_the_declaration_options(capsys):
    cli.main(["--help"])
    out = capsys.readouterr().out
    for option in ("--phone", "--email", "--portrait", "--id-front", "--id-back", "--office", "--pdf"):
        assert option in out
