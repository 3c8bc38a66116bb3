from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from violeta.notifications import services
from violeta.notifications.models import Notification
from violeta.notifications.selectors import inbox, unread_count

pytestmark = pytest.mark.django_db


def test_notice_now_is_in_the_inbox_and_emailed_with_a_neutral_subject(
    lawyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = services.notify(
            recipients=[lawyer], kind="test", message="Riesgo alto en IMM-2026-000001", url="/expedientes/"
        )
    assert list(inbox(lawyer)) == [notice]
    assert unread_count(lawyer) == 1
    services.notification_deliver_run(notification_id=notice.pk)
    assert len(mail.outbox) == 1
    assert "IMM-2026" not in mail.outbox[0].subject + mail.outbox[0].body
    assert mail.outbox[0].to == [lawyer.email]
    # delivering twice sends nothing more
    assert services.notification_deliver_run(notification_id=notice.pk) is False
    assert len(mail.outbox) == 1


def test_reminder_waits_for_its_time(lawyer):
    later = timezone.now() + timedelta(days=2)
    (notice,) = services.notify(
        recipients=[lawyer], kind="t", message="Audiencia", deliver_at=later, key="k:1"
    )
    assert list(inbox(lawyer)) == []
    assert services.notification_deliver_run(notification_id=notice.pk) is False
    assert services.notifications_deliver_due() == 0
    Notification.objects.filter(pk=notice.pk).update(deliver_at=timezone.now() - timedelta(seconds=1))
    assert services.notifications_deliver_due() == 1
    assert list(inbox(lawyer)) == [Notification.objects.get(pk=notice.pk)]
    assert len(mail.outbox) == 1


def test_same_key_reschedules_instead_of_duplicating(lawyer):
    first = timezone.now() + timedelta(days=2)
    services.notify(recipients=[lawyer], kind="t", message="A", deliver_at=first, key="hearing:1")
    second = timezone.now() + timedelta(days=5)
    services.notify(recipients=[lawyer], kind="t", message="B", deliver_at=second, key="hearing:1")
    notice = Notification.objects.get(recipient=lawyer, key="hearing:1")
    assert notice.message == "B"
    assert notice.deliver_at == second


def test_delivered_notice_is_not_repeated_for_the_same_time(lawyer):
    (notice,) = services.notify(recipients=[lawyer], kind="t", message="A", key="risk:1")
    services.notification_deliver_run(notification_id=notice.pk)
    assert services.notify(recipients=[lawyer], kind="t", message="A", key="risk:1") == []
    assert len(mail.outbox) == 1


def test_cancel_withdraws_pending_reminders(lawyer, psychologist):
    later = timezone.now() + timedelta(days=1)
    services.notify(recipients=[lawyer, psychologist], kind="t", message="A", deliver_at=later, key="order:9")
    assert services.notifications_cancel(key="order:9") == 2
    Notification.objects.update(deliver_at=timezone.now() - timedelta(minutes=1))
    assert services.notifications_deliver_due() == 0
    assert list(inbox(lawyer)) == []


def test_inactive_accounts_get_nothing(lawyer):
    lawyer.is_active = False
    lawyer.save()
    assert services.notify(recipients=[lawyer], kind="t", message="A") == []


def test_inbox_page_and_bell(client, lawyer):
    services.notify(recipients=[lawyer], kind="t", message="Orden por vencer en IMM-2026-000002", url="/")
    client.force_login(lawyer)
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Orden por vencer en IMM-2026-000002" in body
    assert reverse("notifications:unread_badge") in body  # the bell asks for its count once the page is there
    bell = client.get(reverse("notifications:unread_badge")).content.decode()
    assert "bi-bell-fill" in bell and "data-unread>1<" in bell and "sin leer" in bell and "Avisos" in bell


def test_the_bell_without_unread_notices_is_empty_and_no_page_counts_them(client, lawyer):
    """The count (its case rule included) cost every page 2-3 ms of ORM work on a state's data: a page asks for it
    after loading, as for her pending work (issue 22)."""
    client.force_login(lawyer)
    bell = client.get(reverse("notifications:unread_badge")).content.decode()
    assert "bi-bell-fill" not in bell and "data-unread" not in bell and "bi-bell" in bell
    services.notify(recipients=[lawyer], kind="t", message="A", url="/")
    with CaptureQueriesContext(connection) as sent:
        page = client.get(reverse("cases:list"))
    assert page.status_code == 200
    assert not [q for q in sent.captured_queries if "notifications_notification" in q["sql"]]


def test_open_marks_read_and_follows_only_local_links(client, lawyer):
    (local,) = services.notify(recipients=[lawyer], kind="t", message="A", url="/expedientes/")
    (foreign,) = services.notify(recipients=[lawyer], kind="t", message="B", url="https://evil.example/")
    client.force_login(lawyer)
    response = client.post(reverse("notifications:open", args=[local.pk]))
    assert response["Location"] == "/expedientes/"
    local.refresh_from_db()
    assert local.read_at is not None
    response = client.post(reverse("notifications:open", args=[foreign.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_nobody_opens_another_persons_notice(client, lawyer, psychologist):
    (notice,) = services.notify(recipients=[lawyer], kind="t", message="A", url="/")
    client.force_login(psychologist)
    assert client.post(reverse("notifications:open", args=[notice.pk])).status_code == 404
    assert "A" not in [n.message for n in inbox(psychologist)]
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read(client, lawyer):
    services.notify(recipients=[lawyer], kind="t", message="A")
    services.notify(recipients=[lawyer], kind="t", message="B")
    client.force_login(lawyer)
    client.post(reverse("notifications:mark_all_read"))
    assert unread_count(lawyer) == 0
