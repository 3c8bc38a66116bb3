"""A lawyer takes on a woman's alimony claim: she records the consultation, opens the legal matter, schedules
the hearing the court set (at an odd hour, over another hearing of hers: the screen warns of both and stores
it anyway, a court sets the date), and the day before, the reminder reaches her: the worker delivers it, and on
her phone her notices show it once, its button taking her to the matter with the hearing.

Before the journey: the woman's case file (the lawyer on its team) and another case of the same lawyer with a
hearing that same morning.
"""

import importlib
import re
from datetime import datetime, time, timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from violeta.agenda.tests.factories import next_workday
from violeta.alerts.tests.factories import run_tasks
from violeta.cases.models import Consultation
from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_browser import sign_in
from violeta.legal.models import Hearing, HearingStatus, LegalMatter, MatterKind
from violeta.legal.services import REMINDER_KIND, hearing_reminder_key
from violeta.legal.tests.factories import make_hearing, make_matter
from violeta.notifications import tasks as notification_tasks
from violeta.notifications.models import Notification
from violeta.notifications.services import notifications_deliver_due
from violeta.people.tests.factories import PersonFactory
from violeta.testing.browser import database_turn, horizontal_overflow, open_menu
from violeta.testing.tasks import bring_forward

pytestmark = [pytest.mark.browser, pytest.mark.tasks, pytest.mark.django_db(transaction=True)]

# Office hours and holidays are data a migration wrote; transactional tests empty every table between tests.
_agenda_defaults = importlib.import_module("violeta.agenda.migrations.0002_office_hours_lines_holidays")


def _local(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _time_passes_until(notice: Notification) -> None:
    """The day before the hearing comes: the reminder and the worker's task that delivers it are due now."""
    now = timezone.now() - timedelta(seconds=1)
    Notification.objects.filter(pk=notice.pk).update(deliver_at=now)
    assert bring_forward(notification_tasks.notification_deliver, [notice.pk]) == 1


def test_lawyer_schedules_a_hearing_is_warned_and_is_reminded_the_day_before(
    page, phone_page, live_server, shots, mailoutbox, receptionist, lawyer
):
    _agenda_defaults.seed(apps, None)
    her = PersonFactory(given_names="Guadalupe", first_surname="Rentería", second_surname="Olivas")
    case = CaseFactory(holder=her, opened_by=receptionist, team=(lawyer,), reason="Pensión alimenticia.")
    day = next_workday(days=3)
    other_case = CaseFactory(opened_by=receptionist, team=(lawyer,))
    other = make_hearing(make_matter(other_case, by=lawyer), by=lawyer, starts_at=_local(day, 8))

    # At the office: the consultation first.
    sign_in(page, live_server, lawyer)
    expect(page.get_by_role("heading", name="Mis expedientes")).to_be_visible()
    page.get_by_role("link", name=case.folio).click()
    page.get_by_role("link", name="Registrar atención").click()
    page.get_by_label("Resumen para el equipo").fill(
        "Se revisó el convenio de 2023; el deudor dejó de depositar en agosto. Se presentará demanda."
    )
    page.get_by_label("Acuerdos y siguientes pasos").fill("Traerá actas de nacimiento de sus hijos.")
    page.get_by_role("button", name="Guardar atención").click()
    expect(page.get_by_text("Atención registrada.")).to_be_visible()

    # The legal matter, from the case file's legal section.
    page.locator("#contenido").get_by_role("link", name="Nuevo asunto jurídico").click()
    page.get_by_label("Tipo de asunto").select_option(label="Pensión alimenticia")
    expect(page.get_by_label("Abogada responsable")).to_have_value(str(lawyer.pk))
    page.get_by_label("Juzgado o autoridad").fill("Juzgado Segundo de lo Familiar")
    page.get_by_label("Número de expediente judicial").fill("1234/2026")
    page.get_by_label("Resumen del asunto").fill("Incumplimiento de pensión alimenticia desde agosto.")
    shots(page, "nuevo-asunto")
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Asunto jurídico abierto.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Pensión alimenticia"))).to_be_visible()

    # The hearing the court set: 7:30, before the courts open, and over her 8:00 hearing of another case.
    page.get_by_role("link", name="Programar audiencia o plazo").click()
    page.get_by_label("Tipo").select_option(label="Audiencia")
    page.get_by_label("Fecha y hora").fill(f"{day:%Y-%m-%d}T07:30")
    page.get_by_label("Lugar").fill("Juzgado Segundo de lo Familiar, Sala 3")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Programada. La abogada responsable recibirá un recordatorio.")).to_be_visible()
    expect(page.get_by_text("Se empalma con otro compromiso")).to_contain_text(other_case.folio)
    expect(page.get_by_text("Queda fuera del horario de los juzgados")).to_be_visible()
    hearing_card = page.locator("article").filter(has_text="Juzgado Segundo de lo Familiar, Sala 3")
    expect(hearing_card).to_contain_text("07:30")
    expect(hearing_card).to_contain_text("Programada")
    shots(page, "audiencia-con-advertencias")
    assert horizontal_overflow(page) == 0

    with database_turn():
        matter = LegalMatter.objects.get(case=case)
        assert matter.kind == MatterKind.ALIMONY and matter.responsible == lawyer
        assert Consultation.objects.filter(case=case, attended_by=lawyer).count() == 1
        hearing = Hearing.objects.get(matter=matter)
        assert hearing.status == HearingStatus.SCHEDULED
        assert timezone.localtime(hearing.starts_at) == _local(day, 7, 30)
        assert Hearing.objects.get(pk=other.pk).status == HearingStatus.SCHEDULED  # stored side by side
        reminder = Notification.objects.get(recipient=lawyer, key=hearing_reminder_key(hearing, "day-before"))
        assert reminder.deliver_at == hearing.starts_at - timedelta(days=1) > timezone.now()

    # Not yet: her notices show nothing until the day before.
    page.locator("#nav-notices").click()
    expect(page.get_by_role("heading", name="Avisos")).to_be_visible()
    expect(page.get_by_text("No tiene avisos.")).to_be_visible()

    # The legal desk lists it among her coming hearings.
    page.get_by_role("button", name="Seguimiento").click()
    page.get_by_role("link", name="Asuntos jurídicos").click()
    expect(page.get_by_role("link", name=case.folio).first).to_be_visible()
    shots(page, "asuntos-juridicos")
    assert horizontal_overflow(page) == 0

    # The day before the hearing: the worker delivers the reminder (inbox and a neutral e-mail).
    with database_turn():
        _time_passes_until(reminder)
        run_tasks()
        reminder.refresh_from_db()
        assert reminder.emailed_at is not None
        # The cron's safety net and a second worker round find nothing left to send.
        assert notifications_deliver_due() == 0
        run_tasks()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [lawyer.email]
    assert case.folio not in mailoutbox[0].subject + mailoutbox[0].body  # e-mail says nothing of the case

    # On her phone, on the way to court.
    sign_in(phone_page, live_server, lawyer)
    open_menu(phone_page)
    expect(phone_page.locator("#nav-notices [data-unread]")).to_have_text("1 sin leer")
    phone_page.locator("#nav-notices").click()
    expect(phone_page.get_by_role("heading", name="Avisos")).to_be_visible()
    notices = phone_page.locator("#notices").get_by_role("listitem")
    expect(notices).to_have_count(1)
    expected = re.compile(rf"Recordatorio: audiencia del expediente {case.folio} el .*7:30")
    expect(notices.first).to_contain_text(expected)
    shots(phone_page, "avisos-recordatorio-telefono")
    assert horizontal_overflow(phone_page) == 0
    notices.first.get_by_role("button", name="Abrir").click()

    # The notice's button takes her to the matter, with the hearing on it.
    expect(phone_page.get_by_role("heading", name=re.compile("Pensión alimenticia"))).to_be_visible()
    expect(phone_page.locator(f"#hearing-{hearing.pk}")).to_contain_text("Sala 3")
    assert phone_page.url.endswith(f"/asuntos/{matter.pk}/")
    shots(phone_page, "asunto-desde-aviso-telefono")
    assert horizontal_overflow(phone_page) == 0

    with database_turn():
        about_it = Notification.objects.filter(
            recipient=lawyer, kind=REMINDER_KIND, key__startswith=f"legal.hearing:{hearing.pk}:"
        )
        delivered = about_it.visible()
        assert delivered.count() == 1  # the reminder, once
        assert delivered.get().pk == reminder.pk
        assert delivered.get().read_at is not None  # opened from her notices
        assert about_it.filter(key=hearing_reminder_key(hearing, "2h"), emailed_at__isnull=True).count() == 1
