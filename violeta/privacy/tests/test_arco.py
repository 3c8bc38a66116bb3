from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.notifications.models import Notification
from violeta.people.tests.factories import PersonFactory
from violeta.privacy import clock, selectors
from violeta.privacy.models import ArcoRight, ArcoStatus
from violeta.privacy.services.arco import arco_answer, arco_extend, arco_refuse, arco_start
from violeta.privacy.tests.factories import arco

pytestmark = pytest.mark.django_db


def test_a_request_gets_its_legal_clock_and_a_reminder(director):
    person = PersonFactory()
    received = timezone.localdate() - timedelta(days=2)
    request = arco(person, director, received_on=received)
    assert request.due_on == clock.add_business_days(received, 20)
    assert request.status == ArcoStatus.RECEIVED
    reminder = Notification.objects.get(recipient=director, key=f"privacy.arco:{request.pk}:due")
    assert timezone.localtime(reminder.deliver_at).date() == clock.subtract_business_days(request.due_on, 5)
    assert person.full_name not in reminder.message
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="privacy.arcorequest").exists()


def test_only_privacy_officers_register(receptionist, lawyer):
    for user in (receptionist, lawyer):
        with pytest.raises(PermissionDenied):
            arco(PersonFactory(), user)


def test_received_in_the_future_is_refused(director):
    with pytest.raises(ValidationError):
        arco(PersonFactory(), director, received_on=timezone.localdate() + timedelta(days=1))


def test_one_extension_of_twenty_business_days(director):
    request = arco(PersonFactory(), director)
    due = request.due_on
    arco_extend(request=request, by=director, reason="Expediente voluminoso en archivo.")
    assert request.status == ArcoStatus.EXTENDED
    assert request.due_on == clock.add_business_days(due, 20)
    with pytest.raises(ValidationError):
        arco_extend(request=request, by=director, reason="Otra vez.")


def test_answering_closes_it_and_withdraws_the_reminder(director):
    request = arco(PersonFactory(), director)
    arco_start(request=request, by=director)
    arco_answer(request=request, by=director, response="Se le entregó su información.")
    assert request.status == ArcoStatus.ANSWERED
    notice = Notification.objects.get(key=f"privacy.arco:{request.pk}:due")
    assert notice.cancelled_at is not None
    with pytest.raises(ValidationError):
        arco_refuse(request=request, by=director, reason="x")


def test_refusal_needs_a_reason(director):
    request = arco(PersonFactory(), director)
    with pytest.raises(ValidationError):
        arco_refuse(request=request, by=director, reason="  ")
    arco_refuse(request=request, by=director, reason="No acreditó su identidad.")
    assert request.status == ArcoStatus.REFUSED


def test_overdue_list(director, coordinator):
    late = arco(PersonFactory(), director, received_on=date(2026, 1, 5))
    on_time = arco(PersonFactory(), director)
    mine = arco(PersonFactory(), coordinator)
    overdue = selectors.arco_queue(director, show="overdue")
    assert late in overdue and on_time not in overdue
    # a coordinator sees only the requests she handles
    assert selectors.arco_queue(coordinator, show="all") == [mine]


def test_pages(client, director, coordinator):
    person = PersonFactory()
    client.force_login(director)
    response = client.get(reverse("privacy:arco_create"), {"persona": person.pk})
    assert response.status_code == 200
    response = client.post(
        reverse("privacy:arco_create") + f"?persona={person.pk}",
        {
            "right": ArcoRight.OPPOSITION,
            "received_on": timezone.localdate().isoformat(),
            "identity_check": "voter_id",
            "description": "Se opone a recibir SMS.",
        },
    )
    assert response.status_code == 302
    request = selectors.arco_requests(director).get()
    assert client.get(reverse("privacy:arco_list")).status_code == 200
    page = client.get(reverse("privacy:arco_detail", kwargs={"pk": request.pk}))
    assert page.status_code == 200
    assert request.due_on.strftime("%d/%m/%Y") in page.content.decode()
    # another officer who does not handle it gets a 404, audited
    client.force_login(coordinator)
    assert client.get(reverse("privacy:arco_detail", kwargs={"pk": request.pk})).status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=coordinator, object_type="privacy.arcorequest"
    ).exists()


def test_bad_input_changes_nothing(client, director):
    person = PersonFactory()
    client.force_login(director)
    response = client.post(
        reverse("privacy:arco_create") + f"?persona={person.pk}",
        {"right": "nope", "received_on": "", "identity_check": "voter_id", "description": ""},
    )
    assert response.status_code == 200
    assert not selectors.arco_requests(director).exists()
