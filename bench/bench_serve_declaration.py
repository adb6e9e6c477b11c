"""Time of vssid-serve's declaration routes, in process (Starlette's TestClient, no network).

Run by hand (results go into docs/benchmarks.md):

    python bench/bench_serve_declaration.py [--repeat 15]

The set is the page's: the two synthetic cards of tests/test_web_api.py as QR payloads (the page sends the
payloads it read, not the photos again), a drawn portrait of 1200×1600 (what the page sends of a phone's
photo: it scales the portrait to 2400 px at most and the card sides to 1600) and two card photos. Reported:
``POST /api/declaration`` for the PDF, for the JSON (``Accept: application/json``), for both (the JSON with
``?pdf=true``: the page's *Tạo tờ khai PDF*), with ``?check=true`` (the
page's check when leaving the photos), and ``POST /api/check`` of four typed fields (as a person leaves a field);
median and p95 of wall-clock time after one warm-up call.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "fixtures")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat

    import cv2
    import generate
    from starlette.testclient import TestClient
    from test_web_api import card_photo, same_person_cards

    from vssid_id.declaration.synthetic import synthetic_portrait
    from vssid_id.web.app import create_app

    cccd, bhyt = same_person_cards()
    back = io.BytesIO()
    generate.Image.new("RGB", (1600, 1010), (226, 232, 224)).save(back, "JPEG", quality=90)
    files = {"portrait": ("p.jpg", cv2.imencode(".jpg", synthetic_portrait(1200, 1600))[1].tobytes(), "image/jpeg"),
             "id_front": ("f.jpg", card_photo(cccd.to_payload(), "cccd"), "image/jpeg"),
             "id_back": ("b.jpg", back.getvalue(), "image/jpeg")}
    data = {"payload": [bhyt.to_payload(), cccd.to_payload()], "phone": "0912 345 678", "email": "an@example.com"}
    typed = {"phone": "+84 912 345 678", "email": "an@example.com", "bhxh_code": "0120878811",
             "date_of_birth": "05/03/1990"}

    def timed(call: object) -> str:
        assert callable(call)
        call()  # warm-up: imports, the cascade, the fonts
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        return f"median {statistics.median(times):.0f} ms, p95 {times[int(0.95 * (len(times) - 1))]:.0f} ms"

    with TestClient(create_app()) as client:
        def post(**options: object) -> None:
            response = client.post("/api/declaration", data=data, files=files, **options)  # type: ignore[arg-type]
            assert response.status_code == 200, response.text

        def check() -> None:
            assert client.post("/api/check", json=typed).status_code == 200

        print("POST /api/declaration (PDF):        ", timed(lambda: post()))
        print("POST /api/declaration (JSON):       ", timed(lambda: post(headers={"Accept": "application/json"})))
        print("POST /api/declaration?pdf=true JSON:", timed(lambda: post(params={"pdf": "true"},
                                                                         headers={"Accept": "application/json"})))
        print("POST /api/declaration?check=true:   ", timed(lambda: post(params={"check": "true"})))
        print("POST /api/check (four fields):      ", timed(check))


if __name__ == "__main__":
    main()
