"""vssid-serve's declaration API (issue 20): /api/offices, /api/check, /api/declaration, and the edits (web/edits.py).

In process (Starlette's TestClient); the library's own results are the reference: the API must give what
``vssid_id.OFFICES``, ``vssid_id.prefill`` and ``vssid_id.declare`` give.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[test]'")
pytest.importorskip("python_multipart", reason="the web extra is not installed: pip install -e '.[test]'")

from starlette.testclient import TestClient
from test_web_api import card_photo, same_person_cards

import vssid_id
from vssid_id.declaration.synthetic import synthetic_portrait
from vssid_id.web.app import create_app
from vssid_id.web.edits import apply_edits, check_field

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def _jpeg(bgr: Any) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(bgr[:, :, ::-1]).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def person() -> dict[str, Any]:
    cccd, bhyt = same_person_cards()
    import generate

    back = generate.Image.new("RGB", (856, 540), (226, 232, 224))
    buffer = io.BytesIO()
    back.save(buffer, "JPEG", quality=90)
    return {"cccd": cccd, "bhyt": bhyt,
            "files": {"portrait": ("p.jpg", _jpeg(synthetic_portrait(900, 1200)), "image/jpeg"),
                      "id_front": ("f.jpg", card_photo(cccd.to_payload(), "cccd"), "image/jpeg"),
                      "id_back": ("b.jpg", buffer.getvalue(), "image/jpeg")}}


def _form(person: dict[str, Any], **fields: str) -> list[tuple[str, str]]:
    data = [("payload", person["bhyt"].to_payload()), ("payload", person["cccd"].to_payload()),
            ("phone", "+84 912 345 678"), ("email", "nguoi.a@example.com")]
    return data + list(fields.items())


def _post(client: TestClient, person: dict[str, Any], *, files: dict[str, Any] | None = None,
          accept: str = "application/json", query: str = "", **fields: str) -> Any:
    return client.post("/api/declaration" + query, data=dict(_multi(_form(person, **fields))),
                       files=person["files"] if files is None else files, headers={"Accept": accept})


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


# --- /api/offices ------------------------------------------------------------------------------


def test_offices_are_the_librarys_34(client: TestClient) -> None:
    response = client.get("/api/offices")
    assert response.status_code == 200
    offices = response.json()["offices"]
    assert offices == [office.model_dump(mode="json") for office in vssid_id.OFFICES]
    assert len(offices) == 34
    thai_nguyen = next(o for o in offices if o["name"] == "Bảo hiểm xã hội tỉnh Thái Nguyên")
    assert "Bắc Kạn" in thai_nguyen["former_provinces"]


def test_the_page_carries_the_offices_and_the_catalogue(client: TestClient) -> None:
    page = client.get("/").text
    start = page.index('<script type="application/json" id="page-data">') + len(
        '<script type="application/json" id="page-data">')
    data = json.loads(page[start:page.index("</script>", start)])
    assert len(data["offices"]) == 34
    assert data["messages"]["errors"]["ImageError"].startswith("Không đọc được ảnh")


# --- /api/check ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "text", "kind"), [
    ("bhxh_code", "abc", "invalid"), ("bhxh_code", "012087881", "invalid"), ("id_number", "12", "invalid"),
    ("old_id_number", "12345", "invalid"), ("date_of_birth", "31/02/2099", "invalid"),
    ("date_of_birth", "01/01/2999", "future"), ("date_of_birth", "1/2/3", "invalid"),
    ("full_name", "75", "invalid"), ("phone", "024 3812 3456", "not_mobile"), ("phone", "abc", "invalid"),
    ("email", "a@", "invalid"), ("office", "Atlantis", "unknown"), ("gender", "x", "invalid"),
])
def test_check_flags_a_malformed_value(client: TestClient, field: str, text: str, kind: str) -> None:
    response = client.post("/api/check", json={field: text})
    assert response.status_code == 200
    assert [(p["field"], p["kind"]) for p in response.json()["problems"]] == [(field, kind)]


def test_check_gives_the_librarys_normal_forms(client: TestClient) -> None:
    response = client.post("/api/check", json={"phone": "+84 912.345.678", "email": "An@Gmail.COM",
                                               "bhxh_code": "0120878811", "office": "bắc kạn",
                                               "date_of_birth": "5/3/1990 ", "gender": "female"})
    assert response.json() == {"problems": [], "values": {
        "phone": "0912345678", "email": "An@gmail.com", "bhxh_code": "0120878811",
        "office": "Bảo hiểm xã hội tỉnh Thái Nguyên", "date_of_birth": "05/03/1990", "gender": "female"}}


@pytest.mark.parametrize(("body", "status"), [({"nope": "x"}, 400), ({"phone": 5}, 422), (["phone"], 422)])
def test_check_refuses_a_malformed_request(client: TestClient, body: Any, status: int) -> None:
    response = client.post("/api/check", json=body)
    assert response.status_code == status
    assert response.json()["error"]["type"]


def test_check_takes_json_only(client: TestClient) -> None:
    assert client.post("/api/check", content=b"phone=1").status_code == 415


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["full_name", "bhxh_code", "id_number", "old_id_number", "date_of_birth",
                                        "gender", "address", "contact_address", "phone", "email", "office"]),
                       st.text(max_size=60)))
def test_check_never_fails_inside(client: TestClient, body: dict[str, str]) -> None:
    response = client.post("/api/check", json=body)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert {p["field"] for p in response.json()["problems"]} <= set(body)


# --- /api/declaration ----------------------------------------------------------------------------


def test_the_declaration_pdf(client: TestClient, person: dict[str, Any]) -> None:
    response = _post(client, person, accept="application/pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "to-khai-bhxh.pdf" in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF")


def test_the_declaration_json_is_the_librarys(client: TestClient, person: dict[str, Any]) -> None:
    response = _post(client, person)
    assert response.status_code == 200, response.text
    got = response.json()["declaration"]
    registration = vssid_id.prefill(person["bhyt"], person["cccd"])
    expected = vssid_id.declare(registration, phone="+84 912 345 678", email="nguoi.a@example.com",
                                portrait=person["files"]["portrait"][1], id_front=person["files"]["id_front"][1],
                                id_back=person["files"]["id_back"][1])
    assert got == expected.model_dump(mode="json")
    assert response.json()["form"] == expected.to_form()


def test_the_json_with_the_pdf_in_it_is_both_of_one_declaration(client: TestClient, person: dict[str, Any]) -> None:
    import base64

    both = _post(client, person, query="?pdf=true")
    assert both.status_code == 200, both.text
    body = both.json()
    assert set(body) == {"declaration", "form", "pdf"}
    assert {k: v for k, v in body.items() if k != "pdf"} == _post(client, person).json()  # the JSON as without
    pdf = base64.b64decode(body["pdf"], validate=True)
    assert pdf == _post(client, person, accept="application/pdf").content  # the PDF as asked alone
    assert "pdf" not in _post(client, person, query="?pdf=false").json()


def test_every_problem_at_once_with_its_field_and_kind(client: TestClient, person: dict[str, Any]) -> None:
    response = client.post("/api/declaration", data={"payload": [person["cccd"].to_payload()], "phone": "12",
                                                     "bhxh_code": "abc"}, files={"id_back": ("b", b"x", "image/jpeg")})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "DeclarationError"
    assert sorted((p["field"], p["kind"]) for p in error["problems"]) == [
        ("bhxh_code", "invalid"), ("email", "missing"), ("id_back", "unreadable"), ("id_front", "missing"),
        ("phone", "invalid"), ("portrait", "missing")]


def test_check_mode_builds_no_pdf(client: TestClient, person: dict[str, Any]) -> None:
    response = _post(client, person, query="?check=true")
    assert response.status_code == 200
    assert response.json() == {"problems": []}


def test_a_typed_name_settles_the_cards_conflict(client: TestClient, person: dict[str, Any]) -> None:
    response = _post(client, person, full_name="Hoàng Quốc Viết", office="Bắc Kạn")
    assert response.status_code == 200, response.text
    declaration = response.json()["declaration"]
    registration = declaration["registration"]
    assert registration["full_name"] == "Hoàng Quốc Viết"
    assert registration["conflicts"] == []
    assert [(n["field"], n["kind"]) for n in registration["notes"]][-1] == ("full_name", "edited_by_hand")
    assert declaration["office"]["name"] == "Bảo hiểm xã hội tỉnh Thái Nguyên"
    pdf = _post(client, person, full_name="Hoàng Quốc Viết", accept="application/pdf").content
    import pypdf

    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Hoàng Quốc Viết" in text and "sửa tay" in text  # the note in Vietnamese, as the rest of the PDF
    assert "typed by the person" not in text


def test_without_a_card_the_declaration_is_refused(client: TestClient, person: dict[str, Any]) -> None:
    response = client.post("/api/declaration", data={"phone": "0912345678"}, files=person["files"])
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "NoCard"


def test_the_declaration_takes_multipart_only(client: TestClient) -> None:
    assert client.post("/api/declaration", json={"phone": "1"}).status_code == 415


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(["phone", "email", "office", "full_name", "bhxh_code", "id_number",
                                               "date_of_birth", "gender", "contact_address", "payload"]),
                              st.text(max_size=40)),
       photo=st.binary(max_size=64))
def test_the_declaration_never_fails_inside(client: TestClient, person: dict[str, Any], fields: dict[str, str],
                                            photo: bytes) -> None:
    data = {"payload": [person["bhyt"].to_payload()], **{k: v for k, v in fields.items() if k != "payload"}}
    if "payload" in fields:
        data["payload"] = [*data["payload"], fields["payload"]]
    response = client.post("/api/declaration", data=data, files={"portrait": ("p", photo, "image/jpeg")},
                           headers={"Accept": "application/json"})
    assert response.status_code in (200, 400, 422), response.text
    assert "error" in response.json() or "declaration" in response.json()


# --- the edits ------------------------------------------------------------------------------------


def test_check_field_uses_the_card_rules() -> None:
    assert check_field("bhxh_code", " 0120878811 ") == ("0120878811", None)
    assert check_field("date_of_birth", "03/1990", today=TODAY) == ((None, 3, 1990), None)
    assert check_field("date_of_birth", "", today=TODAY) == (None, None)
    assert check_field("date_of_birth", "02/12/2026", today=TODAY)[1] == {
        "field": "date_of_birth", "kind": "future", "message": "the date of birth is after today"}
    assert check_field("id_number", "12")[1] == {"field": "id_number", "kind": "invalid",
                                                 "message": check_field("id_number", "12")[1]["message"]}


def test_apply_edits() -> None:
    cccd, bhyt = same_person_cards()
    registration = vssid_id.prefill(bhyt, cccd, today=TODAY)
    assert [c.kind for c in registration.conflicts] == ["name_diacritics"]

    same, problems = apply_edits(registration, {"full_name": registration.full_name or ""}, today=TODAY)
    assert same is registration and problems == []  # the cards' value typed again: no edit

    edited, problems = apply_edits(registration, {"date_of_birth": "1990", "old_id_number": ""}, today=TODAY)
    assert problems == []
    assert (edited.date_of_birth, edited.month_of_birth, edited.year_of_birth) == (None, None, 1990)
    assert [c.kind for c in edited.conflicts] == ["name_diacritics"]  # the name was not edited
    typed = [("date_of_birth", "edited_by_hand")] + (
        [("old_id_number", "edited_by_hand")] if registration.old_id_number is not None else [])
    assert [(n.field, n.kind) for n in edited.notes[len(registration.notes):]] == typed

    emptied, _ = apply_edits(registration, {"bhxh_code": ""}, today=TODAY)
    assert emptied.bhxh_code is None  # what the screen shows: the declaration then says it is missing

    wrong, problems = apply_edits(registration, {"bhxh_code": "abc", "gender": "female"}, today=TODAY)
    assert [(p["field"], p["kind"]) for p in problems] == [("bhxh_code", "invalid")]
    assert wrong.bhxh_code == registration.bhxh_code


def test_openapi_describes_every_api_route(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    routes = {getattr(route, "path", "") for route in client.app.routes}  # type: ignore[attr-defined]
    assert {path for path in routes if path.startswith("/api/")} <= set(document["paths"])
    assert "problems" in json.dumps(document["paths"]["/api/declaration"])


@pytest.mark.parametrize(("typed", "read"), [("5/3/1990", "05/03/1990"), ("05.03.1990", "05/03/1990"),
                                             ("5-3-1990", "05/03/1990"), ("3/1990", "03/1990"), ("1990", "1990")])
def test_a_date_of_birth_typed_without_its_zeros(client: TestClient, typed: str, read: str) -> None:
    assert client.post("/api/check", json={"date_of_birth": typed}).json()["values"] == {"date_of_birth": read}


@given(st.text(alphabet="0123456789/.-", max_size=12))
def test_a_typed_date_is_read_as_the_card_rule_reads_it_padded(text: str) -> None:
    from vssid_id.cards.dates import parse_birth_date
    from vssid_id.errors import MalformedPayload

    value, problem = check_field("date_of_birth", text, today=TODAY)
    if value is not None:
        assert parse_birth_date(_typed(value), slashes=True) == value  # what it reads, it writes back
    else:
        assert problem is not None or not text.strip()
        if problem and problem["kind"] == "invalid":
            with pytest.raises(MalformedPayload):
                parse_birth_date(text.strip(), slashes=True)


def _typed(value: Any) -> str:
    from vssid_id.cards.dates import format_birth_date

    full, month, year = value
    return format_birth_date(full, month, year, slashes=True)
