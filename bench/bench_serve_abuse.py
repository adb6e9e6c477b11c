"""vssid-serve under abuse: /healthz latency under large bodies, peak RSS under decompression bombs, timeouts.

Run by hand (results go into docs/benchmarks.md, "vssid-serve under abuse"):

    python bench/bench_serve_abuse.py [--before /work/main/src]

Bounded and local: each server is started by this script as a subprocess on
127.0.0.1 and a free port and stopped at the end; every attack is a handful
of requests. With ``--before SRC`` the same rounds run first against the
package found in ``SRC`` (e.g. a checkout of the previous release), side by
side in one run.

Rounds:

* **healthz under large bodies**: a client polls ``GET /healthz`` every 20 ms
  on its own connection while another sends (1) a 49 MB multipart body to
  /api/scan, (2) a JSON array of 8 million one-character payloads to
  /api/prefill, (3) a 49 MB JSON string to /api/parse; reported: the
  latency of /healthz during the round (median, max) and what the big
  request got.
* **bombs**: eight concurrent 7000 × 7000 grey PNGs (about 60 KB each) to
  /api/scan, while one client posts card photos and another payloads to
  /api/prefill; reported: the server's peak VmRSS (sampled every 20 ms), the
  bombs' statuses, and the other requests' statuses and worst latency.
* **timeouts**: seconds until the server closes a connection that sends
  nothing, one that sends a header byte a second, and one that stops half-way
  through its body (and what it got).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))

import generate  # noqa: E402  (fixtures/generate.py)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Server:
    def __init__(self, src: str | None) -> None:
        self.port = free_port()
        env = dict(os.environ)
        if src:
            env["PYTHONPATH"] = src
        self.process = subprocess.Popen([sys.executable, "-m", "vssid_id.web.server", "--port", str(self.port)],
                                        stderr=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def post(port: int, path: str, body: bytes, content_type: str, timeout: float = 120) -> tuple[str, float]:
    """Status (or the exception's name) and seconds, as urllib-like clients see it."""
    start = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request("POST", path, body=body, headers={"Content-Type": content_type, "Connection": "close"})
        response = connection.getresponse()
        response.read()
        connection.close()
        return str(response.status), time.perf_counter() - start
    except Exception as error:
        return type(error).__name__, time.perf_counter() - start


def healthz_during(port: int, attack: Callable[[], Any]) -> tuple[list[float], Any]:
    """/healthz latencies (ms) polled every 20 ms while ``attack()`` runs, and its result."""
    latencies: list[float] = []
    stop = threading.Event()

    def poll() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            start = time.perf_counter()
            try:
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                latencies.append((time.perf_counter() - start) * 1000)
            except Exception:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            stop.wait(0.02)

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.2)
    try:
        result = attack()
    finally:
        time.sleep(0.2)
        stop.set()
        poller.join()
    return latencies, result


def p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def large_bodies(port: int) -> list[str]:
    rows = []
    boundary = "bench"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode()
    multipart = head + os.urandom(49_000_000) + f"\r\n--{boundary}--\r\n".encode()
    attacks = [
        ("49 MB multipart to /api/scan", "/api/scan", multipart, f"multipart/form-data; boundary={boundary}"),
        ("8 million payloads to /api/prefill", "/api/prefill",
         json.dumps({"payloads": ["x"] * 8_000_000}).encode(), "application/json"),
        ("49 MB JSON string to /api/parse", "/api/parse",
         json.dumps({"payload": "x" * 49_000_000}).encode(), "application/json"),
    ]
    latencies, _ = healthz_during(port, lambda: time.sleep(3))
    rows.append(f"| nothing (the machine's noise floor), 3 s | - | {len(latencies)} | "
                f"{statistics.median(latencies):.1f} | {p95(latencies):.1f} | {max(latencies):.1f} |")
    for name, path, body, content_type in attacks:
        latencies, (status, seconds) = healthz_during(port, lambda p=path, b=body, c=content_type:
                                                      post(port, p, b, c))
        rows.append(f"| {name} | {status} in {seconds:.2f} s | {len(latencies)} | "
                    f"{statistics.median(latencies):.1f} | {p95(latencies):.1f} | {max(latencies):.1f} |")
    return rows


def grey_bomb(side: int = 7000) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (side, side), 255).save(buffer, "PNG", compress_level=9)
    return buffer.getvalue()


def card_photo() -> tuple[bytes, str]:
    from vssid_id.cards.synthetic import synthetic_cccd_record

    payload = synthetic_cccd_record(random.Random(31)).to_payload()
    buffer = io.BytesIO()
    generate.render_card(payload, "cccd", 5.0).save(buffer, "JPEG", quality=90)
    return buffer.getvalue(), payload


def bombs(server: Server, bomb: bytes, photo: bytes, payload: str) -> str:
    peak = [rss_kib(server.process.pid)]
    start_rss = peak[0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak.append(rss_kib(server.process.pid))
            stop.wait(0.02)

    others: list[tuple[str, float]] = []

    def other_client(path: str, body: bytes, content_type: str) -> None:
        while not stop.is_set():
            others.append(post(server.port, path, body, content_type, timeout=60))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    workers = [threading.Thread(target=other_client, args=("/api/scan", photo, "image/jpeg")),
               threading.Thread(target=other_client, args=(
                   "/api/prefill", json.dumps({"payloads": [payload]}).encode(), "application/json"))]
    for worker in workers:
        worker.start()
    time.sleep(0.5)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: post(server.port, "/api/scan", bomb, "image/png", timeout=120), range(8)))
    time.sleep(0.5)
    stop.set()
    for worker in workers:
        worker.join()
    sampler.join()
    bomb_statuses = Counter(status for status, _ in results)
    other_statuses = Counter(status for status, _ in others)
    worst = max(seconds for _, seconds in others)
    return (f"| {len(bomb)/1024:.0f} KB | {start_rss/1024:.0f} | {max(peak)/1024:.0f} | "
            f"{', '.join(f'{n}× {s}' for s, n in sorted(bomb_statuses.items()))} | "
            f"{max(seconds for _, seconds in results):.1f} | "
            f"{', '.join(f'{n}× {s}' for s, n in sorted(other_statuses.items()))} | {worst:.2f} |")


def closed_after(port: int, first: bytes, trickle: bytes | None, limit: float = 30) -> str:
    """Seconds until the server closes; the start of its answer."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        start = time.monotonic()
        sock.sendall(first)
        sock.settimeout(1.0)
        answer = b""
        while time.monotonic() - start < limit:
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                if trickle:
                    try:
                        sock.sendall(trickle)
                    except OSError:
                        break
                continue
            except OSError:
                break
            if not chunk:
                break
            answer += chunk
        else:
            return f"still open after {limit:.0f} s"
        status = answer.split(b"\r\n", 1)[0].decode("latin-1") or "nothing"
        return f"{time.monotonic() - start:.1f} s ({status})"


def timeouts(port: int) -> list[str]:
    return [
        f"| idle (connects, sends nothing) | {closed_after(port, b'', None)} |",
        f"| slow headers (a byte a second) | {closed_after(port, b'GET /healthz HTTP/1.1', b'X')} |",
        f"| slow body (half the body, then nothing) | "
        f"{closed_after(port, b'POST /api/parse HTTP/1.1' + bytes([13, 10]) + b'Host: 127.0.0.1' + bytes([13, 10]) + b'Content-Length: 100' + bytes([13, 10, 13, 10]) + b'x' * 50, None)} |",  # noqa: E501
        f"| trickling body (a byte a second) | "
        f"{closed_after(port, b'POST /api/parse HTTP/1.1' + bytes([13, 10]) + b'Host: 127.0.0.1' + bytes([13, 10]) + b'Content-Length: 1000' + bytes([13, 10, 13, 10]), b'x', limit=75)} |",  # noqa: E501
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a src/ directory holding the previous vssid_id, run first")
    parser.add_argument("--skip", default="", help="comma-separated rounds to skip: bodies,bombs,timeouts")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    bomb = grey_bomb()
    photo, payload = card_photo()
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the start\n")
    for label, src in ([("before", args.before)] if args.before else []) + [("after", None)]:
        server = Server(src)
        try:
            print(f"## {label}\n")
            if "bodies" not in skip:
                print("| large body | its answer | /healthz polls | median ms | p95 ms | max ms |\n"
                      "|---|---|---:|---:|---:|---:|")
                print("\n".join(large_bodies(server.port)), "\n", flush=True)
            if "bombs" not in skip:
                print("| bomb | RSS before MiB | peak RSS MiB | bombs' answers | slowest bomb s | "
                      "other requests' answers | slowest other s |\n|---|---:|---:|---|---:|---|---:|")
                print(bombs(server, bomb, photo, payload), "\n", flush=True)
            if "timeouts" not in skip:
                print("| connection | closed after |\n|---|---|")
                print("\n".join(timeouts(server.port)), "\n", flush=True)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
