"""Staff are spoken to as *usted* (issue 16, finding 4; docs/voice.md): the notices page and e-mail, the legal
desk, said "tienes", "tu trabajo", "Inicia sesión"."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from violeta.notifications.models import Notification
from violeta.notifications.services import notification_deliver_run, notify

pytestmark = pytest.mark.django_db

TU = re.compile(r"\b(tienes|tu|tus|inicia|sube|escribe|elige|revisa|puedes)\b", re.IGNORECASE)


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_notices_page_and_the_legal_desk_speak_to_staff_as_usted(client, lawyer):
    client.force_login(lawyer)
    for name in ("notifications:inbox", "legal:desk"):
        text = _visible_text(client.get(reverse(name)).content.decode())
        assert not TU.findall(text), (name, TU.findall(text))


def test_the_notice_email_speaks_to_staff_as_usted(lawyer):
    notify(recipients=[lawyer], kind="test", message="Aviso", url="/")
    with translation.override("es-mx"):
        notification_deliver_run(notification_id=Notification.objects.get(recipient=lawyer).pk)
    sent = mail.outbox[-1]
    assert sent.subject == "Violeta: tiene un aviso nuevo"
    assert "Inicie sesión" in sent.body and not TU.findall(sent.subject + " " + sent.body)
