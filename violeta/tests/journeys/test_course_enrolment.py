"""Journey (issue 17): Superación en acción as the coordinator works it, in a real Chromium. She enrols two women
from their case files (one refused until her consent is recorded), takes the roll of a class on a tablet, closes
the group and records an outcome with its follow-up date; the woman's case page shows it to her case team.

Personas: the legal area's coordinator (desktop, then a tablet); the two women's case files are opened by a
lawyer of her area beforehand."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_browser import sign_in
from violeta.notifications.models import Notification
from violeta.people.tests.factories import PersonFactory
from violeta.programs.models import Enrollment, EnrollmentAttendance, EnrollmentStatus
from violeta.programs.tests import course_factories as factories
from violeta.testing.browser import database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TABLET = {"width": 820, "height": 1180}


def _enrol(page, live_server, case, *, consent=True):
    page.goto(live_server.url + reverse("cases:detail", args=[case.folio]))
    page.get_by_role("link", name="Inscribirla en un curso").click()
    expect(
        page.get_by_role("heading", name="Inscribirla en un curso de Superación en acción")
    ).to_be_visible()
    page.get_by_label("Grupo").select_option(index=1)
    if consent:
        page.get_by_label(re.compile("Ella acepta tomar el curso")).check()
    page.get_by_role("button", name="Inscribirla").click()


def test_the_coordinator_enrols_takes_the_roll_closes_and_records_the_outcome(
    page, live_server, lawyer, coordinator, shots
):
    with database_turn():
        group = factories.cohort(factories.course(coordinator, capacity=5), coordinator)
        session = factories.cohort_session(group, coordinator, days_from_now=-1)
        alma = CaseFactory(
            opened_by=lawyer, holder=PersonFactory(given_names="Alma Delia", first_surname="Ronquillo")
        )
        berta = CaseFactory(
            opened_by=lawyer, holder=PersonFactory(given_names="Berta Isela", first_surname="Holguín")
        )
    sign_in(page, live_server, coordinator)

    # Without her consent she is not enrolled, and the page says why.
    _enrol(page, live_server, alma, consent=False)
    expect(page.get_by_text("Ella debe aceptar tomar el curso")).to_be_visible()
    with database_turn():
        assert not Enrollment.objects.exists()
    shots(page, "enrol-refused-without-consent")
    page.get_by_label(re.compile("Ella acepta tomar el curso")).check()
    page.get_by_role("button", name="Inscribirla").click()
    expect(page.get_by_text("Quedó inscrita en el grupo.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Superación en acción"))).to_be_visible()
    _enrol(page, live_server, berta)
    expect(page.get_by_text("Quedó inscrita en el grupo.")).to_be_visible()
    with database_turn():
        assert Enrollment.objects.filter(status=EnrollmentStatus.ENROLLED).count() == 2

    # The roll call of a class, on a tablet.
    page.set_viewport_size(TABLET)
    page.goto(live_server.url + reverse("programs:course_list"))
    page.get_by_role("link", name="Repostería").click()
    page.get_by_role("link", name="Grupo de la mañana").click()
    shots(page, "cohort")
    page.get_by_role("link", name="Pasar lista").click()
    expect(page.get_by_role("heading", name="Pase de lista")).to_be_visible()
    assert horizontal_overflow(page) == 0
    for name in ("Alma Delia Ronquillo", "Berta Isela Holguín"):
        page.get_by_role("button", name=re.compile(name)).click()
        expect(page.get_by_role("button", name=re.compile(name))).to_contain_text("Presente")
    shots(page, "roll-call-tablet")
    with database_turn():
        assert EnrollmentAttendance.objects.filter(session=session, present=True).count() == 2

    # Closing the group: both attended the one class held, both completed it.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("programs:cohort_detail", args=[group.pk]))
    page.get_by_role("button", name="Cerrar el grupo y registrar quién lo concluyó").click()
    expect(page.get_by_text("Grupo cerrado: 2 lo concluyeron, 0 no.")).to_be_visible()

    # The outcome, with a follow-up date for the coordinator.
    page.get_by_role("link", name="Alma Delia Ronquillo").click()
    page.get_by_role("link", name="Registrar el resultado").click()
    page.locator("select[name=outcome]").select_option(label="Negocio propio")
    page.get_by_label("Sobre el resultado").fill("Vende pasteles por encargo.")
    follow_up = timezone.localdate() + timedelta(days=60)
    page.get_by_label("Seguimiento el").fill(follow_up.isoformat())
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Guardado.")).to_be_visible()
    expect(page.get_by_text("Negocio propio")).to_be_visible()
    shots(page, "enrollment")
    with database_turn():
        assert Notification.objects.get().recipient == coordinator

    # Her case page shows her course, her attendance and her outcome to her case team.
    page.goto(live_server.url + reverse("cases:detail", args=[alma.folio]))
    section = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("Superación en acción"))
    )
    expect(section).to_contain_text("Repostería")
    expect(section).to_contain_text("Concluyó")
    expect(section).to_contain_text("Asistió a 1 de 1 clases (100 %)")
    expect(section).to_contain_text("Negocio propio")
    shots(page, "case-section")
