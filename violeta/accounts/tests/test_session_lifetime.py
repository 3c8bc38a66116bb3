"""Staff sessions: 15 minutes idle, an absolute lifetime from sign-in, and Clear-Site-Data on logout."""

import time

from django.urls import reverse

from violeta.conftest import PASSWORD


def sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert str(client.session.get("_auth_user_id")) == str(user.pk), response
    return response


def test_the_default_idle_timeout_is_fifteen_minutes(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 15 * 60


def test_an_active_session_still_ends_at_its_absolute_lifetime(client, lawyer, settings):
    assert settings.SESSION_ABSOLUTE_LIFETIME == 10 * 60 * 60
    sign_in(client, lawyer)
    assert client.get(reverse("cases:list")).status_code == 200
    session = client.session
    session["violeta_signed_in_at"] = int(time.time()) - 9 * 60 * 60  # signed in nine hours ago, active since
    session.save()
    assert client.get(reverse("cases:list")).status_code == 200
    session = client.session
    session["violeta_signed_in_at"] = int(time.time()) - 10 * 60 * 60 - 60
    session.save()
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


def test_the_absolute_lifetime_is_configurable(client, lawyer, settings):
    settings.SESSION_ABSOLUTE_LIFETIME = 60 * 60
    sign_in(client, lawyer)
    session = client.session
    session["violeta_signed_in_at"] = int(time.time()) - 61 * 60
    session.save()
    assert client.get(reverse("cases:list")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_session_without_a_sign_in_time_is_ended(client, lawyer):
    sign_in(client, lawyer)
    session = client.session
    del session["violeta_signed_in_at"]
    session.save()
    assert client.get(reverse("cases:list")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_logout_tells_the_browser_to_clear_what_the_session_left(client, lawyer):
    sign_in(client, lawyer)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "_auth_user_id" not in client.session


def test_pages_other_than_logout_do_not_clear_site_data(client, lawyer):
    sign_in(client, lawyer)
    assert "Clear-Site-Data" not in client.get(reverse("cases:list"))


def test_a_request_soon_after_the_last_does_not_write_the_session(client, lawyer, settings, monkeypatch):
    """The last request's time is written at most once per SESSION_ACTIVITY_GRANULARITY, not on every request."""
    sign_in(client, lawyer)
    assert client.get(reverse("cases:list")).status_code == 200
    store = type(client.session)  # the SessionStore of settings.SESSION_ENGINE
    real_save, saves = store.save, []

    def counted_save(self, *args, **kwargs):
        saves.append(self.session_key)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(store, "save", counted_save)
    assert client.get(reverse("cases:list")).status_code == 200
    assert saves == []


def test_a_request_after_the_granularity_renews_the_last_seen_time(client, lawyer, settings):
    settings.SESSION_ACTIVITY_GRANULARITY = 60
    sign_in(client, lawyer)
    session = client.session
    session["violeta_last_seen"] = int(time.time()) - 61
    session.save()
    assert client.get(reverse("cases:list")).status_code == 200
    assert client.session["violeta_last_seen"] >= int(time.time()) - 1
    session = client.session
    session["violeta_last_seen"] = int(time.time()) - 30
    session.save()
    assert client.get(reverse("cases:list")).status_code == 200
    assert client.session["violeta_last_seen"] <= int(time.time()) - 30  # within the granularity: kept
