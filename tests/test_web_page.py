"""vssid-serve's page as a registration desk uses it (issue 20), in Debian's Chromium driven by Playwright.

One browser for the module, a fresh context (no cookies, no storage) for each
test; the server runs on 127.0.0.1 and every request to anywhere else is
blocked and fails the test. axe-core comes inside the ``axe-playwright-python``
wheel (no download). The defects of issue 20 each have a test here; the whole
flow (Kê khai → Ảnh → Cơ quan BHXH → Gửi) is walked in test_web_flow.py.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[test]'")
playwright_api = pytest.importorskip("playwright.sync_api",
                                     reason="Playwright is not installed: pip install -e '.[test]'")

from test_web_api import card_photo, running_server, same_person_cards  # noqa: E402
from test_web_browser import CHROMIUM, FLAGS, PHONE, _y4m  # noqa: E402  (skips the module without Chromium)
from test_web_messages import assert_vietnamese  # noqa: E402

import vssid_id  # noqa: E402
from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record  # noqa: E402
from vssid_id.web.app import create_app  # noqa: E402

expect = playwright_api.expect
DESKTOP = {"width": 1366, "height": 768}

# --- people: two persons' cards ---------------------------------------------------------------


def other_person_cards() -> tuple[Any, Any]:
    """Person B: a CCCD and a BHYT card that agree (same name, date of birth, gender)."""
    cccd = synthetic_cccd_record(random.Random(57))
    bhyt = synthetic_bhyt_record(random.Random(58)).model_copy(update={
        "full_name": cccd.full_name, "date_of_birth": cccd.date_of_birth, "month_of_birth": cccd.month_of_birth,
        "year_of_birth": cccd.year_of_birth, "gender": cccd.gender})
    return cccd, vssid_id.parse(bhyt.to_payload())


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Card photos of person A (``a_cccd``, ``a_bhyt``) and person B (``b_cccd``, ``b_bhyt``)."""
    folder = tmp_path_factory.mktemp("cards")
    files = {}
    for person, (cccd, bhyt) in (("a", same_person_cards()), ("b", other_person_cards())):
        for kind, record in (("cccd", cccd), ("bhyt", bhyt)):
            path = folder / f"{person}_{kind}.jpg"
            path.write_bytes(card_photo(record.to_payload(), kind))
            files[f"{person}_{kind}"] = path
    not_a_card = folder / "not_a_card.jpg"
    not_a_card.write_bytes(_qr_photo("https://example.invalid/not-a-card"))
    files["not_a_card"] = not_a_card
    broken = folder / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    files["broken"] = broken
    return files


def _qr_photo(text: str) -> bytes:
    import generate

    buffer = io.BytesIO()
    generate.render_qr(text, 6.0).convert("RGB").save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server(create_app()) as url:
        yield url


@pytest.fixture(scope="module")
def small_server() -> Iterator[str]:
    """A server whose body cap (100 kB) a card photo is over."""
    with running_server(create_app(max_body_bytes=100_000)) as url:
        yield url


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    with playwright_api.sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Any) -> Iterator[Any]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
    try:
        yield chromium
    finally:
        chromium.close()


class Tab:
    """A page in a fresh context, with the requests to other hosts and the console errors it saw."""

    def __init__(self, browser: Any, base: str, size: dict[str, int], **options: Any) -> None:
        phone = size["width"] < 600
        self.context = browser.new_context(viewport=size, device_scale_factor=2 if phone else 1, is_mobile=phone,
                                           has_touch=phone, accept_downloads=True, locale="vi-VN", **options)
        self.context.set_default_timeout(20_000)
        self.base = base
        self.foreign: list[str] = []
        self.errors: list[str] = []

        def guard(route: Any) -> None:
            if route.request.url.startswith(base + "/"):
                route.continue_()
            else:
                self.foreign.append(route.request.url)
                route.abort()

        self.context.route("**/*", guard)
        self.page = self.context.new_page()
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append("pageerror: " + str(error)))

    def open(self) -> Any:
        self.page.goto(self.base + "/")
        return self.page

    def script_errors(self) -> list[str]:
        """Console errors other than the failed fetches Chromium reports for a 4xx answer."""
        return [e for e in self.errors if not re.search(r"status of 4\d\d", e)]


@pytest.fixture
def tab(browser: Any, server: str) -> Iterator[Tab]:
    opened = Tab(browser, server, DESKTOP)
    try:
        yield opened
    finally:
        assert opened.foreign == []
        opened.context.close()


@pytest.fixture
def phone_tab(browser: Any, server: str) -> Iterator[Tab]:
    opened = Tab(browser, server, PHONE)
    try:
        yield opened
    finally:
        assert opened.foreign == []
        opened.context.close()


def read_card(page: Any, picker: str, photo: Path, kind: str | None = None) -> None:
    """Choose ``photo`` in the ``picker`` ("bhyt" or "cccd") and wait until the form is filled from it.

    The page counts the fills it has done in ``body[data-prefills]``.
    """
    kind = kind or picker
    before = page.evaluate("document.body.dataset.prefills || '0'")
    page.set_input_files(f"#file-{picker}", str(photo))
    page.wait_for_selector(f'#state-{kind}[data-read="true"]')
    # (no wait_for_function: Playwright evaluates its string with eval, which the page's CSP forbids)
    for _ in range(200):
        if page.evaluate("document.body.dataset.prefills || '0'") != before:
            return
        page.wait_for_timeout(50)
    raise AssertionError("the form was not filled")


FORM_FIELDS = ("full_name", "bhxh_code", "id_number", "old_id_number", "date_of_birth", "gender", "address",
               "address_2025")


def values(page: Any) -> dict[str, str]:
    return {name: page.input_value("#" + name) for name in FORM_FIELDS}


# --- defect 1: "Làm lại" mixes two people ---------------------------------------------------------


def test_reset_leaves_nothing_of_the_first_person(tab: Tab, photos: dict[str, Path]) -> None:
    page = tab.open()
    cccd_a, bhyt_a = same_person_cards()
    read_card(page, "cccd", photos["a_cccd"])
    read_card(page, "bhyt", photos["a_bhyt"])
    assert page.input_value("#old_id_number") or page.input_value("#id_number") == cccd_a.id_number

    page.get_by_role("button", name="Làm lại").click()
    assert tab.script_errors() == []
    assert set(values(page).values()) == {""}
    assert page.get_attribute("#state-cccd", "data-read") == "false"
    assert page.locator(".conflict:visible").count() == 0

    _, bhyt_b = other_person_cards()
    read_card(page, "bhyt", photos["b_bhyt"])
    now = values(page)
    assert now["full_name"] == bhyt_b.full_name
    assert now["bhxh_code"] == bhyt_b.bhxh_code
    assert now["id_number"] == "" and now["old_id_number"] == ""  # nothing of A's identity card
    text = page.inner_text("body")
    for secret in (cccd_a.id_number, cccd_a.full_name, bhyt_a.bhxh_code, cccd_a.address):
        assert secret not in text
    assert tab.script_errors() == []


# --- defect 2: every message Vietnamese -----------------------------------------------------------


def test_an_unreadable_photo_is_told_in_vietnamese(tab: Tab, photos: dict[str, Path]) -> None:
    page = tab.open()
    page.set_input_files("#file-cccd", str(photos["broken"]))
    page.wait_for_selector("#status.error")
    assert_vietnamese(page.inner_text("#status"))


def test_a_code_that_is_not_a_card_is_told_in_vietnamese(tab: Tab, photos: dict[str, Path]) -> None:
    page = tab.open()
    page.set_input_files("#file-bhyt", str(photos["not_a_card"]))
    page.wait_for_selector("#status.error")
    assert_vietnamese(page.inner_text("#status"))


def test_a_photo_over_the_size_cap_is_told_in_vietnamese(browser: Any, small_server: str,
                                                        photos: dict[str, Path]) -> None:
    opened = Tab(browser, small_server, DESKTOP)
    try:
        page = opened.open()
        page.set_input_files("#file-bhyt", str(photos["a_bhyt"]))
        page.wait_for_selector("#status.error")
        message = page.inner_text("#status")
        assert_vietnamese(message)
        assert "0,1 MB" in message or "100 kB" in message or "MB" in message  # says how large a photo may be
    finally:
        opened.context.close()


# --- defect 3: hand edits ----------------------------------------------------------------------


def test_a_hand_edit_clears_the_conflict_and_is_never_overwritten_silently(tab: Tab, photos: dict[str, Path]) -> None:
    page = tab.open()
    read_card(page, "bhyt", photos["a_bhyt"])
    assert page.input_value("#full_name") == "Hoang Quoc Viet"
    page.fill("#full_name", "Hoàng Quốc Việt Anh")  # typed by the person
    page.press("#full_name", "Tab")

    read_card(page, "cccd", photos["a_cccd"])  # a card with another name: the edit stays, and the page asks
    assert page.input_value("#full_name") == "Hoàng Quốc Việt Anh"
    offer = page.locator('.field[data-field="full_name"] .offer')
    expect(offer).to_be_visible()
    assert_vietnamese(offer.inner_text())
    assert axe_violations(page) == []  # the question and its two buttons
    conflict = page.locator('.field[data-field="full_name"] .conflict')
    expect(conflict).to_be_hidden()  # the person's own value: the cards' disagreement is settled
    offer.get_by_role("button", name=re.compile("Dùng")).click()
    assert page.input_value("#full_name") == "Hoàng Quốc Việt"
    expect(offer).to_be_hidden()
    expect(conflict).to_be_visible()  # the cards' value again: their disagreement shows
    assert page.get_attribute("#full_name", "aria-invalid") == "true"

    page.fill("#full_name", "Hoàng Quốc Việt")  # the same value typed again: nothing changes
    expect(conflict).to_be_visible()
    page.fill("#full_name", "Hoàng Quốc Viết")  # corrected by hand: the conflict box goes
    page.press("#full_name", "Tab")
    expect(conflict).to_be_hidden()
    assert page.get_attribute("#full_name", "aria-invalid") != "true"


# --- defect 4: the office list is searchable ---------------------------------------------------------


def test_the_office_is_found_by_an_old_province_name(tab: Tab) -> None:
    page = tab.open()
    page.click('.goto[data-goto="3"]')
    page.locator("#office").fill("Bắc Kạn")
    option = page.locator("#office-list [role=option]").first
    expect(option).to_contain_text("Bảo hiểm xã hội tỉnh Thái Nguyên")
    expect(option).to_contain_text("Bắc Kạn")  # the provinces it now covers
    assert axe_violations(page) == []  # the open list: combobox and listbox roles
    page.locator("#office").fill("thai nguyen")
    expect(page.locator("#office-list [role=option]").first).to_contain_text("tỉnh Thái Nguyên")
    page.locator("#office").press("ArrowDown")
    page.locator("#office").press("Enter")
    assert page.input_value("#office") == "Bảo hiểm xã hội tỉnh Thái Nguyên"


# --- defect 5: format checks ------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "typed"), [("bhxh_code", "abc"), ("id_number", "12"),
                                              ("date_of_birth", "31/02/2099"), ("old_id_number", "12345")])
def test_a_malformed_value_is_flagged_at_its_field_as_the_person_leaves_it(tab: Tab, field: str, typed: str) -> None:
    page = tab.open()
    page.fill("#" + field, typed)
    page.press("#" + field, "Tab")
    error = page.locator(f'.field[data-field="{field}"] .error')
    expect(error).to_be_visible()
    assert_vietnamese(error.inner_text())
    assert page.get_attribute("#" + field, "aria-invalid") == "true"
    assert error.get_attribute("id") in (page.get_attribute("#" + field, "aria-describedby") or "").split()


# --- defect 6: the smaller ones ----------------------------------------------------------------------


def test_a_cccd_chosen_in_the_bhyt_picker_is_said_and_the_notice_stays(tab: Tab, photos: dict[str, Path]) -> None:
    page = tab.open()
    read_card(page, "bhyt", photos["a_cccd"], kind="cccd")
    page.wait_for_timeout(300)
    assert page.get_attribute("#state-bhyt", "data-read") == "false"
    notice = page.inner_text("#status")
    assert "không phải thẻ BHYT" in notice
    assert_vietnamese(notice)


def test_the_card_pickers_leave_the_gallery_open(tab: Tab) -> None:
    page = tab.open()
    for picker in ("#file-bhyt", "#file-cccd"):
        assert page.get_attribute(picker, "capture") is None


def test_without_javascript_the_page_says_so(browser: Any, server: str) -> None:
    opened = Tab(browser, server, DESKTOP, java_script_enabled=False)
    try:
        page = opened.open()
        text = page.inner_text("body")
        assert "JavaScript" in text
        assert "bật JavaScript" in text
    finally:
        opened.context.close()


def test_the_tab_title_and_the_footer_do_not_show_the_package_name(tab: Tab) -> None:
    page = tab.open()
    assert "vssid_id" not in page.title()
    assert "vssid_id" not in page.inner_text("footer")
    assert page.title().startswith("Tờ khai")


def test_the_open_camera_leaves_its_buttons_and_the_status_on_a_laptop_screen(
        playwright: Any, server: str, tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    frame = Image.new("RGB", (1280, 720), (90, 100, 110))
    video = tmp_path / "empty.y4m"
    _y4m(np.ascontiguousarray(np.asarray(frame)[:, :, ::-1]), video)
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
        *FLAGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        opened = Tab(chromium, server, DESKTOP, permissions=["camera"])
        page = opened.open()
        page.wait_for_timeout(300)  # the page's own device check has run
        page.get_by_role("button", name="Quét mã QR thẻ CCCD").click()
        expect(page.locator("#camera")).to_be_visible()
        page.wait_for_timeout(300)
        for selector in ("#camera-close", "#camera-file", "#status"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= DESKTOP["height"], selector
        page.locator("#camera-close").click()
        expect(page.locator("#camera")).to_be_hidden()
    finally:
        chromium.close()


# --- defect 7: accessibility ---------------------------------------------------------------------------


def axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]]


def test_axe_finds_nothing_on_the_empty_and_on_the_filled_page(tab: Tab, photos: dict[str, Path]) -> None:
    pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is not installed")
    page = tab.open()
    assert axe_violations(page) == []
    read_card(page, "bhyt", photos["a_bhyt"])
    read_card(page, "cccd", photos["a_cccd"])  # with the name conflict shown
    assert axe_violations(page) == []


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two CSS rgb()/rgba() colours."""
    la, lb = (_luminance(tuple(float(x) for x in re.findall(r"[\d.]+", c))) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


STYLE = r"""(selector) => {
  const e = document.querySelector(selector); const s = getComputedStyle(e);
  return {border: s.borderTopColor, outline: s.outlineColor, outlineStyle: s.outlineStyle,
          outlineWidth: parseFloat(s.outlineWidth), shadow: s.boxShadow, background: s.backgroundColor,
          page: backdrop(e.parentElement)};
  function backdrop(node) {  // the first opaque background behind the element
    for (; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour !== 'transparent' && !/, 0\)$/.test(colour)) return colour;
    }
    return 'rgb(255, 255, 255)';
  }
}"""


def test_input_borders_and_the_focus_ring_reach_3_to_1(tab: Tab) -> None:
    """WCAG 1.4.11 (non-text contrast, 3:1): a field's border against its background; the focus ring."""
    page = tab.open()
    style = page.evaluate(STYLE, "#full_name")
    assert contrast(style["border"], style["background"]) >= 3, style
    page.focus("#full_name")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus: :focus-visible
    focused = page.evaluate(STYLE, "#full_name")
    assert focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2, focused
    assert contrast(focused["outline"], "rgb(255, 255, 255)") >= 3, focused
    assert contrast(focused["outline"], focused["page"]) >= 3, focused


def test_the_hidden_file_inputs_show_their_focus(tab: Tab) -> None:
    page = tab.open()
    page.focus("#scan-bhyt")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "file-bhyt"
    label = page.evaluate("""() => { const l = document.querySelector('label[for="file-bhyt"]');
        const s = getComputedStyle(l);
        return {style: s.outlineStyle, color: s.outlineColor, width: s.outlineWidth}; }""")
    assert label["style"] != "none" and float(label["width"].rstrip("px")) >= 2, label
    assert contrast(label["color"], "rgb(255, 255, 255)") >= 3, label


def test_a_conflict_is_tied_to_its_input(tab: Tab, photos: dict[str, Path]) -> None:
    page = tab.open()
    read_card(page, "bhyt", photos["a_bhyt"])
    read_card(page, "cccd", photos["a_cccd"])
    box = page.locator('.field[data-field="full_name"] .conflict')
    expect(box).to_be_visible()
    assert box.get_attribute("id") in (page.get_attribute("#full_name", "aria-describedby") or "").split()
    assert page.get_attribute("#full_name", "aria-invalid") == "true"
    assert_vietnamese(box.inner_text())


# --- the steps -------------------------------------------------------------------------------------------


def test_continue_stops_at_the_fields_still_to_fill(tab: Tab, photos: dict[str, Path]) -> None:
    page = tab.open()
    read_card(page, "bhyt", photos["a_bhyt"])
    page.locator("#step-1 .next").click()
    for name in ("id_number", "phone", "email"):  # no identity card read, nothing typed
        error = page.locator(f'.field[data-field="{name}"] .error')
        expect(error).to_be_visible()
        assert_vietnamese(error.inner_text())
        assert page.get_attribute("#" + name, "aria-invalid") == "true"
    assert page.locator("#step-2").is_hidden()
    assert page.evaluate("document.activeElement.id") == "id_number"  # the first one, to fix it
    assert axe_violations(page) == []  # the errors at their fields
    assert page.locator('.field[data-field="bhxh_code"] .error').is_hidden()


def test_the_servers_problem_with_a_photo_is_shown_at_the_photo(tab: Tab, photos: dict[str, Path]) -> None:
    page = tab.open()
    read_card(page, "bhyt", photos["a_bhyt"])
    read_card(page, "cccd", photos["a_cccd"])
    page.fill("#phone", "0912345678")
    page.fill("#email", "a@example.com")
    page.click('.goto[data-goto="2"]')
    page.set_input_files("#portrait-gallery", str(photos["a_bhyt"]))  # a card, not a face
    page.set_input_files("#id_front-gallery", str(photos["a_cccd"]))
    page.set_input_files("#id_back-gallery", str(photos["a_bhyt"]))
    page.click('.goto[data-goto="4"]')
    page.get_by_role("button", name="Tạo tờ khai PDF").click()
    error = page.locator('.field[data-field="portrait"] .error')
    expect(error).to_be_visible()
    assert "khuôn mặt" in error.inner_text()
    assert_vietnamese(error.inner_text())
    assert page.get_attribute('.goto[data-goto="2"]', "aria-current") == "step"  # back at the photos
    assert page.get_attribute("#portrait-gallery", "aria-invalid") == "true"
    assert_vietnamese(page.inner_text("#status"))
    assert page.locator("#result").is_hidden()


def test_a_new_card_clears_what_another_persons_card_filled(tab: Tab, photos: dict[str, Path]) -> None:
    """Without "Làm lại": B's identity card read over A's leaves nothing of A's in the fields it fills or not."""
    page = tab.open()
    cccd_a, _ = same_person_cards()
    cccd_b, _ = other_person_cards()
    read_card(page, "cccd", photos["a_cccd"])
    assert page.input_value("#id_number") == cccd_a.id_number
    read_card(page, "cccd", photos["b_cccd"])
    now = values(page)
    assert now["id_number"] == cccd_b.id_number
    assert now["old_id_number"] == (cccd_b.old_id_number or "")
    assert now["full_name"] == cccd_b.full_name and now["address"] == cccd_b.address
    text = page.inner_text("body") + " ".join(now.values())
    for secret in (cccd_a.id_number, cccd_a.full_name, cccd_a.old_id_number or cccd_a.id_number):
        assert secret not in text


def test_continue_from_the_photos_waits_for_the_servers_check(tab: Tab, photos: dict[str, Path]) -> None:
    page = tab.open()
    read_card(page, "cccd", photos["a_cccd"])
    page.click('.goto[data-goto="2"]')
    page.set_input_files("#portrait-gallery", str(photos["a_cccd"]))  # a card where the face should be
    page.set_input_files("#id_front-gallery", str(photos["a_cccd"]))
    page.set_input_files("#id_back-gallery", str(photos["a_bhyt"]))
    page.locator("#step-2 .next").click()
    error = page.locator('.field[data-field="portrait"] .error')
    expect(error).to_be_visible()
    assert_vietnamese(error.inner_text())
    assert page.locator("#step-3").is_hidden()  # still at the photos
    assert page.locator('.field[data-field="id_front"] .error').is_hidden()


def test_a_large_photo_is_scaled_down_before_it_is_sent(tab: Tab, photos: dict[str, Path], tmp_path: Path) -> None:
    """A phone's portrait goes to the server at 2400 px on its long side at most, without its metadata."""
    import cv2
    from PIL import Image

    from vssid_id.declaration.synthetic import synthetic_portrait

    big = tmp_path / "big.jpg"
    image = Image.fromarray(cv2.cvtColor(synthetic_portrait(3000, 4000, scale=3.0), cv2.COLOR_BGR2RGB))
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    image.save(big, quality=90, exif=exif)
    bodies: list[bytes] = []
    page = tab.open()
    page.on("request", lambda request: bodies.append(request.post_data_buffer)
            if "/api/declaration" in request.url else None)
    read_card(page, "cccd", photos["a_cccd"])
    page.click('.goto[data-goto="2"]')
    page.set_input_files("#portrait-gallery", str(big))
    page.set_input_files("#id_front-gallery", str(photos["a_cccd"]))
    page.set_input_files("#id_back-gallery", str(photos["a_bhyt"]))
    page.wait_for_timeout(500)  # the browser scales it
    page.locator("#step-2 .next").click()
    page.locator('.goto[data-goto="3"][aria-current="step"]').wait_for()
    (body,) = bodies
    start = body.index(b'name="portrait"')
    data = body[body.index(b"\r\n\r\n", start) + 4:]
    sent = Image.open(io.BytesIO(data[:data.index(b"\r\n--")]))
    assert sent.size == (1800, 2400) and sent.format == "JPEG"
    assert not sent.getexif()


def test_an_ambiguous_address_offers_its_candidates_to_choose(tab: Tab, tmp_path: Path) -> None:
    """A ward split in 2025: the page lists the new addresses it may be and a click takes one."""
    cccd = synthetic_cccd_record(random.Random(3))
    cccd = vssid_id.parse(cccd.model_copy(update={
        "address": "45 Đinh Tiên Hoàng, Phường Đa Kao, Quận 1, Thành phố Hồ Chí Minh"}).to_payload())
    photo = tmp_path / "cccd.jpg"
    photo.write_bytes(card_photo(cccd.to_payload(), "cccd"))
    page = tab.open()
    read_card(page, "cccd", photo)
    note = page.locator('.field[data-field="address_2025"] .note[data-kind="address_ambiguous"]')
    expect(note).to_be_visible()
    candidates = note.locator("button.candidate")
    assert candidates.count() == 2
    assert axe_violations(page) == []
    chosen = candidates.nth(1).inner_text()
    assert "Phường Tân Định" in chosen
    candidates.nth(1).click()
    assert page.input_value("#address_2025") == chosen
    assert page.evaluate("document.activeElement.id") == "address_2025"
    page.click('.goto[data-goto="3"]')
    assert page.input_value("#office") == "Bảo hiểm xã hội Thành phố Hồ Chí Minh"  # the 2025 province is known
