"""Load test of ``vssid-serve``: N concurrent clients post card photos to /api/scan for T seconds.

Run by hand (results go into docs/benchmarks.md):

    python bench/bench_serve.py [--clients 1,4,8] [--seconds 20]

Bounded and local: the server is started by this script as a subprocess on
127.0.0.1 and a free port, each round stops by itself after ``--seconds``,
and the server is stopped at the end. Each client keeps one HTTP/1.1
connection and posts, one after the other, synthetic card photos
(``fixtures/generate.py``: clean, tilted, JPEG-compressed and unevenly lit
cards, 1 280 × 860 pixels or so) as multipart ``image`` fields, the way
``curl -F image=@card.jpg`` does.

Reported per round: requests/s, p50 / p95 latency, errors (any answer but a
200 holding the card's record, or a failed connection), 503s (the server's
documented back-pressure, counted apart; the client then waits the
``Retry-After`` second), and the server's resident memory
(VmRSS, sampled every 0.1 s): at the start of the round, its peak, and at the
end, to show that memory stays flat over the run.
"""

from __future__ import annotations

import argparse
import http.client
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))

import generate  # noqa: E402  (fixtures/generate.py)

BOUNDARY = "vssid-bench-boundary"


def photos(count: int, seed: int) -> list[tuple[bytes, str]]:
    """Synthetic one-card photos as JPEG bytes, each with its payload."""
    rng = random.Random(seed)
    result = []
    buckets = ("clean", "tilt", "jpeg", "light")
    for index in range(count):
        image, params, payloads = generate.make_image(buckets[index % len(buckets)], rng)
        data, _ = generate.encode(image, params)
        result.append((data, payloads[0]))
    return result


def multipart(image: bytes) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"card.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + image + f"\r\n--{BOUNDARY}--\r\n".encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Round:
    """One load round: ``clients`` threads for ``seconds``, server memory sampled meanwhile."""

    def __init__(self, port: int, pid: int, bodies: list[tuple[bytes, str]], clients: int, seconds: float) -> None:
        self.port, self.pid, self.bodies, self.clients, self.seconds = port, pid, bodies, clients, seconds
        self.latencies: list[float] = []
        self.errors = 0
        self.busy = 0
        self.memory: list[int] = []
        self.lock = threading.Lock()

    def client(self, index: int, stop_at: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        turn = index
        while time.monotonic() < stop_at:
            body, payload = self.bodies[turn % len(self.bodies)]
            turn += 1
            start = time.perf_counter()
            try:
                connection.request("POST", "/api/scan", body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                status = response.status
            except OSError:
                with self.lock:
                    self.errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            elapsed = time.perf_counter() - start
            ok = status == 200 and any(code.get("payload") == payload for code in json.loads(data)["codes"])
            with self.lock:
                if ok:
                    self.latencies.append(elapsed)
                elif status == 503:
                    self.busy += 1
                else:
                    self.errors += 1
            if status == 503:  # back off as the server asks, as a well-behaved client does
                time.sleep(float(response.getheader("Retry-After", "1")))
        connection.close()

    def sampler(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.memory.append(rss_kib(self.pid))
            stop.wait(0.1)

    def run(self) -> dict[str, float]:
        stop = threading.Event()
        sampler = threading.Thread(target=self.sampler, args=(stop,))
        sampler.start()
        start = time.monotonic()
        threads = [threading.Thread(target=self.client, args=(i, start + self.seconds)) for i in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - start
        stop.set()
        sampler.join()
        latencies = sorted(self.latencies)
        quarter = max(len(self.memory) // 4, 1)
        return {
            "clients": self.clients,
            "requests": len(latencies),
            "rate": len(latencies) / duration,
            "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
            "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else float("nan"),
            "errors": self.errors,
            "busy": self.busy,
            "rss_start": self.memory[0] / 1024,
            "rss_peak": max(self.memory) / 1024,
            "rss_first_quarter": statistics.mean(self.memory[:quarter]) / 1024,
            "rss_last_quarter": statistics.mean(self.memory[-quarter:]) / 1024,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,4,8", help="comma-separated client counts, one round each")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each round")
    parser.add_argument("--photos", type=int, default=8, help="distinct photos the clients cycle through")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before the first round")
    parser.add_argument("--threads", type=int, help="the server's decoding threads (default: its own, one per core)")
    args = parser.parse_args()
    counts = [int(n) for n in args.clients.split(",")]

    bodies = [(multipart(data), payload) for data, payload in photos(args.photos, seed=41)]
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "vssid_id.web.server", "--host", "127.0.0.1",
                               "--port", str(port), *(["--threads", str(args.threads)] if args.threads else [])],
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.2)
        setting = f"--threads {args.threads}" if args.threads else "its defaults"
        print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores; server: "
              f"vssid-serve, {setting}; {len(bodies)} photos of "
              f"{statistics.mean(len(b) for b, _ in bodies) / 1024:.0f} KiB on average; "
              f"{args.seconds:g} s per round\n")
        Round(port, server.pid, bodies, max(counts), args.warmup).run()  # warm-up, not reported
        print("| clients | requests/s | p50 ms | p95 ms | requests | errors | 503 | server RSS start / peak / end MiB |"
              " RSS first → last quarter MiB |")
        print("|---:|---:|---:|---:|---:|---:|---:|---|---|")
        failed = False
        for clients in counts:
            r = Round(port, server.pid, bodies, clients, args.seconds).run()
            failed |= bool(r["errors"])
            print(f"| {clients} | {r['rate']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['requests']} | "
                  f"{r['errors']} | {r['busy']} | {r['rss_start']:.0f} / {r['rss_peak']:.0f} / "
                  f"{rss_kib(server.pid) / 1024:.0f} | {r['rss_first_quarter']:.0f} → {r['rss_last_quarter']:.0f} |",
                  flush=True)
        return 1 if failed else 0
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
