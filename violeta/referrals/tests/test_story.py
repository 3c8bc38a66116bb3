"""The issue's "done when", end to end through the pages: refer with consent, the liaison answers, the case
shows the history, the letter is generated and its QR verifies."""

import re

import pytest
from django.urls import reverse

from violeta.notifications.models import Notification
from violeta.referrals import documents
from violeta.referrals.models import Referral, ReferralStatus
from violeta.referrals.tests.factories import refer

pytestmark = pytest.mark.django_db


def test_social_worker_refers_to_dif_and_the_liaison_answers(
    client, case, social_worker, dif, police, liaison
):
    unrelated = refer(case, social_worker, police)
    client.force_login(social_worker)
    client.post(
        reverse("referrals:create", kwargs={"folio": case.folio}),
        {
            "institution": dif.pk,
            "person": case.holder_id,
            "urgency": "ordinary",
            "reason": "Apoyo de guardería",
            "shared_summary": "Necesita guardería para sus dos hijos.",
            "consent_given": "on",
            "consent_scope": "Compartir este resumen con el DIF",
            "send": "1",
        },
    )
    referral = Referral.objects.get(institution=dif)
    assert referral.status == ReferralStatus.SENT

    # The liaison: a notice, her inbox with this referral only, the summary and nothing of the file.
    client.force_login(liaison)
    assert Notification.objects.filter(recipient=liaison, url__contains=referral.folio).exists()
    inbox = client.get(reverse("referrals:liaison_inbox")).content.decode()
    assert referral.folio in inbox and unrelated.folio not in inbox
    detail = client.get(
        reverse("referrals:liaison_detail", kwargs={"folio": referral.folio})
    ).content.decode()
    assert "Necesita guardería para sus dos hijos." in detail and case.reason not in detail
    assert client.get(reverse("cases:detail", kwargs={"folio": case.folio})).status_code in (403, 404)
    answer = reverse("referrals:liaison_answer", kwargs={"folio": referral.folio})
    client.post(answer, {"action": "accept"})
    client.post(
        answer,
        {
            "action": "report",
            "counter_referral": "Inscritos en la guardería del DIF.",
            "outcome": "service_given",
        },
    )

    # The case team: told, and the case shows every step.
    client.force_login(social_worker)
    assert Notification.objects.filter(recipient=social_worker, kind="referral").count() == 2
    page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    for step in ("Borrador", "Enviada a la institución", "Recibida", "Atendida"):
        assert f"{referral.folio} · {referral.institution} · {step}" in page
    detail = client.get(reverse("referrals:detail", kwargs={"folio": referral.folio})).content.decode()
    assert "Inscritos en la guardería del DIF." in detail

    # The letter, and its QR's verification page.
    pdf = client.get(reverse("referrals:letter", kwargs={"folio": referral.folio}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    path = re.search(r"https?://[^/]+(/canalizaciones/verificar/[^/<\s]+/)", documents.letter_html(referral))[
        1
    ]
    client.logout()
    verified = client.get(path).content.decode()
    assert "Auténtico" in verified and referral.folio in verified and dif.name in verified
    assert case.holder.full_name not in verified
