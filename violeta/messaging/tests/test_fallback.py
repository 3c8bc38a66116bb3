"""The SMS fallback: a WhatsApp message not delivered in time, or reported failed, goes again by SMS, once."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from violeta.core import periodic
from violeta.messaging import services
from violeta.messaging.backends.whatsapp import template_body
from violeta.messaging.fallback import fallback_queued, fallbacks_sweep
from violeta.messaging.models import Channel, Message, MessageKind, MessageStatus

pytestmark = pytest.mark.django_db

TEXT = "ALERTA MIA: Ana necesita ayuda. Ubicacion: https://violeta.test/a/abc/"
BODY = template_body(template="mia_alerta", params=["Ana", "https://violeta.test/a/abc/"], text=TEXT)


def whatsapp(*, status=MessageStatus.SENT, after: float = 30) -> Message:
    message = services.message_queue(
        kind=MessageKind.ALERT, to="+526144900789", body=BODY, channel="whatsapp", fallback_after=after
    )
    Message.objects.filter(pk=message.pk).update(
        status=status, attempt=1, provider_message_id=f"wamid.{message.pk}"
    )
    return Message.objects.get(pk=message.pk)


def later(seconds: float = 31):
    return timezone.now() + timedelta(seconds=seconds)


def sms_of(message: Message):
    return Message.objects.filter(fallback_of=message)


def test_not_delivered_in_time_goes_again_by_sms_once():
    message = whatsapp()
    assert fallbacks_sweep(now=later(29)) == 0  # before the deadline

    assert fallbacks_sweep(now=later()) == 1
    assert fallbacks_sweep(now=later(60)) == 0  # a second sweep: nothing more

    [sms] = sms_of(message)
    assert sms.channel == Channel.SMS and sms.body == TEXT and sms.to_phone == message.to_phone
    assert sms.kind == MessageKind.ALERT and sms.status == MessageStatus.PENDING
    assert Message.objects.filter(channel=Channel.SMS).count() == 1


def test_delivered_or_read_in_time_gets_none():
    delivered, read = whatsapp(), whatsapp()
    services.status_update(provider_message_id=delivered.provider_message_id, provider_status="delivered")
    services.status_update(provider_message_id=read.provider_message_id, provider_status="read")

    assert fallbacks_sweep(now=later()) == 0

    assert not Message.objects.filter(channel=Channel.SMS).exists()
    assert not Message.objects.filter(fallback_due_at__isnull=False).exists()  # nothing left to look at


def test_a_failed_report_falls_back_at_once_and_the_whatsapp_retry_is_withdrawn():
    message = whatsapp()
    services.status_update(provider_message_id=message.provider_message_id, provider_status="failed")

    assert fallbacks_sweep() == 1  # long before the deadline

    message.refresh_from_db()
    assert message.status == MessageStatus.WITHDRAWN  # reached by SMS now, not later twice
    assert sms_of(message).count() == 1
    assert fallbacks_sweep(now=later()) == 0


def test_a_message_never_handed_over_falls_back_at_its_deadline():
    message = whatsapp(status=MessageStatus.PENDING)
    assert fallbacks_sweep(now=later()) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.WITHDRAWN and sms_of(message).count() == 1


def test_sms_and_messages_without_a_deadline_never_fall_back():
    services.message_queue(kind=MessageKind.ALERT, to="+526144900789", body="sms", channel="sms")
    services.message_queue(kind=MessageKind.ALERT, to="+526144900788", body=BODY, channel="whatsapp")
    assert fallbacks_sweep(now=later(3600)) == 0


def test_the_database_refuses_a_second_fallback():
    message = whatsapp()
    fallbacks_sweep(now=later())
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(kind="alert", to_phone="+526144900789", body="x", fallback_of=message)


def test_the_signal_tells_the_app_that_queued_it():
    message = whatsapp()
    heard = []

    def receiver(original, fallback, **kwargs):
        heard.append((original.pk, fallback.fallback_of_id))

    fallback_queued.connect(receiver)
    try:
        fallbacks_sweep(now=later())
    finally:
        fallback_queued.disconnect(receiver)
    assert heard == [(message.pk, message.pk)]


def test_the_sweep_is_a_periodic_safety_net():
    job = {job.name: job for job in periodic.jobs()}["messaging.fallbacks"]
    assert job.every_seconds <= 1 and job.safety_net


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_fall_back_once():
    """Several sweeps at the same instant, each on its own connection: one SMS per message, whoever wins."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    messages = [whatsapp() for _n in range(20)]
    start = threading.Barrier(4)
    counts, errors = [], []

    def sweep():
        try:
            start.wait()
            counts.append(fallbacks_sweep(now=later()))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(counts) == len(messages)
    for message in messages:
        assert sms_of(message).count() == 1
    assert Message.objects.filter(channel=Channel.SMS).count() == len(messages)
