"""Settings for bench/card_validation.py's gunicorn: Violeta's own, plus one URL for the run's lower bound."""

from violeta.settings import *  # noqa: F403

ROOT_URLCONF = "bench.card_urls"
