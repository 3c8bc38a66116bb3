"""A role-level refusal (``staff_required``) answers 404 like an object-level one, and is audited with the URL's
name, never its personal parts (issue 12, hole 10)."""

from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory


def test_a_role_refusal_is_a_404(client, trainer):
    client.force_login(trainer)
    assert client.get(reverse("cases:list")).status_code == 404


def test_a_role_refusal_is_audited_with_the_url_name_only(client, trainer, receptionist):
    case = CaseFactory(opened_by=receptionist)
    client.force_login(trainer)
    response = client.get(reverse("cases:detail", kwargs={"folio": case.folio}))
    assert response.status_code == 404
    event = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=trainer).latest("id")
    assert event.object_id == "cases:detail"
    assert case.folio not in f"{event.object_type} {event.object_id} {event.detail}"
    assert event.flagged is True


def test_a_post_refused_by_role_changes_nothing_and_is_audited(client, merchant, receptionist):
    case = CaseFactory(opened_by=receptionist)
    client.force_login(merchant)
    response = client.post(reverse("cases:close", kwargs={"folio": case.folio}), {"reason": "declined"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.is_active
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=merchant, object_id="cases:close"
    ).exists()


def test_anonymous_visitors_are_still_sent_to_sign_in(client, receptionist):
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
