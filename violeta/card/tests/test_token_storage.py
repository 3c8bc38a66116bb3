"""Hole 10: a card's tokens (its QR and her link) are not stored: the database keeps hashes, and the QR and the
link can be shown again (derived with a keyed HMAC) and still work."""

import re

from django.urls import reverse

from violeta.card import documents
from violeta.card.tests import factories
from violeta.testing.db import raw_row


def _token(url: str) -> str:
    return re.search(r"/(?:v|mi-tarjeta)/([A-Za-z0-9_-]+)/$", url).group(1)


def test_card_tokens_are_not_stored_and_the_links_work(client, card_office, till):
    card = factories.issued_card(card_office)
    verify, holder = _token(documents.verify_url(card)), _token(documents.holder_url(card))
    row = [str(value) for value in raw_row("card_card", card.pk)]
    assert not any(verify in value or holder in value for value in row)
    assert client.get(reverse("card:holder_card", kwargs={"token": holder})).status_code == 200
    client.force_login(till)
    response = client.post(reverse("card:validate_token", kwargs={"token": verify}))
    assert response.status_code == 200 and "Válida" in response.content.decode()


def test_the_qr_and_link_are_the_same_when_shown_again(card_office):
    card = factories.issued_card(card_office)
    again = type(card).objects.get(pk=card.pk)
    assert documents.verify_url(again) == documents.verify_url(card)
    assert documents.holder_url(again) == documents.holder_url(card)


def test_stored_values_open_nothing(client, card_office):
    card = factories.issued_card(card_office)
    for value in raw_row("card_card", card.pk):
        if isinstance(value, str) and len(value) >= 20:
            assert client.get(reverse("card:holder_card", kwargs={"token": value})).status_code == 404
