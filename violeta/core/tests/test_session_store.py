"""The database session engine (violeta/core/sessions.py): Django's behaviour, its read as one written statement."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from violeta.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_settings_choose_it_without_redis(settings):
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():  # REDIS_URL set (the Redis step of .ci/run)
        assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache"
    else:
        assert settings.SESSION_ENGINE == "violeta.core.sessions"


def test_a_session_reads_back_what_was_saved_in_one_statement():
    store = SessionStore()
    store["violeta_last_seen"] = 123
    store["nombre"] = "Ñandú"
    store.create()
    with CaptureQueriesContext(connection) as sent:
        again = SessionStore(store.session_key)
        assert again["nombre"] == "Ñandú"
        assert again["violeta_last_seen"] == 123
    assert len(sent.captured_queries) == 1
    assert again.session_key == store.session_key


def test_an_expired_or_unknown_session_is_a_new_empty_one():
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    unknown = SessionStore("a" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None
    assert SessionStore(None).load() == {}
