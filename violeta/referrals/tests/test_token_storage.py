"""Hole 10: a referral letter's verification token is not stored: the database keeps its hash, and the letter's
address (derived with a keyed HMAC, so the letter can be printed again) still verifies it."""

import re

from django.urls import reverse

from violeta.referrals.services import verification_url
from violeta.referrals.tests.factories import refer
from violeta.testing.db import raw_row


def test_the_verification_token_is_not_stored_and_the_address_works(client, case, social_worker, dif):
    referral = refer(case, social_worker, dif)
    url = verification_url(referral)
    token = re.search(r"/verificar/([A-Za-z0-9_-]+)/$", url).group(1)
    assert not any(token in str(value) for value in raw_row("referrals_referral", referral.pk))
    response = client.get(reverse("referrals:verify", kwargs={"token": token}))
    assert response.status_code == 200 and referral.folio in response.content.decode()
    assert verification_url(type(referral).objects.get(pk=referral.pk)) == url
