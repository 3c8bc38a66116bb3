"""Her callback request from the public site, the front desk's list, and what happens to it afterwards."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from violeta.agenda import callbacks
from violeta.agenda.models import CallbackRequest, CallbackStatus, PhoneCall, PhoneLine
from violeta.audit.models import Action, AuditEvent
from violeta.messaging.models import Message
from violeta.notifications.models import Notification

pytestmark = pytest.mark.django_db

URL = "/contacto/llamame/"
VALID = {
    "kind": "call",
    "name": "Rosa",
    "phone": "614 321 7788",
    "may_leave_message": "no",
    "may_send_sms": "no",
    "best_period": "morning",
    "best_time": "martes o jueves",
    "code_word": "girasol",
    "reason": "Quiero saber de la pensión",
    "website": "",
}


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def submit(client, **changes):
    return client.post(URL, {**VALID, **changes})


def test_the_public_path_and_name():
    assert reverse("agenda:callback_request") == URL
    assert not URL.startswith("/agenda/")


def test_the_form_is_public_and_on_the_public_base(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pide que te llamemos" in html
    assert 'class="quick-exit"' in html  # public/base.html
    assert "bootstrap" not in html.lower()


def test_a_request_is_stored_encrypted_and_goes_to_a_thanks_page_that_carries_nothing(client, receptionist):
    response = submit(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("agenda:callback_thanks")
    request = CallbackRequest.objects.get()
    assert request.phone == "+526143217788"
    assert request.status == CallbackStatus.PENDING
    assert not request.may_leave_message and not request.may_send_sms
    assert request.code_word == "girasol"
    assert "martes o jueves" in request.best_time
    # encrypted at rest: the raw column does not hold what she wrote
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, code_word, name FROM agenda_callbackrequest")
        raw = cursor.fetchone()
    assert "6143217788" not in raw[0] and "girasol" not in raw[1] and "Rosa" not in raw[2]
    # the front desk is told, without anything about her
    notice = Notification.objects.get(recipient=receptionist)
    assert notice.message == "Nueva solicitud de llamada"
    assert AuditEvent.objects.filter(object_type="agenda.callbackrequest", action=Action.CREATE).exists()
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "9-1-1" in thanks.content.decode()


def test_nothing_is_ever_sent_to_her(client, receptionist):
    submit(client, may_send_sms="yes")
    assert CallbackRequest.objects.count() == 1
    assert Message.objects.count() == 0  # the SMS outbox
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("kind", "", "Elige si quieres que te llamemos o una cita."),
        ("phone", "", "Escribe el teléfono donde podemos llamarte."),
        (
            "phone",
            "123",
            "Este no es un teléfono al que podamos llamar. Escribe 10 dígitos, por ejemplo 614 490 0789.",
        ),
        ("may_leave_message", "", "Dinos si podemos dejarte un mensaje."),
        ("may_send_sms", "", "Dinos si podemos enviarte un mensaje de texto."),
        ("name", "x" * 61, "Escribe como máximo 60 caracteres."),
        ("code_word", "x" * 41, "Escribe como máximo 40 caracteres."),
        ("reason", "x" * 501, "Escribe como máximo 500 caracteres."),
    ],
)
def test_each_field_has_a_clear_spanish_error_and_nothing_is_stored(client, field, value, error):
    response = submit(client, **{field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    assert "Revisa los campos marcados: no se guardó nada." in html
    assert CallbackRequest.objects.count() == 0


def test_the_honeypot_stores_nothing_and_looks_like_success(client, receptionist):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("agenda:callback_thanks")
    assert CallbackRequest.objects.count() == 0
    assert Notification.objects.count() == 0


def test_the_rate_limit_refuses_the_next_request_from_the_same_connection(client, settings):
    settings.AGENDA_CALLBACKS_PER_HOUR = 3
    for _ in range(3):
        assert submit(client).status_code == 302
    response = submit(client)
    assert response.status_code == 429
    assert "Espera una hora" in response.content.decode()
    assert CallbackRequest.objects.count() == 3
    # another connection is not limited
    assert client.post(URL, VALID, REMOTE_ADDR="10.9.9.9").status_code == 302


def test_nothing_about_her_in_the_url(client):
    response = submit(client)
    assert "6143217788" not in response["Location"] and "girasol" not in response["Location"]
    assert client.get(URL + "?phone=6143217788").content.decode().count("6143217788") == 0


def _request(**extra):
    data = {**callbacks_defaults(), **extra}
    return callbacks.callback_request_submit(**data)


def callbacks_defaults():
    return {
        "kind": "call",
        "phone": "6143217788",
        "may_leave_message": False,
        "may_send_sms": False,
        "best_time": "de 10:00 a 12:00",
        "code_word": "girasol",
        "name": "Rosa",
    }


def test_the_pending_list_shows_her_choices_in_bold_before_the_number(
    client, receptionist, django_assert_max_num_queries
):
    older = _request()
    _request(may_leave_message=True, may_send_sms=True, code_word="", best_time="")
    client.force_login(receptionist)
    client.get(reverse("agenda:calls"))  # warm the session
    with django_assert_max_num_queries(13):
        response = client.get(reverse("agenda:calls"))
    html = response.content.decode()
    assert "Solicitudes de llamada pendientes" in html
    bold = '<strong class="callback-choices">No dejar mensaje · No enviar SMS · Mejor: de 10:00 a 12:00 · Palabra clave: girasol</strong>'
    assert bold in html
    assert html.index(bold) < html.index('href="tel:+526143217788"')
    assert html.index(f'data-callback="{older.pk}"') < html.index("Se le puede dejar recado")  # oldest first
    assert (
        AuditEvent.objects.filter(
            object_type="agenda.callbackrequest", action=Action.VIEW, actor=receptionist
        ).count()
        >= 2
    )


def test_the_query_count_does_not_grow_with_the_requests(client, receptionist, django_assert_max_num_queries):
    for _ in range(30):
        _request()
    client.force_login(receptionist)
    client.get(reverse("agenda:calls"))
    with django_assert_max_num_queries(13):
        client.get(reverse("agenda:calls"))


@pytest.mark.parametrize("role", ["lawyer", "psychologist"])
def test_area_staff_do_not_see_the_requests(client, request, role):
    _request()
    client.force_login(request.getfixturevalue(role))
    html = client.get(reverse("agenda:calls")).content.decode()
    assert "Solicitudes de llamada pendientes" not in html
    assert "girasol" not in html


def test_i_called_her_links_the_logged_call_and_closes_the_request(client, receptionist):
    pending = _request()
    client.force_login(receptionist)
    url = reverse("agenda:call_create") + f"?callback={pending.pk}"
    form = client.get(url)
    assert form.status_code == 200
    assert "No dejar mensaje" in form.content.decode()
    line = PhoneLine.objects.get(code="violencia")
    response = client.post(
        url,
        {
            "line": line.pk,
            "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "caller_name": "Rosa",
            "reason": "Le devolvimos la llamada",
            "action": "orientation",
        },
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == CallbackStatus.DONE
    assert pending.call == PhoneCall.objects.get()
    assert pending.handled_by == receptionist


def test_no_answer_counts_attempts_and_stays_pending(client, receptionist):
    pending = _request()
    client.force_login(receptionist)
    url = reverse("agenda:callback_no_answer", args=[pending.pk])
    client.post(url)
    client.post(url)
    pending.refresh_from_db()
    assert pending.attempts == 2
    assert pending.status == CallbackStatus.NO_ANSWER
    assert pending in callbacks.open_requests()
    html = client.get(reverse("agenda:calls")).content.decode()
    assert "2 llamadas sin respuesta" in html


def test_cancel(client, coordinator):
    pending = _request()
    client.force_login(coordinator)
    client.post(reverse("agenda:callback_cancel", args=[pending.pk]))
    pending.refresh_from_db()
    assert pending.status == CallbackStatus.CANCELLED
    assert not callbacks.open_requests().exists()
    # a handled request can no longer be reached
    assert client.post(reverse("agenda:callback_cancel", args=[pending.pk])).status_code == 404


def test_retention_erases_what_she_wrote_in_handled_requests(receptionist, settings):
    settings.AGENDA_CALLBACK_RETENTION_DAYS = 30
    old, recent, waiting = _request(), _request(), _request()
    callbacks.callback_cancel(request=old, by=receptionist)
    callbacks.callback_cancel(request=recent, by=receptionist)
    CallbackRequest.objects.filter(pk=old.pk).update(handled_at=timezone.now() - timedelta(days=31))
    assert callbacks.callback_requests_erase() == 1
    assert callbacks.callback_requests_erase() == 0  # safe to run twice
    old.refresh_from_db()
    recent.refresh_from_db()
    waiting.refresh_from_db()
    assert (old.phone, old.name, old.code_word, old.best_time) == ("", "", "", "")
    assert old.erased_at is not None
    assert recent.phone and waiting.phone


def test_the_erasure_is_a_registered_periodic_job():
    from violeta.core import periodic

    assert "agenda.callback_requests_erase" in {job.name for job in periodic.jobs()}
