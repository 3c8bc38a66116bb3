"""The intake opened from an inbound referral: the case and its link back are one transaction, and the link
goes to the case this intake opened (never 'the newest case of this user')."""

import contextlib

import pytest
from django.db.models.signals import post_save
from django.urls import reverse

from violeta.cases.models import Case
from violeta.cases.tests.factories import CaseFactory
from violeta.people.models import Person
from violeta.people.privacy_notice import current_notice
from violeta.referrals.inbound import inbound_referral_create
from violeta.referrals.models import InboundReferral, InboundStatus

pytestmark = pytest.mark.django_db


def _inbound(liaison) -> InboundReferral:
    return inbound_referral_create(
        by=liaison,
        given_names="Ana",
        first_surname="Zubiría",
        phone="614 123 4567",
        reason="Requiere asesoría para pensión alimenticia.",
        consent_given=True,
    )


def _post(client, inbound):
    return client.post(
        reverse("referrals:inbound_intake", kwargs={"pk": inbound.pk}),
        {
            "p-given_names": "Ana",
            "p-first_surname": "Zubiría",
            "p-approximate_age": "30",
            "p-gender": "woman",
            "s-phone_choice": "none",
            "c-privacy_notice_accepted": "on",
            "c-privacy_notice_sha256": current_notice().sha256,
            "c-arrival_channel": "referred",
            "c-arrival_detail": "DIF Municipal",
            "c-reason": "Requiere asesoría para pensión alimenticia.",
        },
    )


@contextlib.contextmanager
def on_case_saved(func):
    """Run ``func(case)`` once, while the intake's case is being opened (inside its transaction)."""
    done = []

    def receiver(sender, instance, created, **kwargs):
        if created and not done:
            done.append(instance)
            func(instance)

    post_save.connect(receiver, sender=Case, dispatch_uid="test-intake-in-between")
    try:
        yield done
    finally:
        post_save.disconnect(sender=Case, dispatch_uid="test-intake-in-between")


def test_the_inbound_referral_is_linked_to_the_case_this_intake_opened(client, liaison, receptionist):
    inbound = _inbound(liaison)
    client.force_login(receptionist)
    # Meanwhile the same receptionist opens another woman's case (another tab): it gets a higher id.
    with on_case_saved(lambda case: CaseFactory(opened_by=receptionist)) as opened:
        response = _post(client, inbound)
    assert response.status_code == 302
    assert Case.objects.count() == 2
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.CONVERTED
    assert inbound.case == opened[0]
    assert inbound.case.holder.first_surname == "Zubiría"


def test_when_the_link_back_fails_no_case_is_left_behind(client, liaison, receptionist):
    inbound = _inbound(liaison)
    client.force_login(receptionist)
    # Another receptionist dismisses the referral while this intake is being saved.
    dismiss = lambda case: InboundReferral.objects.filter(pk=inbound.pk).update(  # noqa: E731
        status=InboundStatus.DISMISSED
    )
    with on_case_saved(dismiss):
        response = _post(client, inbound)
    assert response.status_code == 200
    assert "Esta canalización ya fue atendida." in response.content.decode()
    assert not Case.objects.exists()
    assert not Person.objects.filter(first_surname="Zubiría").exists()
    inbound.refresh_from_db()
    assert inbound.status != InboundStatus.CONVERTED and inbound.case is None
