"""What every part of the settings reads first: where Violeta lives, which environment this is, and helpers."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VIOLETA_VAR_DIR", BASE_DIR / "var"))

ENV = os.environ.get("VIOLETA_ENV", "development")
PRODUCTION = ENV == "production"
TESTING = os.environ.get("VIOLETA_TESTING") == "1"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _dev_secret(filename: str, make) -> str:
    """A secret generated once into var/ for development, so restarts keep sessions and encrypted data."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))
