"""vssid-serve's page in a real browser: headless Chromium (Debian's package) driven by Playwright.

The server runs on 127.0.0.1 and a free port; every request the page makes to
anywhere else is blocked and fails the test. Set ``VSSID_SCREENSHOT=/tmp/serve.png``
to save a screenshot of the filled form. The whole flow and issue 20's defects:
test_web_flow.py and test_web_page.py.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[test]'")
playwright_api = pytest.importorskip("playwright.sync_api",
                                     reason="Playwright is not installed: pip install -e '.[test]'")

from test_web_api import NEW_ADDRESS, card_photo, running_server, same_person_cards  # noqa: E402

from vssid_id.web.app import create_app  # noqa: E402

expect = playwright_api.expect

CHROMIUM = next((p for p in (os.environ.get("VSSID_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                             shutil.which("chromium-browser")) if p and Path(p).is_file()), None)
if CHROMIUM is None:
    pytest.skip("no Chromium to drive: install Debian's package (apt-get install chromium; .ci/run does it "
                "when it runs as root) or set VSSID_CHROMIUM", allow_module_level=True)

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server(create_app()) as url:
        yield url


@pytest.fixture(scope="module")
def cards() -> tuple[Any, Any]:
    return same_person_cards()


@pytest.fixture
def browser_page(tmp_path: Path, server: str) -> Iterator[tuple[Any, list[str], list[str]]]:
    """A fresh Chromium profile at phone size; yields (page, foreign requests, console errors)."""
    yield from _browser(tmp_path, server, [])


def _browser(tmp_path: Path, server: str, extra_flags: list[str]) -> Iterator[tuple[Any, list[str], list[str]]]:
    foreign: list[str] = []
    errors: list[str] = []
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS + extra_flags,
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, accept_downloads=True,
            locale="vi-VN",
        )
        context.set_default_timeout(30_000)

        def guard(route: Any) -> None:
            if route.request.url.startswith(server + "/"):
                route.continue_()
            else:
                foreign.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.pages[0] if context.pages else context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            yield page, foreign, errors
        finally:
            context.close()


def test_the_form_fills_from_both_cards_and_shows_the_name_conflict(
        browser_page: tuple[Any, list[str], list[str]], server: str, cards: tuple[Any, Any], tmp_path: Path) -> None:
    page, foreign, errors = browser_page
    cccd, bhyt = cards
    (tmp_path / "bhyt.jpg").write_bytes(card_photo(bhyt.to_payload(), "bhyt"))
    (tmp_path / "cccd.jpg").write_bytes(card_photo(cccd.to_payload(), "cccd"))

    page.goto(server + "/")
    assert page.title().startswith("Tờ khai")
    assert page.get_by_role("button", name="Quét mã QR thẻ BHYT").is_visible()
    assert page.get_by_role("button", name="Quét mã QR thẻ CCCD").is_visible()

    page.set_input_files("#file-bhyt", str(tmp_path / "bhyt.jpg"))
    page.wait_for_selector('#state-bhyt[data-read="true"]')
    expect(page.locator("#bhxh_code")).not_to_have_value("")
    assert page.input_value("#bhxh_code") == bhyt.bhxh_code
    assert page.input_value("#full_name") == "Hoang Quoc Viet"  # only the BHYT card so far
    assert page.input_value("#id_number") == ""

    page.set_input_files("#file-cccd", str(tmp_path / "cccd.jpg"))
    page.wait_for_selector('#state-cccd[data-read="true"]')
    conflict = page.wait_for_selector('.field[data-field="full_name"] .conflict:not([hidden])')
    assert conflict.get_attribute("data-kind") == "name_diacritics"
    assert "dấu" in conflict.inner_text()  # worded in Vietnamese: differs only in diacritics
    assert "Hoang Quoc Viet" in conflict.inner_text() and "Hoàng Quốc Việt" in conflict.inner_text()

    assert page.input_value("#full_name") == "Hoàng Quốc Việt"  # the identity card's
    assert page.input_value("#bhxh_code") == bhyt.bhxh_code
    assert page.input_value("#id_number") == cccd.id_number
    assert page.input_value("#date_of_birth") == cccd.date_of_birth.strftime("%d/%m/%Y")
    assert page.input_value("#gender") == cccd.gender.value
    assert page.input_value("#address") == cccd.address
    assert page.input_value("#address_2025") == NEW_ADDRESS
    assert page.input_value("#office") == "Bảo hiểm xã hội tỉnh Thái Nguyên"  # the address's 2025 province
    assert page.query_selector_all(".field .note") == []  # nothing else to point out
    other_conflicts = page.query_selector_all('.field:not([data-field="full_name"]) .conflict:not([hidden])')
    assert [c.get_attribute("data-kind") for c in other_conflicts] == []

    # Phone-sized: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot = os.environ.get("VSSID_SCREENSHOT")
    if screenshot:
        page.set_viewport_size({"width": PHONE["width"], "height": PHONE["height"]})
        page.screenshot(path=screenshot, full_page=True)

    assert foreign == []
    assert errors == []


def test_an_unreadable_photo_says_so(browser_page: tuple[Any, list[str], list[str]], server: str,
                                     tmp_path: Path) -> None:
    page, foreign, errors = browser_page
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    page.goto(server + "/")
    page.set_input_files("#file-cccd", str(tmp_path / "broken.jpg"))
    page.wait_for_selector("#status.error")
    assert page.inner_text("#status").startswith("Không đọc được ảnh")  # in Vietnamese (test_web_page.py)
    assert page.input_value("#full_name") == ""
    assert foreign == []
    # The 422 of /api/scan is the only console error Chromium reports (a failed fetch).
    assert all("422" in error for error in errors)


def _y4m(bgr: np.ndarray, path: Path) -> None:
    """One frame as a Y4M video file, Chromium's fake camera input."""
    import cv2

    height, width = bgr.shape[:2]
    i420 = cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420)
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + b"FRAME\n" + i420.tobytes())


def test_the_camera_reads_a_card_and_then_stops(server: str, cards: tuple[Any, Any], tmp_path: Path) -> None:
    import io

    from PIL import Image

    cccd, _ = cards
    card = Image.open(io.BytesIO(card_photo(cccd.to_payload(), "cccd"))).convert("RGB")
    frame = Image.new("RGB", (1280, 720), (90, 100, 110))
    frame.paste(card, ((1280 - card.width) // 2, (720 - card.height) // 2))
    video = tmp_path / "camera.y4m"
    _y4m(np.ascontiguousarray(np.asarray(frame)[:, :, ::-1]), video)
    flags = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
             f"--use-file-for-fake-video-capture={video}"]
    for page, foreign, errors in _browser(tmp_path, server, flags):
        page.context.grant_permissions(["camera"], origin=server)
        page.goto(server + "/")
        # (no wait_for_function: Playwright evaluates its string with eval, which the page's CSP forbids)
        assert page.evaluate("navigator.mediaDevices.enumerateDevices()"
                             ".then(d => d.some(x => x.kind === 'videoinput'))")
        page.wait_for_timeout(300)  # the page's own device check has run
        page.get_by_role("button", name="Quét mã QR thẻ CCCD").click()
        page.wait_for_selector('#state-cccd[data-read="true"]', timeout=30_000)
        expect(page.locator("#id_number")).not_to_have_value("")
        assert page.input_value("#id_number") == cccd.id_number
        assert page.is_hidden("#camera")
        assert page.evaluate("document.getElementById('video').srcObject") is None
        assert foreign == []
        assert errors == []


def test_one_photo_of_both_cards_fills_the_whole_form(browser_page: tuple[Any, list[str], list[str]], server: str,
                                                      cards: tuple[Any, Any], tmp_path: Path) -> None:
    import io

    from PIL import Image

    page, foreign, errors = browser_page
    cccd, bhyt = cards
    left = Image.open(io.BytesIO(card_photo(bhyt.to_payload(), "bhyt")))
    right = Image.open(io.BytesIO(card_photo(cccd.to_payload(), "cccd")))
    both = Image.new("RGB", (left.width + right.width + 60, max(left.height, right.height) + 40), (150, 150, 150))
    both.paste(left, (20, 20))
    both.paste(right, (left.width + 40, 20))
    both.save(tmp_path / "both.jpg", quality=90)

    page.goto(server + "/")
    page.set_input_files("#file-bhyt", str(tmp_path / "both.jpg"))
    page.wait_for_selector('#state-cccd[data-read="true"]')
    assert page.get_attribute("#state-bhyt", "data-read") == "true"
    page.wait_for_selector('.field[data-field="full_name"] .conflict:not([hidden])')
    assert page.input_value("#bhxh_code") == bhyt.bhxh_code
    assert page.input_value("#id_number") == cccd.id_number
    assert foreign == [] and errors == []
