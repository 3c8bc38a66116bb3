"""A server process settles its heap once before its first request (violeta/core/startup.py)."""

import gc
import importlib
import sys

from django.urls import clear_url_caches, get_resolver

from violeta.core import startup


def test_settling_freezes_what_start_up_made_and_loads_every_view():
    gc.unfreeze()
    clear_url_caches()
    assert "url_patterns" not in get_resolver().__dict__
    try:
        startup.settle_heap()
        assert gc.get_freeze_count() > 10_000  # Django's and the apps' objects, never walked again
        assert "url_patterns" in get_resolver().__dict__  # the URLconf was imported before any request
    finally:
        gc.unfreeze()
    # Objects made afterwards are still collected.
    cycle = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1


def test_the_wsgi_application_settles_its_heap_when_it_is_loaded(monkeypatch):
    calls = []
    monkeypatch.setattr(startup, "settle_heap", lambda: calls.append(True))
    monkeypatch.delitem(sys.modules, "violeta.wsgi", raising=False)
    module = importlib.import_module("violeta.wsgi")
    assert callable(module.application)
    assert calls == [True]
