"""What people see when something is not there (issue 16, finding 5): Violeta's own pages, in Spanish, under
`make run` as in production; never Django's English debug pages listing every URL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]


def _development_setting(name: str) -> str:
    """A setting as `make run` gets it: no VIOLETA_ENV, no DEBUG in the environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "VIOLETA_ENV")}
    env["DJANGO_SETTINGS_MODULE"] = "violeta.settings"
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    return subprocess.run(  # noqa: S603 (this interpreter, fixed code)
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_development_server_answers_as_the_institute_sees_it():
    # DEBUG on makes every 404 Django's English page listing the URL patterns: a developer turns it on herself.
    assert _development_setting("DEBUG") == "False"
    # Passkeys still work on http://127.0.0.1 outside production.
    assert _development_setting("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN") == "True"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/no-existe/", "/expedientes/999999/"], ids=["unknown address", "a case that is not there"]
)
def test_a_missing_page_is_violetas_own_in_spanish(client, lawyer, path):
    client.force_login(lawyer)
    response = client.get(path)
    assert response.status_code == 404
    body = response.content.decode()
    assert "No encontramos lo que busca" in body and "URLconf" not in body and "Page not found" not in body
    assert reverse("home") in body
