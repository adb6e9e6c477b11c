"""The whole flow of vssid-serve's page, as a registration desk walks it (issue 20), in Debian's Chromium.

Kê khai → Ảnh → Cơ quan BHXH → Gửi, at a laptop's size and a phone's: both
cards read from photos, the contact details typed, the three photos chosen,
the office found by a former province's name, the PDF and the JSON downloaded;
then "Làm lại" and a second person, of whom nothing of the first may remain.
axe-core finds nothing on any step and every message shown is Vietnamese.

Set ``VSSID_SCREENSHOTS=docs`` to save a screenshot of each step (the README's pictures).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[test]'")
pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is not installed: pip install -e '.[test]'")
pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed: pip install -e '.[test]'")
playwright_api = pytest.importorskip("playwright.sync_api",
                                     reason="Playwright is not installed: pip install -e '.[test]'")

from test_web_page import (  # noqa: E402  (skips the module without Chromium or Playwright)
    DESKTOP,
    PHONE,
    Tab,
    assert_vietnamese,
    axe_violations,
    browser,  # noqa: F401  (fixtures)
    other_person_cards,
    photos,  # noqa: F401
    playwright,  # noqa: F401
    read_card,
    same_person_cards,
    server,  # noqa: F401
    values,
)

from vssid_id.declaration.synthetic import synthetic_portrait  # noqa: E402

SCREENSHOTS = os.environ.get("VSSID_SCREENSHOTS")
MESSAGES = ".status, .field > .error, .field > .conflict, .field > .note, .field > .offer, .notes li, .office-detail"


@pytest.fixture(scope="module")
def declaration_photos(tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]) -> dict[str, Path]:  # noqa: F811
    """A drawn portrait (a synthetic face OpenCV's frontal-face cascade finds) and a card's back, as JPEG files."""
    import cv2
    import numpy as np
    from PIL import Image, ImageDraw

    folder = tmp_path_factory.mktemp("declaration")
    portrait = folder / "portrait.jpg"
    cv2.imwrite(str(portrait), synthetic_portrait(900, 1200))
    back = Image.new("RGB", (856, 540), (226, 232, 224))
    draw = ImageDraw.Draw(back)
    for row in range(3):  # three lines where a machine-readable zone would be
        draw.rectangle((40, 380 + 45 * row, 816, 405 + 45 * row), fill=(60, 60, 60))
    draw.rectangle((40, 40, 300, 300), outline=(90, 90, 90), width=3)
    back_path = folder / "back.jpg"
    back.save(back_path, quality=90)
    assert np.asarray(Image.open(portrait)).shape[0] == 1200
    return {"portrait": portrait, "id_back": back_path}


def shot(page: Any, name: str, size: dict[str, int], top: str | None = None) -> None:
    """A screenshot of the screen with ``top`` (a selector) at its top, when VSSID_SCREENSHOTS names a folder."""
    if SCREENSHOTS and page.input_value("#email").startswith("nguoi.a"):
        suffix = "phone" if size["width"] < 600 else "desktop"
        if top:
            page.locator(top).evaluate("e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -12); }")
        else:
            page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(SCREENSHOTS) / f"serve-{name}-{suffix}.png"))


def shown_messages(page: Any) -> list[str]:
    return [text for text in page.locator(MESSAGES).evaluate_all(
        "els => els.filter(e => !e.hidden && e.offsetParent !== null).map(e => e.innerText)") if text.strip()]


def check_step(page: Any, step: int, audit: bool = True) -> None:
    """The step is on screen (one at a time on a laptop), axe finds nothing, every message is Vietnamese."""
    playwright_api.expect(page.locator(f'.goto[data-goto="{step}"]')).to_have_attribute("aria-current", "step")
    assert page.locator(f"#step-{step}").is_visible()
    if audit:
        assert axe_violations(page) == [], f"step {step}"
    for message in shown_messages(page):
        assert_vietnamese(message)


def walk(page: Any, size: dict[str, int], person: str, files: dict[str, Path],
         typed_name: str | None) -> dict[str, Any]:
    """One person's declaration from the first step to the PDF; returns the PDF's text and the JSON."""
    cccd, bhyt = same_person_cards() if person == "a" else other_person_cards()
    paged = size["width"] >= 768
    audit = person == "a"  # axe on the first walk (the second shows the same page: it would double the time)

    check_step(page, 1, audit)
    read_card(page, "bhyt", files[f"{person}_bhyt"])
    read_card(page, "cccd", files[f"{person}_cccd"])
    assert page.input_value("#id_number") == cccd.id_number
    assert page.input_value("#bhxh_code") == bhyt.bhxh_code
    page.fill("#phone", "+84 912 345 678" if person == "a" else "0987.654.321")
    page.fill("#email", f"nguoi.{person}@example.com")
    page.press("#email", "Tab")
    page.locator("#phone").focus()
    page.press("#phone", "Tab")
    page.wait_for_timeout(300)
    assert page.input_value("#phone") == ("0912345678" if person == "a" else "0987654321")  # the library's form
    check_step(page, 1, audit)
    shot(page, "1-ke-khai", size, None if paged else "#step-1-title")
    if typed_name:
        page.fill("#full_name", typed_name)
        page.press("#full_name", "Tab")
        assert page.locator('.field[data-field="full_name"] .conflict').is_hidden()

    page.locator("#step-1 .next").click()
    page.wait_for_timeout(200)
    assert page.locator("#step-1").is_visible() is not paged  # one step at a time on a laptop
    check_step(page, 2, audit)
    page.set_input_files("#portrait-gallery", str(files["portrait"]))
    page.set_input_files("#id_front-gallery", str(files[f"{person}_cccd"]))
    page.set_input_files("#id_back-gallery", str(files["id_back"]))
    for name in ("portrait", "id_front", "id_back"):
        assert page.locator(f"#{name}-preview img").is_visible()
    check_step(page, 2, audit)
    shot(page, "2-anh", size, "#step-2-title")

    page.locator("#step-2 .next").click()
    check_step(page, 3, audit)
    office = "Bảo hiểm xã hội tỉnh Thái Nguyên"
    if person == "a":  # preselected from the address (Bắc Kạn → Thái Nguyên since 1 July 2025)
        assert page.input_value("#office") == office
        page.fill("#office", "Bắc Kạn")  # and found by the former province's name
        first = page.locator("#office-list [role=option]").first
        assert office in first.inner_text() and "Bắc Kạn" in first.inner_text()
        shot(page, "3-co-quan-tim", size, "#step-3-title")
        page.press("#office", "ArrowDown")
        page.press("#office", "Enter")
    else:
        office = page.input_value("#office") or office
        if not page.input_value("#office"):
            page.fill("#office", "Thái Nguyên")
            page.press("#office", "Enter")
            office = page.input_value("#office")
    assert page.input_value("#office") == office
    assert page.locator("#office-detail").is_visible()
    check_step(page, 3, audit)
    shot(page, "3-co-quan", size, "#step-3-title")

    page.locator("#step-3 .next").click()
    check_step(page, 4, audit)
    note = page.inner_text(".send-note")
    assert "không gửi" in note and "VssID" in note and "VNeID" in note
    screen = values(page)
    declarations: list[str] = []  # the declarations built on the server (its checks aside)

    def on_request(request: Any) -> None:
        if request.method == "POST" and "/api/declaration" in request.url and "check=" not in request.url:
            declarations.append(request.url)

    page.on("request", on_request)
    with page.expect_download() as pdf_info:
        page.get_by_role("button", name="Tạo tờ khai PDF").click()
    pdf_path = Path(pdf_info.value.path())
    assert pdf_info.value.suggested_filename == "to-khai-bhxh.pdf"
    page.locator("#result").wait_for()
    page.remove_listener("request", on_request)
    assert len(declarations) == 1, declarations  # the PDF and the JSON from one declare()
    check_step(page, 4, audit)
    shot(page, "4-gui", size, "#step-4-title")
    with page.expect_download() as json_info:
        page.locator("#json-link").click()
    saved = json.loads(Path(json_info.value.path()).read_text(encoding="utf-8"))
    assert set(saved) == {"declaration", "form"}  # the PDF came with it, and is not kept in the JSON file
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)

    # The declaration holds what the screen shows.
    declaration = saved["declaration"]
    registration = declaration["registration"]
    for field in ("full_name", "bhxh_code", "id_number", "old_id_number", "address"):
        assert (registration[field] or "") == screen[field], field
    assert declaration["contact_address"] == screen["address_2025"]
    assert declaration["phone"] == page.input_value("#phone")
    assert declaration["office"]["name"] == office
    assert screen["full_name"] in text and office in " ".join(text.split())
    return {"text": text, "json": saved, "screen": screen, "cccd": cccd, "bhyt": bhyt}


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_two_people_one_after_the_other(browser: Any, server: str, photos: dict[str, Path],  # noqa: F811
                                        declaration_photos: dict[str, Path], size: dict[str, int]) -> None:
    tab = Tab(browser, server, size)
    try:
        page = tab.open()
        files = {**photos, **declaration_photos}
        first = walk(page, size, "a", files, typed_name="Hoàng Quốc Viết")
        registration = first["json"]["declaration"]["registration"]
        # The name typed by hand settles the cards' disagreement and is noted as typed.
        assert registration["full_name"] == "Hoàng Quốc Viết"
        assert [c["kind"] for c in registration["conflicts"]] == []
        assert ("full_name", "edited_by_hand") in [(n["field"], n["kind"]) for n in registration["notes"]]

        page.get_by_role("button", name="Làm lại").click()
        assert set(values(page).values()) == {""}
        for typed in ("#phone", "#email", "#office"):
            assert page.input_value(typed) == ""
        assert page.locator(".preview img").count() == 0
        assert page.locator("#result").is_hidden()
        assert page.get_attribute('.goto[data-goto="1"]', "aria-current") == "step"

        assert page.evaluate("localStorage.length + sessionStorage.length") == 0  # the page keeps nothing

        second = walk(page, size, "b", files, typed_name=None)
        cccd_a, bhyt_a = first["cccd"], first["bhyt"]
        body = page.inner_text("body")
        dumped = json.dumps(second["json"], ensure_ascii=False)
        for secret in ("Hoàng Quốc Viết", cccd_a.id_number, bhyt_a.bhxh_code, "0912345678", "nguoi.a@example.com"):
            assert secret not in body
            assert secret not in dumped
            assert secret not in second["text"]
        assert tab.foreign == []
        assert tab.script_errors() == []
    finally:
        tab.context.close()
