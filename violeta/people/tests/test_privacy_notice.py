"""The privacy notices (LGPDPPSO): the integral and the simplified one, from configuration, public on purpose."""

import pytest
from django.urls import reverse

from violeta.people.privacy_notice import current_notice

pytestmark = pytest.mark.django_db


def test_the_default_notices_name_the_institute_purposes_transfers_and_arco_rights(settings):
    notice = current_notice()
    assert settings.INSTITUTE["name"] in notice.integral
    assert settings.INSTITUTE["address"] in notice.integral
    for words in (
        "finalidades",
        "transferencia",
        "ARCO",
        "acceso",
        "rectificación",
        "cancelación",
        "oposición",
    ):
        assert words.lower() in notice.integral.lower(), words
    assert "Ley General de Protección de Datos Personales en Posesión de Sujetos Obligados" in notice.integral
    assert settings.INSTITUTE["name"] in notice.simplified
    assert "/aviso-de-privacidad/" in notice.simplified  # where to read the integral one
    assert "$" not in notice.integral + notice.simplified  # every placeholder filled
    assert len(notice.sha256) == 64 and notice.version


def test_the_texts_come_from_files_when_configured(settings, tmp_path):
    before = current_notice()
    integral = tmp_path / "integral.txt"
    integral.write_text("# Aviso integral de prueba\n\nResponsable: $institute_name.\n", encoding="utf-8")
    simplified = tmp_path / "simplificado.txt"
    simplified.write_text("Aviso simplificado de prueba. Integral en $integral_url\n", encoding="utf-8")
    settings.PRIVACY_NOTICE = {
        **settings.PRIVACY_NOTICE,
        "version": "2027-01",
        "integral_path": str(integral),
        "simplified_path": str(simplified),
    }
    notice = current_notice()
    assert notice.version == "2027-01"
    assert notice.integral.startswith("# Aviso integral de prueba")
    assert settings.INSTITUTE["name"] in notice.integral
    assert notice.simplified.startswith("Aviso simplificado de prueba")
    assert notice.sha256 != before.sha256
    simplified.write_text("Otro texto.\n", encoding="utf-8")
    assert current_notice().sha256 != notice.sha256  # any change of text is a new hash


def test_a_missing_notice_file_is_a_configuration_error(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.PRIVACY_NOTICE = {**settings.PRIVACY_NOTICE, "integral_path": str(tmp_path / "no-existe.txt")}
    with pytest.raises(ImproperlyConfigured):
        current_notice()


@pytest.mark.parametrize("name", ["integral", "simplified", "simplified_print"])
def test_the_notices_are_public_pages(client, settings, name):
    response = client.get(reverse(f"privacy_notice:{name}"))
    assert response.status_code == 200
    body = response.content.decode()
    assert settings.INSTITUTE["name"] in body
    assert "ARCO" in body


def test_the_integral_notice_has_a_stable_address(client):
    assert reverse("privacy_notice:integral") == "/aviso-de-privacidad/"
    assert reverse("privacy_notice:simplified") == "/aviso-de-privacidad/simplificado/"


def test_the_printable_notice_is_a_page_of_its_own(client):
    body = client.get(reverse("privacy_notice:simplified_print")).content.decode()
    assert "navbar" not in body and "window.print" not in body  # no menu; printing by the browser's command
    assert current_notice().version in body


def test_markup_in_a_configured_notice_is_escaped(client, settings, tmp_path):
    integral = tmp_path / "integral.txt"
    integral.write_text("# Título\n\n<script>alert(1)</script>\n\n- uno\n- dos\n", encoding="utf-8")
    settings.PRIVACY_NOTICE = {**settings.PRIVACY_NOTICE, "integral_path": str(integral)}
    body = client.get(reverse("privacy_notice:integral")).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert "<li>uno</li>" in body and "Título</h1>" in body
