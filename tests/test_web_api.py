"""vssid-serve's JSON API, in process (Starlette's TestClient) and on a real socket."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import random
import re
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[test]'")
pytest.importorskip("python_multipart", reason="the web extra is not installed: pip install -e '.[test]'")

import generate  # fixtures/generate.py, put on sys.path by conftest.py
from starlette.testclient import TestClient

import vssid_id
from vssid_id.cards.masking import mask_name
from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record
from vssid_id.web.app import CONTENT_SECURITY_POLICY, MAX_BODY_BYTES, MAX_PAYLOAD_CHARS, create_app
from vssid_id.web.problems import ApiError
from vssid_id.web.workers import WorkerPool

STATIC = Path(vssid_id.__file__).parent / "web" / "static"


# --- synthetic cards -----------------------------------------------------------------------


def card_photo(payload: str, kind: str) -> bytes:
    """A synthetic card photo (fixtures/generate.py's card, as a phone JPEG)."""
    buffer = io.BytesIO()
    generate.render_card(payload, kind, 5.0).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


OLD_ADDRESS = "Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn"
NEW_ADDRESS = "Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên"


def same_person_cards() -> tuple[Any, Any]:
    """A CCCD and a BHYT record of one person whose names differ only in diacritics.

    The BHYT card holds the name without its marks, as old insurance data
    often does; date of birth and gender agree; the identity card (issued in
    2023 at 35) is valid until 2028 and the BHYT card runs from 1 July 2026 to
    30 June 2027. The identity card's address is issue 11's example of a
    merged province: "Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn" is
    now "Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên".
    """
    cccd = synthetic_cccd_record(random.Random(3))
    cccd = vssid_id.parse(cccd.model_copy(update={
        "full_name": "Hoàng Quốc Việt", "address": OLD_ADDRESS}).to_payload())
    bhyt = synthetic_bhyt_record(random.Random(102)).model_copy(update={
        "full_name": "Hoang Quoc Viet", "date_of_birth": cccd.date_of_birth, "month_of_birth": cccd.month_of_birth,
        "year_of_birth": cccd.year_of_birth, "gender": cccd.gender})
    bhyt = vssid_id.parse(bhyt.to_payload())
    return cccd, bhyt


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def cccd() -> Any:
    return synthetic_cccd_record(random.Random(31))


@pytest.fixture(scope="module")
def cccd_jpeg(cccd: Any) -> bytes:
    return card_photo(cccd.to_payload(), "cccd")


# --- /api/scan -----------------------------------------------------------------------------


def test_scan_multipart_returns_the_record_and_its_payload(client: TestClient, cccd: Any, cccd_jpeg: bytes) -> None:
    response = client.post("/api/scan", files={"image": ("card.jpg", cccd_jpeg, "image/jpeg")})
    assert response.status_code == 200
    (code,) = response.json()["codes"]
    assert code["record"] == cccd.model_dump(mode="json")
    assert code["payload"] == cccd.to_payload()
    assert code["decoder"]["backend"] and len(code["decoder"]["corners"]) == 4


def test_scan_raw_body_masked(client: TestClient, cccd: Any, cccd_jpeg: bytes) -> None:
    response = client.post("/api/scan?mask=true", content=cccd_jpeg, headers={"Content-Type": "image/jpeg"})
    assert response.status_code == 200
    (code,) = response.json()["codes"]
    assert "payload" not in code
    assert code["record"]["full_name"] == mask_name(cccd.full_name)
    for secret in (cccd.full_name, cccd.id_number, cccd.address, cccd.date_of_birth.isoformat()):
        assert secret not in response.text


def test_scan_no_code_is_an_empty_list(client: TestClient) -> None:
    buffer = io.BytesIO()
    generate.Image.new("RGB", (400, 300), "white").save(buffer, "PNG")
    response = client.post("/api/scan", content=buffer.getvalue())
    assert response.status_code == 200
    assert response.json() == {"codes": []}


def test_scan_corrupt_image_is_422_with_a_clear_message(client: TestClient, cccd_jpeg: bytes) -> None:
    response = client.post("/api/scan", files={"image": ("card.jpg", cccd_jpeg[:200], "image/jpeg")})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "ImageError"
    assert "corrupt or truncated" in error["message"] or "not a readable image" in error["message"]


def test_scan_a_code_that_is_not_a_card(client: TestClient) -> None:
    buffer = io.BytesIO()
    generate.render_qr("https://example.org/not-a-card", 6).save(buffer, "PNG")
    response = client.post("/api/scan", content=buffer.getvalue())
    assert response.status_code == 200
    (code,) = response.json()["codes"]
    assert code["error"]["type"] == "UnknownPayloadKind"
    assert "record" not in code


@pytest.mark.parametrize(("kwargs", "status", "field"), [
    ({"content": b""}, 400, "image"),
    ({"files": {"photo": ("a.jpg", b"xx", "image/jpeg")}}, 400, "image"),
    ({"files": [("image", ("a.jpg", b"xx", "image/jpeg")), ("image", ("b.jpg", b"yy", "image/jpeg"))]}, 400, "image"),
    ({"content": b"--x\r\nbroken", "headers": {"Content-Type": "multipart/form-data; boundary=x"}}, 400, None),
    ({"content": b"abc", "headers": {"Content-Type": "multipart/form-data"}}, 400, None),
])
def test_scan_malformed_requests(client: TestClient, kwargs: dict[str, Any], status: int, field: str | None) -> None:
    response = client.post("/api/scan", **kwargs)
    assert response.status_code == status
    assert response.json()["error"]["field"] == field


def test_bad_query_flag(client: TestClient) -> None:
    response = client.post("/api/parse?mask=maybe", content=b"x")
    assert response.status_code == 400
    assert response.json()["error"] == {"type": "BadRequest", "field": "mask",
                                         "message": "the query parameter 'mask' must be true or false"}


# --- /api/parse ----------------------------------------------------------------------------


def test_parse_text_and_json(client: TestClient, cccd: Any) -> None:
    expected = cccd.model_dump(mode="json")
    as_text = client.post("/api/parse", content=cccd.to_payload().encode(),
                          headers={"Content-Type": "text/plain; charset=utf-8"})
    as_json = client.post("/api/parse", json={"payload": cccd.to_payload()})
    assert as_text.status_code == as_json.status_code == 200
    assert as_text.json() == as_json.json() == {"record": expected}


def test_parse_bhyt_masked(client: TestClient) -> None:
    bhyt = synthetic_bhyt_record(random.Random(32))
    response = client.post("/api/parse?mask=true", json={"payload": bhyt.to_payload()})
    assert response.status_code == 200
    record = response.json()["record"]
    assert record["kind"] == "bhyt"
    assert record["bhxh_code"] == "******" + bhyt.bhxh_code[-4:]
    assert bhyt.full_name not in response.text


def test_parse_invalid_payload_names_the_field_without_the_data(client: TestClient, cccd: Any) -> None:
    broken = cccd.to_payload().replace(cccd.date_of_birth.strftime("%d%m%Y"), "31021990")
    response = client.post("/api/parse", content=broken.encode())
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "date_of_birth"
    assert error["type"] == "MalformedPayload"
    assert cccd.full_name not in response.text and "31021990" not in response.text


@pytest.mark.parametrize(("kwargs", "status", "kind"), [
    ({"content": b"\xff\xfe not utf-8"}, 400, "BadEncoding"),
    ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400, "BadJson"),
    ({"json": ["a list"]}, 422, "BadRequest"),
    ({"json": {"payload": 12}}, 422, "BadRequest"),
    ({"json": {"payload": "x" * (MAX_PAYLOAD_CHARS + 1)}}, 422, "PayloadTooLong"),
    ({"content": b"<a/>", "headers": {"Content-Type": "application/xml"}}, 415, "UnsupportedMediaType"),
])
def test_parse_bad_bodies(client: TestClient, kwargs: dict[str, Any], status: int, kind: str) -> None:
    response = client.post("/api/parse", **kwargs)
    assert response.status_code == status
    assert response.json()["error"]["type"] == kind


# --- /api/prefill --------------------------------------------------------------------------


def test_prefill_json_payloads_gives_the_registration_and_the_name_conflict(client: TestClient) -> None:
    cccd, bhyt = same_person_cards()
    response = client.post("/api/prefill", json={"payloads": [bhyt.to_payload(), cccd.to_payload()]})
    assert response.status_code == 200
    body = response.json()
    registration = body["registration"]
    assert registration["cards"] == ["cccd", "bhyt"]
    assert body["form"]["họ tên"] == "Hoàng Quốc Việt"
    assert registration["full_name"] == "Hoàng Quốc Việt"  # the identity card's
    assert registration["bhxh_code"] == bhyt.bhxh_code
    assert registration["id_number"] == cccd.id_number
    assert registration["date_of_birth"] == "1988-08-10"
    assert registration["address"] == OLD_ADDRESS
    assert registration["address_2025"] == NEW_ADDRESS
    assert registration["province_2025"] == "Tỉnh Thái Nguyên"
    conflicts = [c for c in registration["conflicts"] if c["field"] == "full_name"]
    assert [c["kind"] for c in conflicts] == ["name_diacritics"]
    assert "Vi" not in conflicts[0]["message"] and "Hoang" not in conflicts[0]["message"]


def test_prefill_multipart_image_and_payload_masked(client: TestClient) -> None:
    cccd, bhyt = same_person_cards()
    response = client.post(
        "/api/prefill?mask=true",
        files=[("image", ("bhyt.jpg", card_photo(bhyt.to_payload(), "bhyt"), "image/jpeg")),
               ("payload", (None, cccd.to_payload().encode()))],
    )
    assert response.status_code == 200
    body = response.json()
    assert body["registration"]["cards"] == ["cccd", "bhyt"]
    assert "form" not in body
    for secret in (cccd.full_name, bhyt.full_name, cccd.id_number, bhyt.bhxh_code, cccd.address):
        assert secret not in response.text


def test_prefill_one_card_leaves_the_others_fields_empty(client: TestClient) -> None:
    bhyt = synthetic_bhyt_record(random.Random(40))
    response = client.post("/api/prefill", json={"payloads": [bhyt.to_payload()]})
    assert response.status_code == 200
    registration = response.json()["registration"]
    assert registration["bhxh_code"] == bhyt.bhxh_code
    assert registration["id_number"] is None


def test_prefill_refuses_two_cards_of_one_kind_and_codes_that_are_no_card(client: TestClient) -> None:
    first, second = (synthetic_bhyt_record(random.Random(seed)).to_payload() for seed in (50, 51))
    two = client.post("/api/prefill", json={"payloads": [first, second]})
    assert two.status_code == 422
    assert two.json()["error"]["type"] == "TooManyCards"
    url = io.BytesIO()
    generate.render_qr("https://example.org/not-a-card", 6).save(url, "PNG")
    none = client.post("/api/prefill", files={"image": ("qr.png", url.getvalue(), "image/png")})
    assert none.status_code == 422
    assert none.json()["error"]["type"] == "NoCard"


def test_prefill_bad_inputs_name_which_input(client: TestClient, cccd: Any) -> None:
    blank = io.BytesIO()
    generate.Image.new("L", (300, 300), 255).save(blank, "PNG")
    no_code = client.post("/api/prefill", files=[("payload", (None, cccd.to_payload().encode())),
                                                 ("image", ("blank.png", blank.getvalue(), "image/png"))])
    assert no_code.status_code == 422
    assert no_code.json()["error"] == {"type": "NoCodeFound", "field": None,
                                       "message": "image 1: no QR code or machine-readable zone found on the image"}
    invalid = client.post("/api/prefill", json={"payloads": [cccd.to_payload(), "001|x"]})
    assert invalid.status_code == 422
    assert invalid.json()["error"]["message"].startswith("payload 2: ")


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"json": {"payloads": []}}, 400),
    ({"json": {"payloads": ["a"] * 9}}, 422),  # TooManyInputs, before any is parsed
    ({"json": {"payload": "a"}}, 422),
    ({"json": {"payloads": [1, 2]}}, 422),
    ({"files": {"other": (None, b"x")}}, 400),
    ({"files": {"image": ("a.jpg", b"", "image/jpeg")}}, 400),
    ({"files": {"payload": (None, b"\xff")}}, 400),
    ({"content": b"payload", "headers": {"Content-Type": "text/plain"}}, 415),
])
def test_prefill_malformed_requests(client: TestClient, kwargs: dict[str, Any], status: int) -> None:
    response = client.post("/api/prefill", **kwargs)
    assert response.status_code == status
    assert set(response.json()["error"]) == {"type", "field", "message"}


# --- the body cap --------------------------------------------------------------------------


def test_body_cap_is_the_clis_figure() -> None:
    from vssid_id.images import loading as image_input

    assert MAX_BODY_BYTES == getattr(image_input, "DEFAULT_MAX_BYTES", 50 * 1024 * 1024)


@pytest.mark.parametrize("path", ["/api/scan", "/api/parse", "/api/prefill"])
def test_body_over_the_cap_is_413(path: str) -> None:
    # /api/prefill takes images as multipart only (another type is 415 before the body is read).
    head = b'--b\r\nContent-Disposition: form-data; name="image"\r\n\r\n' if path == "/api/prefill" else b""
    headers = {"Content-Type": "multipart/form-data; boundary=b"} if head else {}
    with TestClient(create_app(max_body_bytes=1000)) as small:
        declared = small.post(path, content=head + b"x" * (1001 - len(head)), headers=headers)
        chunked = small.post(path, content=iter([head + b"x" * (600 - len(head)), b"x" * 600]), headers=headers)
        under = small.post(path, content=head + b"x" * (1000 - len(head)), headers=headers)
    for response in (declared, chunked):
        assert response.status_code == 413
        assert response.json()["error"]["type"] == "BodyTooLarge"
    assert under.status_code != 413


@contextmanager
def running_server(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on 127.0.0.1 and a free port, in a thread; yields its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()


def _status_line(sock: socket.socket) -> str:
    data = b""
    sock.settimeout(10)
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0].decode("latin-1")


def test_real_server_refuses_big_bodies_before_reading_them() -> None:
    cap = 1_000_000
    with running_server(create_app(max_body_bytes=cap)) as url:
        port = int(url.rsplit(":", 1)[1])
        # A declared 100 MB body: 413 before a byte of it is sent.
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST /api/scan HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n"
                         b"Content-Type: image/jpeg\r\n\r\n")
            assert _status_line(sock) == "HTTP/1.1 413 Request Entity Too Large"
        # A chunked body with no length: counted as it streams, refused once past the cap.
        total = 100_000_000
        chunk = b"%x\r\n%s\r\n" % (65536, b"\0" * 65536)
        sent = 0
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST /api/scan HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            while sent < total:
                if select.select([sock], [], [], 0)[0]:
                    break  # the server has answered
                try:
                    sock.sendall(chunk)
                except OSError:
                    break
                sent += 65536
            assert _status_line(sock) == "HTTP/1.1 413 Request Entity Too Large"
        assert sent < total / 10


# --- errors, headers and the log ---------------------------------------------------------


def test_unknown_routes_and_methods_are_json(client: TestClient) -> None:
    missing = client.get("/api/nothing")
    wrong_method = client.get("/api/scan")
    assert (missing.status_code, missing.json()["error"]["type"]) == (404, "NotFound")
    assert (wrong_method.status_code, wrong_method.json()["error"]["type"]) == (405, "MethodNotAllowed")


def test_every_response_carries_a_csp_that_allows_no_other_host(client: TestClient) -> None:
    for response in (client.get("/"), client.get("/static/app.js"), client.get("/healthz"),
                     client.post("/api/parse", content=b"x"), client.get("/missing")):
        policy = response.headers["content-security-policy"]
        assert policy == CONTENT_SECURITY_POLICY
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'"
        for name, sources in directives.items():
            for source in sources.split():
                assert source in ("'self'", "'none'", "data:", "blob:", "mediastream:"), (name, source)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"


def test_the_log_holds_method_path_status_and_time_only(client: TestClient, cccd: Any, cccd_jpeg: bytes,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    payload = cccd.to_payload()
    client.post(f"/api/parse?mask=false&note={cccd.id_number}", content=payload.encode())
    client.post("/api/scan", files={"image": ("card.jpg", cccd_jpeg, "image/jpeg")})
    client.post("/api/parse", content=payload[:-3].encode())
    client.get(f"/{cccd.id_number}")
    ours = [r.getMessage() for r in caplog.records if r.name == "vssid_id.web"]
    assert len(ours) == 4
    pattern = re.compile(r"^(GET|POST) (/api/parse|/api/scan|-) \d{3} \d+\.\dms$")
    assert all(pattern.match(line) for line in ours), ours
    assert ours[0].startswith("POST /api/parse 200 ") and ours[3].startswith("GET - 404 ")
    # Every record of the server side (the test client's own request log is not the server's).
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    everything = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in server_side)
    for secret in (cccd.id_number, cccd.full_name, cccd.address, "mask=", "note="):
        assert secret not in everything


def test_healthz_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/api/scan", "/api/parse", "/api/prefill", "/api/check", "/api/declaration",
                                      "/api/offices", "/healthz"}
    schemas = document["components"]["schemas"]
    assert {"CccdRecord", "BhytRecord", "Registration", "Error"} <= set(schemas)
    refs = re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document))
    assert set(refs) <= set(schemas)


def test_the_page_and_its_assets_come_from_this_server_only(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in page.text
    for label in ("Họ và tên", "Mã số BHXH", "Số CCCD", "Ngày sinh", "Giới tính", "Địa chỉ",
                  "Quét mã QR thẻ BHYT", "Quét mã QR thẻ CCCD", "Số điện thoại di động", "Email", "Ảnh chân dung 4x6",
                  "Ảnh mặt trước", "Ảnh mặt sau", "Cơ quan BHXH tiếp nhận", "Tạo tờ khai PDF", "Làm lại"):
        assert label in page.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/static/") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8").replace('xmlns="http://www.w3.org/2000/svg"', "")  # a name, not a URL
        assert not re.search(r"(?i:https?://|//[a-z0-9.-]+\.[a-z]{2,}/|@import)|\burl\(", text), path.name
    # The card pickers leave the gallery open (no capture); each photo has a camera picker and a gallery picker.
    pickers = dict(re.findall(r'<input type="file" id="([\w-]+)"([^>]*)>', page.text))
    assert "capture" not in pickers["file-bhyt"] and "capture" not in pickers["file-cccd"]
    for photo in ("portrait", "id_front", "id_back"):
        assert "capture=" in pickers[f"{photo}-camera"] and "capture" not in pickers[f"{photo}-gallery"]
    assert all('accept="image/*"' in attributes for attributes in pickers.values())


def test_page_carries_the_34_offices_of_the_2025_provinces(client: TestClient) -> None:
    from vssid_id.cards import tables

    provinces = {p.full_name for p in tables.PROVINCES_MERGED_2025.values()}
    data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', client.get("/").text, re.S)
    assert data is not None
    offices = json.loads(data.group(1))["offices"]
    assert {office["province_2025"] for office in offices} == provinces and len(offices) == 34


# --- hostile input of every kind -----------------------------------------------------------

_CONTENT_TYPES = st.sampled_from([
    None, "", "image/jpeg", "application/octet-stream", "text/plain", "text/plain; charset=latin-1",
    "application/json", "application/x-www-form-urlencoded", "multipart/form-data",
    "multipart/form-data; boundary=b", "multipart/form-data; boundary=", "multipart/mixed; boundary=b",
    "image/heic", "\u00e9/\u00e9", "a" * 300,
])


def _multipart(draw: Any) -> bytes:
    parts = draw(st.lists(st.tuples(st.sampled_from(["image", "payload", "x", ""]), st.binary(max_size=200)),
                          max_size=4))
    body = b"".join(b'--b\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (n.encode(), d)
                    for n, d in parts)
    return body + draw(st.sampled_from([b"--b--\r\n", b"", b"--b", b"garbage"]))


@st.composite
def _bodies(draw: Any) -> bytes:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return bytes(draw(st.binary(max_size=2000)))
    if kind == 1:
        return draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    if kind == 2:
        value = draw(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=50),
                                  lambda c: st.lists(c, max_size=3) | st.dictionaries(
                                      st.sampled_from(["payload", "payloads", "x"]), c, max_size=3),
                                  max_leaves=8))
        return json.dumps(value).encode()
    if kind == 3:
        return _multipart(draw)
    payload = synthetic_cccd_record(random.Random(draw(st.integers(0, 50)))).to_payload()
    cut = draw(st.integers(0, len(payload)))
    return (payload[:cut] + draw(st.text(max_size=5)) + payload[cut:]).encode("utf-8", "surrogatepass")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/api/scan", "/api/parse", "/api/prefill", "/healthz", "/", "/openapi.json", "/x"]),
       method=st.sampled_from(["POST", "GET", "PUT"]),
       content_type=_CONTENT_TYPES,
       query=st.sampled_from(["", "?mask=true", "?mask=1&all=yes", "?mask=%ff", "?all=2"]),
       body=_bodies())
def test_garbage_never_gets_a_500(client: TestClient, path: str, method: str, content_type: str | None,
                                  query: str, body: bytes) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type.encode("utf-8")}
    response = client.request(method, path + query, content=body, headers=headers)
    assert response.status_code < 500
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"type", "field", "message"} and error["message"]


# --- the worker pool -----------------------------------------------------------------------


def test_pool_answers_503_when_full_and_504_past_the_deadline() -> None:
    release = threading.Event()
    pool = WorkerPool(threads=1, max_pending=1, time_limit=0.2)

    async def scenario() -> tuple[int, int, int]:
        first = asyncio.ensure_future(pool.run(time.monotonic() + 0.2, release.wait, 10))
        await asyncio.sleep(0.05)
        with pytest.raises(ApiError) as busy:
            await pool.run(time.monotonic() + 5, lambda: None)
        with pytest.raises(ApiError) as late:
            await first
        held = pool.pending  # the timed-out decode still holds its slot while its thread runs
        release.set()
        for _ in range(100):
            if pool.pending == 0:
                break
            await asyncio.sleep(0.01)
        assert await pool.run(time.monotonic() + 5, lambda: 42) == 42
        return busy.value.status, late.value.status, held

    try:
        busy, late, held = asyncio.run(scenario())
    finally:
        release.set()
        pool.shutdown()
    assert (busy, late, held) == (503, 504, 1)
    assert pool.pending == 0


def test_the_app_answers_503_when_full_and_504_past_its_time_limit(cccd_jpeg: bytes) -> None:
    with TestClient(create_app(time_limit=0.001)) as late_client:
        late = late_client.post("/api/scan", content=cccd_jpeg)
    assert late.status_code == 504
    assert late.json()["error"]["type"] == "TimeLimitExceeded"
    app = create_app()
    with TestClient(app) as busy_client:
        app.state.pool.pending = app.state.pool.max_pending  # as if that many decodes were in flight
        busy = busy_client.post("/api/scan", content=cccd_jpeg)
        app.state.pool.pending = 0
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    assert busy.json()["error"]["type"] == "ServerBusy"


# --- the console script --------------------------------------------------------------------


def test_vssid_serve_without_the_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from vssid_id.web import server

    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert server.main([]) == 69
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'vssid_id[web]'" in err


def test_vssid_serve_binds_localhost_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from vssid_id.web import server

    calls: list[Any] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: calls.append(self.config))
    assert server.main([]) == 0
    assert server.main(["--host", "0.0.0.0", "--port", "9001"]) == 0
    assert [(c.host, c.port, c.access_log) for c in calls] == [
        ("127.0.0.1", 8000, False), ("0.0.0.0", 9001, False)]
