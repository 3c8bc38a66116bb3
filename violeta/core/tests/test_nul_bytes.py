"""Hole 10: a NUL byte in any input must get a clear 400, never a server error (PostgreSQL refuses it in text).

The card office search passed it straight to the database; the middleware refuses it everywhere: addresses,
query strings, form fields, uploaded file names and JSON strings.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

MESSAGE = "carácter que no se permite"


def test_card_office_search_with_a_nul_byte_is_a_clear_400(client, card_office):
    client.force_login(card_office)
    response = client.post("/tarjeta/oficina/", {"q": "Mar\x00ía"})
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/tarjeta/comercios/?q=%00",
        "/tarjeta/comercios/?q%00=1",
        "/expedientes/?q=a%00b",
        "/tarjeta/comer%00cios/",
    ],
)
def test_query_strings_and_addresses_with_a_nul_byte(client, lawyer, path):
    client.force_login(lawyer)
    response = client.get(path)
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_api_strings_with_a_nul_byte_get_the_api_error_shape(client):
    response = client.post(
        "/api/v1/mia/otp", json.dumps({"phone": "614\u00004900789"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and MESSAGE in response.json()["detail"]


def test_an_escaped_backslash_before_u0000_is_not_a_nul_byte(client):
    response = client.post(
        "/api/v1/mia/otp", json.dumps({"phone": "\\u0000"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert MESSAGE not in response.json()["detail"]  # refused as a phone number, not as a NUL byte


def test_uploaded_file_names_with_a_nul_byte(client, db):
    upload = SimpleUploadedFile("ine\x00.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    response = client.post("/tarjeta/solicitar/", {"given_names": "Ana", "identification": upload})
    assert response.status_code in (200, 400)  # Django may drop the name; it must never be a 500


def test_a_plain_request_passes(client, db):
    assert client.get("/tarjeta/comercios/?q=super").status_code == 200
