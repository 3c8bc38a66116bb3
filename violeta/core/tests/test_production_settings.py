"""Production settings refuse to start insecurely, and `check --deploy` finds nothing in a production setup.

Each case starts from a complete production environment (which must start: the control) and spoils one thing.
The settings run in a subprocess so the refusal is the real import-time one.
"""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()


def production_env(tmp_path, **changes) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VIOLETA_", "DJANGO_", "SECURE_"))
        and k
        not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SITE_URL", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL"}
    }
    env.update(
        {
            "VIOLETA_ENV": "production",
            "VIOLETA_VAR_DIR": str(tmp_path),
            "SECRET_KEY": "q7Vd-" + "".join(chr(65 + (i * 7) % 26) for i in range(60)),
            "VIOLETA_ENCRYPTION_KEYS": KEY,
            "ALLOWED_HOSTS": "violeta.imm.example.mx",
            "SITE_URL": "https://violeta.imm.example.mx",
            "CSRF_TRUSTED_ORIGINS": "https://violeta.imm.example.mx",
            "DJANGO_SETTINGS_MODULE": "violeta.settings",
        }
    )
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_a_complete_production_environment_starts(tmp_path):
    result = run(production_env(tmp_path), "-c", "import violeta.settings")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"DEBUG": "1"}, "DEBUG must be off"),
        ({"SECRET_KEY": "dev-" + "x" * 60}, "not a development default"),
        ({"SECRET_KEY": "short-but-random-9f3k"}, "not a development default"),
        ({"SECRET_KEY": "a" * 60}, "not a development default"),
        ({"SECRET_KEY": None}, "SECRET_KEY is required"),
        ({"VIOLETA_ENCRYPTION_KEYS": None}, "VIOLETA_ENCRYPTION_KEYS is required"),
        ({"VIOLETA_ENCRYPTION_KEYS": "not-a-key"}, "base64 32-byte keys"),
        ({"VIOLETA_ENCRYPTION_KEYS": f"{KEY},{KEY[:20]}"}, "base64 32-byte keys"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must name"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must name"),
        ({"SITE_URL": "http://violeta.imm.example.mx"}, "SITE_URL must be an https://"),
        ({"SITE_URL": None}, "SITE_URL must be an https://"),
        ({"CSRF_TRUSTED_ORIGINS": "http://violeta.imm.example.mx"}, "CSRF_TRUSTED_ORIGINS must be https://"),
    ],
)
def test_production_refuses_to_start_insecurely(tmp_path, changes, message):
    result = run(production_env(tmp_path, **changes), "-c", "import violeta.settings")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_check_deploy_is_clean_in_production(tmp_path):
    result = run(production_env(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
