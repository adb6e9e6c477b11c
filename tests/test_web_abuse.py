"""vssid-serve under abuse (issues 18 items 7-11, 23 items 3, 4, 7, 9): real sockets on 127.0.0.1.

Every server here is started in process on 127.0.0.1 and a free port with the
connection protocol ``vssid-serve`` uses (:mod:`vssid_id.web.connections`),
with short timeouts so that the tests take seconds; the loads are a handful
of requests. Latency and memory figures are measured by bench/bench_serve_abuse.py.
"""

from __future__ import annotations

import asyncio
import http.client
import io
import itertools
import json
import logging
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[test]'")
pytest.importorskip("python_multipart", reason="the web extra is not installed: pip install -e '.[test]'")

import generate  # fixtures/generate.py, put on sys.path by conftest.py
import uvicorn
from huge_png import huge_png  # fixtures/huge_png.py
from starlette.testclient import TestClient

from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record
from vssid_id.web import server
from vssid_id.web.app import create_app, host_allowed
from vssid_id.web.bodies import MAX_PARTS, MAX_TEXT_BODY_BYTES, _FormParser, parse_multipart
from vssid_id.web.connections import Timeouts, protocol_class
from vssid_id.web.problems import ApiError
from vssid_id.web.workers import WorkerPool

FAST = Timeouts(header=1.0, body_idle=1.0, body_total=3.0, linger_total=3.0, linger_idle=1.0,
                linger_bytes=64 * 1024 * 1024)


@contextmanager
def serving(app: Any, timeouts: Timeouts = FAST) -> Iterator[int]:
    """``app`` under uvicorn with vssid-serve's protocol, on 127.0.0.1; yields the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on",
                            http=protocol_class(timeouts), timeout_keep_alive=1)
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield port
    finally:
        instance.should_exit = True
        thread.join(20)
        sock.close()


def card_photo(payload: str, kind: str) -> bytes:
    buffer = io.BytesIO()
    generate.render_card(payload, kind, 5.0).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def read_all(sock: socket.socket, limit: float = 10.0) -> bytes:
    """Everything the server sends until it closes (or ``limit`` seconds pass)."""
    sock.settimeout(limit)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return data


# --- issue 18 item 7: an over-cap body reaches Python clients as a 413 -------------------------


def test_urllib_requests_httpclient_and_httpx_read_the_413_of_an_over_cap_body() -> None:
    """Before: urllib and requests got ``Connection reset by peer`` (the server closed with the body unread)."""
    import httpx2 as httpx
    import requests

    body = b"\0" * 20_000_000
    with serving(create_app(max_body_bytes=1_000_000)) as port:
        url = f"http://127.0.0.1:{port}/api/scan"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(url, data=body, headers={"Content-Type": "image/jpeg"}),
                                   timeout=30)
        assert refused.value.code == 413
        assert json.loads(refused.value.read())["error"]["type"] == "BodyTooLarge"
        # http.client, chunked (no Content-Length): counted as it streams, refused past the cap.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/api/scan", body=iter([body[i:i + 65536] for i in range(0, len(body), 65536)]),
                           encode_chunked=True, headers={"Transfer-Encoding": "chunked"})
        response = connection.getresponse()
        assert response.status == 413 and response.getheader("connection") == "close"
        connection.close()
        answer = httpx.post(url, content=body, timeout=30)
        assert answer.status_code == 413 and answer.json()["error"]["type"] == "BodyTooLarge"
        with requests.Session() as session:
            for _ in range(2):  # the session's pooled connection is dropped after the 413, not reused broken
                refused_again = session.post(url, data=body, headers={"Content-Type": "image/jpeg"}, timeout=30)
                assert refused_again.status_code == 413
                assert refused_again.json()["error"]["type"] == "BodyTooLarge"
        # The server still serves.
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200


def test_the_lingering_close_is_bounded_in_bytes_and_time() -> None:
    small = Timeouts(header=1.0, body_idle=1.0, body_total=3.0, linger_total=2.0, linger_idle=0.5,
                     linger_bytes=2_000_000)
    with serving(create_app(max_body_bytes=1000), small) as port:
        # Bytes: a client that sends far more than linger_bytes after the 413 is cut off.
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST /api/scan HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n")
            sent, start = 0, time.monotonic()
            with pytest.raises(OSError):
                while sent < 100_000_000:
                    sock.sendall(b"\0" * 65536)
                    sent += 65536
            assert sent < 20_000_000 and time.monotonic() - start < 5
        # Time: a client that stops sending after the 413 is closed after linger_idle.
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST /api/scan HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + b"\0" * 10)
            start = time.monotonic()
            answer = read_all(sock)
            assert answer.startswith(b"HTTP/1.1 413 ") and time.monotonic() - start < 1.5


# --- issue 18 item 8: bodies that could stall the event loop are refused before parsing -------


def test_json_and_text_bodies_have_a_small_cap() -> None:
    """A 49 MB JSON string or 8 million payloads: 413 from the Content-Length, nothing parsed."""
    with serving(create_app()) as port:
        for path, head in (("/api/prefill", b'{"payloads": ["'), ("/api/parse", b'{"payload": "')):
            with socket.create_connection(("127.0.0.1", port)) as sock:
                sock.sendall(b"POST %s HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 49000000\r\n\r\n%s" % (path.encode(), head))
                assert read_all(sock, 5).startswith(b"HTTP/1.1 413 ")
    with TestClient(create_app()) as client:
        many = client.post("/api/prefill", json={"payloads": ["x"] * 100_000})
        assert many.status_code == 413 and many.json()["error"]["type"] == "BodyTooLarge"
        nine = client.post("/api/prefill", json={"payloads": ["x"] * 9})
        assert nine.status_code == 422 and nine.json()["error"]["type"] == "TooManyInputs"
        assert client.post("/api/parse", content=b"x" * (MAX_TEXT_BODY_BYTES + 1)).status_code == 413


def test_multipart_is_parsed_as_it_arrives_and_refused_at_the_part_too_many() -> None:
    """The 9th part of a /api/prefill body is refused before the body has ended (it is still open)."""
    part = b'--b\r\nContent-Disposition: form-data; name="payload"\r\n\r\nx\r\n'
    with serving(create_app()) as port, socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"POST /api/prefill HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                     b"Content-Length: 40000000\r\n\r\n" + part * 9 + b"--b\r\n")
        answer = read_all(sock, 5)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["type"] == "TooManyParts"
    with TestClient(create_app()) as client:
        files = [("image", ("a.jpg", b"x", "image/jpeg"))] * (MAX_PARTS + 1)
        assert client.post("/api/scan", files=files).json()["error"]["type"] == "TooManyParts"


# --- issue 18 item 9: memory under concurrent decompression bombs -----------------------------


def test_pool_admits_decodes_by_pixels() -> None:
    release = threading.Event()
    pool = WorkerPool(threads=4, max_pending=16, time_limit=5, pixel_budget=100)

    async def scenario() -> list[Any]:
        deadline = time.monotonic() + 5
        first = asyncio.ensure_future(pool.run(deadline, release.wait, 10, pixels=60))
        await asyncio.sleep(0.05)
        second = asyncio.ensure_future(pool.run(deadline, lambda: "second", pixels=60))  # waits for room
        small = await pool.run(deadline, lambda: "small", pixels=30)  # fits beside the first
        await asyncio.sleep(0.05)
        with pytest.raises(ApiError) as third:  # the waiting room holds one budget: 503 at once
            await pool.run(deadline, lambda: None, pixels=60)
        waiting = (second.done(), pool.pixels_in_flight, pool.pixels_waiting)
        release.set()
        return [small, third.value.status, waiting, await first, await second]

    try:
        small, third, waiting, first, second = asyncio.run(scenario())
    finally:
        release.set()
        pool.shutdown()
    assert (small, third, waiting, first, second) == ("small", 503, (False, 60, 60), True, "second")
    assert (pool.pending, pool.pixels_in_flight, pool.pixels_waiting) == (0, 0, 0)


def test_concurrent_bombs_stay_within_the_pixel_budget_and_the_rest_is_served() -> None:
    """Eight concurrent 3000 x 3000 PNGs (a few kB each) with a 20-megapixel budget."""
    bomb = huge_png(3000, 3000)
    assert len(bomb) < 10_000
    cccd = synthetic_cccd_record(random.Random(31))
    photo = card_photo(cccd.to_payload(), "cccd")
    app = create_app(threads=2, pixel_budget=20_000_000)
    pool = app.state.pool
    seen: list[int] = []
    original = pool.run

    async def watched(*args: Any, **kwargs: Any) -> Any:
        result = await original(*args, **kwargs)
        seen.append(pool.pixels_in_flight)
        return result

    pool.run = watched
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            seen.append(pool.pixels_in_flight)
            time.sleep(0.005)

    with serving(app) as port:
        def post(path: str, body: bytes, content_type: str) -> int:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("POST", path, body=body, headers={"Content-Type": content_type})
            status = connection.getresponse().status
            connection.close()
            return status

        sampler = threading.Thread(target=sample)
        sampler.start()
        with ThreadPoolExecutor(12) as clients:
            bombs = [clients.submit(post, "/api/scan", bomb, "image/png") for _ in range(8)]
            time.sleep(0.2)
            card = clients.submit(post, "/api/scan", photo, "image/jpeg")
            payloads = clients.submit(post, "/api/prefill", json.dumps({"payloads": [cccd.to_payload()]}).encode(),
                                      "application/json")
            statuses = [b.result() for b in bombs]
            assert (card.result(), payloads.result()) == (200, 200)
        sampling.set()
        sampler.join()
    assert set(statuses) <= {200, 503} and 200 in statuses and 503 in statuses
    assert max(seen) <= 20_000_000


# --- issue 18 item 10, issue 23 item 4: slow and idle clients ----------------------------------


def test_slow_header_slow_body_and_idle_connections_are_timed_out() -> None:
    with serving(create_app()) as port:
        # Slow headers: a byte now and then, never the end of the headers.
        with socket.create_connection(("127.0.0.1", port)) as sock:
            start = time.monotonic()
            sock.sendall(b"GET /healthz HTTP/1.1\r\n")
            closed = False
            for _ in range(30):
                try:
                    sock.sendall(b"X")
                except OSError:
                    closed = True
                    break
                sock.settimeout(0.2)
                try:
                    if sock.recv(1) == b"":
                        closed = True
                        break
                except TimeoutError:
                    pass
                except OSError:  # reset: the server closed while our bytes were unread
                    closed = True
                    break
            assert closed and time.monotonic() - start < 3
        # Slow body: half a body, then a gap longer than body_idle -> 408, closed.
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST /api/parse HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n" + b"x" * 50)
            start = time.monotonic()
            answer = read_all(sock, 5)
            assert answer.startswith(b"HTTP/1.1 408 ") and 0.9 < time.monotonic() - start < 3
            assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["type"] == "RequestTimeout"
        # A body that trickles in (no gap over body_idle) still ends at body_total.
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST /api/parse HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n")
            start = time.monotonic()
            answer = b""
            for _ in range(100):
                try:
                    sock.sendall(b"x")
                except OSError:
                    break
                sock.settimeout(0.5)
                try:
                    answer += sock.recv(4096)
                except TimeoutError:
                    continue
                if answer:
                    break
            assert answer.startswith(b"HTTP/1.1 408 ") and time.monotonic() - start < 5
        # Idle: a connection that sends nothing is closed (no request at all: the header timeout).
        with socket.create_connection(("127.0.0.1", port)) as sock:
            start = time.monotonic()
            assert read_all(sock, 5) == b"" and time.monotonic() - start < 2.5


def test_slow_clients_hold_no_decode_thread_and_payloads_need_no_decode_slot() -> None:
    cccd = synthetic_cccd_record(random.Random(31))
    photo = card_photo(cccd.to_payload(), "cccd")
    app = create_app(threads=1, max_pending=1)
    with serving(app, Timeouts(header=30, body_idle=30, body_total=60)) as port:
        slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
        for sock in slow:  # four uploads that stall half-way
            sock.sendall(b"POST /api/scan HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + photo[:500])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/api/scan", body=photo, headers={"Content-Type": "image/jpeg"})
        assert connection.getresponse().status == 200
        connection.close()
        # Every decode slot taken: payloads are still served (before: 503 like the images).
        app.state.pool.pending = app.state.pool.max_pending
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            body = json.dumps({"payloads": [cccd.to_payload(), synthetic_bhyt_record(random.Random(5)).to_payload()]})
            connection.request("POST", "/api/prefill", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            assert response.status in (200, 422), response.read()  # 422: the two cards are two people
            assert json.loads(response.read()).get("error", {}).get("type") != "ServerBusy"
            connection.request("POST", "/api/scan", body=photo, headers={"Content-Type": "image/jpeg"})
            assert connection.getresponse().status == 503
        finally:
            app.state.pool.pending = 0
        for sock in slow:
            sock.close()


# --- issue 18 item 11: cross-origin ------------------------------------------------------------


def test_no_cors_unless_configured_and_no_store_on_every_answer() -> None:
    cccd = synthetic_cccd_record(random.Random(31))
    with TestClient(create_app()) as client:
        answers = [
            client.post("/api/parse", content=cccd.to_payload().encode(), headers={"Origin": "https://evil.example"}),
            client.options("/api/parse", headers={"Origin": "https://evil.example",
                                                  "Access-Control-Request-Method": "POST"}),
            client.get("/healthz", headers={"Origin": "https://evil.example"}),
            client.post("/api/scan", content=b"x" * 60_000_000),
        ]
        for answer in answers:
            assert not [h for h in answer.headers if h.lower().startswith("access-control-")]
            assert answer.headers["cache-control"] == "no-store"
    with TestClient(create_app(cors_origins=["https://desk.example"])) as client:
        allowed = client.post("/api/parse", content=cccd.to_payload().encode(),
                              headers={"Origin": "https://desk.example"})
        other = client.post("/api/parse", content=cccd.to_payload().encode(),
                            headers={"Origin": "https://evil.example"})
        preflight = client.options("/api/parse", headers={"Origin": "https://desk.example",
                                                          "Access-Control-Request-Method": "POST"})
    assert allowed.headers["access-control-allow-origin"] == "https://desk.example"
    assert "access-control-allow-origin" not in other.headers
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "https://desk.example"
    assert allowed.headers["cache-control"] == "no-store"


# --- issue 23 item 9: the Host header ----------------------------------------------------------


def test_host_allowed() -> None:
    names = frozenset({"localhost", "desk.example"})
    for host in (None, "127.0.0.1", "127.0.0.1:8000", "[::1]:8000", "[::1]", "192.168.1.7:80", "localhost:8000",
                 "LOCALHOST", "desk.example.", "desk.example:443"):
        assert host_allowed(host, names), host
    for host in ("evil.example", "evil.example:8000", "localhost.evil.example", "[::1", "", "127.0.0.1.nip.io",
                 "desk.example.evil.example"):
        assert not host_allowed(host, names), host
    assert host_allowed("anything.example", frozenset({"*"}))


def test_vssid_serve_answers_only_its_own_hosts_and_never_redirects() -> None:
    args = server.build_parser().parse_args(["--port", "0", "--allow-host", "desk.example"])
    app = server.server_config(args).app
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/healthz").status_code == 200
        for host in ("localhost:8000", "desk.example", "127.0.0.1", "[::1]:8000"):
            assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
        rebound = client.get("/healthz", headers={"Host": "attacker.example:8000"})
        assert rebound.status_code == 400 and rebound.json()["error"]["type"] == "UnknownHost"
        assert client.post("/api/parse", content=b"x", headers={"Host": "attacker.example"}).status_code == 400
        for path in ("/static", "/healthz/", "/api/parse/"):
            answer = client.get(path, headers={"Host": "attacker.example"}, follow_redirects=False)
            assert answer.status_code == 400, path
            answer = client.get(path, follow_redirects=False)
            assert answer.status_code == 404 and "location" not in answer.headers, path


# --- issue 23 item 7: option values ------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["--threads", "-1"], ["--threads", "0"], ["--threads", "100000"], ["--max-pending", "-5"],
    ["--max-pending", "0"], ["--time-limit", "-1"], ["--time-limit", "nan"], ["--time-limit", "inf"],
    ["--time-limit", "0"], ["--port", "70000"], ["--threads", "two"], ["--allow-origin", "evil.example"],
])
def test_vssid_serve_refuses_bad_option_values(argv: list[str], monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: pytest.fail("the server started"))
    try:
        status = server.main(argv)
    except SystemExit as exit_:
        status = exit_.code  # argparse's own refusals (not a number)
    assert status == 64
    err = capsys.readouterr().err
    assert "Traceback" not in err and "vssid-serve" in err and argv[0] in err


# --- issue 23 item 3: the server log -----------------------------------------------------------


def test_the_server_log_holds_no_card_data_no_control_characters_and_no_multipart_lines(
        tmp_path: Any) -> None:
    """The real vssid-serve process, its log configuration included; its stderr is read whole."""
    cccd = synthetic_cccd_record(random.Random(31))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "vssid_id.web.server", "--port", str(port)],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONWARNINGS": "ignore"})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, "vssid-serve did not start"
                time.sleep(0.1)
        from urllib.parse import quote

        secret_path = b"/static/" + quote(f"{cccd.id_number} {cccd.full_name}").encode() + b"/../app.js"
        requests = [
            b"GET " + secret_path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            b"GET /static/app.js%0D%0AGET%20/%1B[31m%00%E2%80%A8" + cccd.id_number.encode()
            + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        ]
        # python-multipart logs bytes of a malformed part header ("Found invalid character 40 in header").
        for part in (b'--b\r\nContent-Dispo(sition: form-data\r\n\r\nx\r\n--b--\r\n',
                     b'--b\r\nContent-Disposition: form-data\rX\n\r\nx\r\n--b--\r\n',
                     ("--b\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nx\r\n--b--\r\n"
                      + cccd.id_number + " " + cccd.full_name).encode()):
            requests.append(b"POST /api/scan HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                            b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n"
                            % len(part) + part)
        for request in requests:
            with socket.create_connection(("127.0.0.1", port)) as sock:
                sock.sendall(request)
                assert read_all(sock, 5).startswith(b"HTTP/1.1 ")
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    log = err.decode("utf-8", "replace")
    lines = [line for line in log.splitlines() if "vssid_id.web:" in line]
    assert len(lines) == 5, log
    assert cccd.id_number not in log and cccd.full_name.split()[-1] not in log
    assert not any(c in log for c in "\r\x1b\x00\u2028"), repr(log)
    assert "invalid character" not in log and "Did not find" not in log and "boundary" not in log.lower()


def test_an_exception_inside_a_route_is_logged_by_its_type_only(monkeypatch: pytest.MonkeyPatch,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    from vssid_id.web import app as app_module

    cccd = synthetic_cccd_record(random.Random(31))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"inside a dependency: {cccd.id_number} {cccd.full_name}")

    monkeypatch.setattr(app_module, "_scan_json", broken)
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        answer = client.post("/api/scan", content=card_photo(cccd.to_payload(), "cccd"))
    assert answer.status_code == 500 and answer.json()["error"]["type"] == "InternalError"
    everything = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records
                           if not r.name.startswith(("httpx", "httpcore")))
    assert "RuntimeError" in everything
    assert cccd.id_number not in everything and cccd.full_name not in everything


# --- fuzz: the new parsers ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(host=st.one_of(st.none(), st.text(max_size=40), st.ip_addresses().map(str),
                      st.ip_addresses(v=6).map(lambda a: f"[{a}]:8000")),
       names=st.frozensets(st.sampled_from(["localhost", "desk.example", "x"]), max_size=3))
def test_host_allowed_never_raises_and_accepts_only_addresses_and_names(host: str | None,
                                                                        names: frozenset[str]) -> None:
    import ipaddress

    allowed = host_allowed(host, names)
    assert isinstance(allowed, bool)
    if host is None:
        assert allowed
        return
    bare = host.strip().lower()
    bare = bare[1:].split("]")[0] if bare.startswith("[") else (bare.rsplit(":", 1)[0] if bare.count(":") == 1
                                                                 else bare)
    try:
        ipaddress.ip_address(bare)
        is_address = True
    except ValueError:
        is_address = False
    if allowed and not is_address:
        assert bare.rstrip(".") in names


def _outcome(parse: Any) -> Any:
    try:
        return [(p.name, p.filename, p.data) for p in parse()]
    except ApiError as error:
        return (error.status, error.type)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.tuples(st.sampled_from(["image", "payload", ""]), st.binary(max_size=300)), max_size=5),
       ending=st.sampled_from([b"--b--\r\n", b"", b"--b", b"junk", b"--b\r\nX(y: 1\r\n\r\n"]),
       cuts=st.lists(st.integers(0, 2000), max_size=6), max_parts=st.integers(1, 6))
def test_multipart_parsed_in_any_chunks_equals_parsed_whole(parts: list[tuple[str, bytes]], ending: bytes,
                                                            cuts: list[int], max_parts: int) -> None:
    body = b"".join(b'--b\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (n.encode(), d)
                    for n, d in parts) + ending
    content_type = "multipart/form-data; boundary=b"

    def in_chunks() -> list[Any]:
        parser = _FormParser(content_type, max_parts)
        edges = sorted({0, len(body), *(min(c, len(body)) for c in cuts)})
        for start, end in itertools.pairwise(edges):
            parser.feed(body[start:end])
        return parser.close()

    assert _outcome(in_chunks) == _outcome(lambda: parse_multipart(body, content_type, max_parts))


def test_the_bodies_in_progress_share_a_byte_budget() -> None:
    """Concurrent uploads cannot hold more than the budget: past it, 503 before the body is read."""
    app = create_app(max_body_bytes=800_000, body_budget=1_000_000)
    with serving(app) as port, socket.create_connection(("127.0.0.1", port)) as holder:
        holder.sendall(b"POST /api/scan HTTP/1.1\r\nHost: t\r\nContent-Length: 700000\r\n\r\n" + b"\0" * 1000)
        time.sleep(0.3)
        with socket.create_connection(("127.0.0.1", port)) as sock:  # declared: refused from its header
            sock.sendall(b"POST /api/scan HTTP/1.1\r\nHost: t\r\nContent-Length: 700000\r\n\r\n")
            answer = read_all(sock, 5)
        assert answer.startswith(b"HTTP/1.1 503 ") and b"retry-after: 1" in answer.lower()
        with socket.create_connection(("127.0.0.1", port)) as sock:  # chunked: refused once its count passes
            sock.sendall(b"POST /api/scan HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            try:
                for _ in range(20):
                    sock.sendall(b"%x\r\n%s\r\n" % (65536, b"\0" * 65536))
            except OSError:
                pass
            assert read_all(sock, 5).startswith(b"HTTP/1.1 503 ")
        # Over the cap is still 413, not 503, however large the declared length.
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST /api/scan HTTP/1.1\r\nHost: t\r\nContent-Length: 900000000\r\n\r\n")
            assert read_all(sock, 5).startswith(b"HTTP/1.1 413 ")
        holder.sendall(b"\0" * 699_000)  # the held upload ends: its bytes are released
        assert read_all(holder, 10).startswith(b"HTTP/1.1 422 ")
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST /api/scan HTTP/1.1\r\nHost: t\r\nContent-Length: 700000\r\nConnection: close\r\n\r\n"
                         + b"\0" * 700_000)
            assert read_all(sock, 10).startswith(b"HTTP/1.1 422 ")
    assert app.state.pool.pending == 0


def test_pipelined_requests_are_answered_and_not_cut_by_the_header_timeout() -> None:
    cccd = synthetic_cccd_record(random.Random(31))
    payload = cccd.to_payload().encode()
    with serving(create_app()) as port, socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
                     b"POST /api/parse HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(payload), payload))
        answer = read_all(sock, 10)
    assert answer.count(b"HTTP/1.1 200 OK") == 2 and cccd.id_number.encode() in answer


def test_header_pixels_reads_sizes_of_card_photo_formats_only() -> None:
    from PIL import Image

    from vssid_id.images.loading import header_pixels

    def encoded(kind: str, size: tuple[int, int]) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", size, "white").save(buffer, kind)
        return buffer.getvalue()

    assert header_pixels(encoded("PNG", (300, 200))) == 300 * 200
    assert header_pixels(bytearray(encoded("JPEG", (100, 10)))) == 100 * 64  # a side under 64 counts as 64
    assert header_pixels(huge_png(7000, 7000)) == 49_000_000
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 7000 7000\n{ } loop showpage\n"
    for other in (eps, encoded("ICO", (64, 64)), b"", b"\0" * 100):
        assert header_pixels(other) is None
