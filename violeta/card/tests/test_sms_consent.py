"""Her digital card's link is texted only when her application recorded that she accepts text messages; the
public form's answers about a CURP are rate-limited per connection."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from violeta.card.models import CardApplication
from violeta.card.services.cards import card_link_send
from violeta.card.tests import factories
from violeta.card.tests.test_public import APPLY, form_data
from violeta.messaging.models import Message

pytestmark = pytest.mark.django_db


def test_no_text_without_her_consent(client, card_office):
    card = factories.issued_card(card_office)  # the desk form left "accepts SMS" unticked
    assert card.application.accepts_sms is False
    with pytest.raises(ValidationError) as exc:
        card_link_send(card=card, by=card_office)
    assert exc.value.code == "no_sms_consent"
    client.force_login(card_office)
    page = client.get(reverse("card:application_detail", kwargs={"pk": card.application_id})).content.decode()
    assert reverse("card:card_action", kwargs={"pk": card.pk, "action": "send_link"}) not in page
    assert "No aceptó mensajes de texto" in page
    response = client.post(reverse("card:card_action", kwargs={"pk": card.pk, "action": "send_link"}))
    assert response.status_code == 302
    assert not Message.objects.exists()


def test_with_her_consent_the_neutral_text_goes_through_the_outbox(client, card_office):
    card = factories.issued_card(card_office, accepts_sms=True)
    client.force_login(card_office)
    page = client.get(reverse("card:application_detail", kwargs={"pk": card.application_id})).content.decode()
    assert reverse("card:card_action", kwargs={"pk": card.pk, "action": "send_link"}) in page
    client.post(reverse("card:card_action", kwargs={"pk": card.pk, "action": "send_link"}))
    message = Message.objects.get()
    for private in ("María", "Fernanda", "Loya", "Chávez", card.number, card.number[-4:], "Libertad"):
        assert private not in message.body
    assert card.application.curp not in message.body


def test_the_public_form_records_her_sms_consent(client, db):
    assert client.post(APPLY, form_data(accepts_sms="on")).status_code == 302
    assert CardApplication.objects.get().accepts_sms is True


def test_the_public_form_leaves_sms_unaccepted_by_default(client, db):
    page = client.get(APPLY).content.decode()
    assert 'name="accepts_sms"' in page and "checked" not in page.split('name="accepts_sms"')[1][:80]
    client.post(APPLY, form_data())
    assert CardApplication.objects.get().accepts_sms is False


def test_the_desk_form_records_her_sms_consent(client, card_office):
    client.force_login(card_office)
    data = form_data(accepts_sms="on", documents_checked_at_desk="on")
    response = client.post(reverse("card:desk_application"), data)
    assert response.status_code == 302
    assert CardApplication.objects.get().accepts_sms is True


def test_duplicate_curp_probes_count_against_the_connections_limit(client, db, monkeypatch):
    """A stranger trying CURPs learns nothing (the same answer as a new application) and only a few times per
    hour per connection."""
    from violeta.card import views

    monkeypatch.setattr(views, "APPLY_PER_HOUR_IP", 3)
    assert client.post(APPLY, form_data()).status_code == 302  # her own application
    for _ in range(2):
        probe = client.post(APPLY, form_data())
        assert probe.status_code == 302
        assert "solicitud en trámite con esta CURP" not in probe.content.decode()
    over = client.post(APPLY, form_data()).content.decode()
    assert "Demasiadas solicitudes" in over
    assert "solicitud en trámite con esta CURP" not in over
    assert CardApplication.objects.count() == 1


def test_the_redis_cache_path_of_the_settings_has_its_client():
    """With REDIS_URL set the settings use Django's RedisCache: its client package must be installed."""
    from django.core.cache.backends.redis import RedisCache

    backend = RedisCache("redis://127.0.0.1:6379/1", {})
    client = backend._cache  # builds the client (imports ``redis``) without connecting
    assert client._lib.__name__ == "redis"
