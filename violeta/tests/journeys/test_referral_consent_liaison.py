"""Journey: a referral to a partner institution, with her consent, answered by the institution's liaison.

The social worker on the case refers the woman to the DIF from the case's referrals: she writes what is shared,
records the woman's consent and the ways to contact her that the woman agreed to share (her main phone and her
safe-contact rules), and sends it. The DIF's liaison, on her phone, opens the referral in her institution's
portal, sees only what was shared (never the other phone, the code word or the institute's instructions),
accepts it, and later reports back what was done. The social worker follows the notice to the referral and reads
the counter-referral; the case's history records each step.
"""

import re

import pytest
from playwright.sync_api import expect

from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_browser import sign_in
from violeta.people.models import PhoneChoice
from violeta.people.services import safe_contact_set
from violeta.people.tests.factories import PersonFactory
from violeta.referrals.tests.factories import dif, link
from violeta.testing.browser import database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAIN_PHONE, ALT_PHONE = "6144900789", "6145550142"
SUMMARY = "Madre de dos niños de 3 y 5 años; necesita guardería para poder trabajar."
COUNTER_REFERRAL = "Se inscribió a sus dos hijos en la guardería del DIF a partir del lunes."


def test_a_referral_with_her_consent_is_answered_by_the_liaison_and_the_worker_reads_the_report(
    page, phone_page, live_server, shots, social_worker, lawyer, dif_liaison
):
    from violeta.notifications.models import Notification
    from violeta.referrals.models import Outcome, Referral, ReferralStatus

    institution = dif()
    link(dif_liaison, institution)
    woman = PersonFactory(given_names="Rosa", first_surname="Carrasco", phone=MAIN_PHONE, phone_alt=ALT_PHONE)
    safe_contact_set(
        person=woman,
        by=social_worker,
        phone_choice=PhoneChoice.MAIN,
        may_call=True,
        may_leave_message=False,
        may_sms=False,
        best_hours="de 9 a 13 h",
        code_word="girasol",
        notes="Si contesta él, colgar sin decir de dónde se llama.",
    )
    case = CaseFactory(holder=woman, opened_by=social_worker, team=(lawyer,))

    # The social worker refers her from the case: what is shared, her consent, how the DIF may contact her.
    sign_in(page, live_server, social_worker)
    page.get_by_role("link", name=case.folio).click()
    page.get_by_role("link", name="Canalizaciones").click()
    page.get_by_role("link", name="Canalizarla a una institución").click()
    page.get_by_label(re.compile("^Institución")).select_option(label=str(institution))
    page.get_by_label("Motivo de la canalización").fill("Guardería para sus hijos")
    page.get_by_label("Resumen compartido con la institución").fill(SUMMARY)
    page.get_by_label("Teléfono en el que la institución puede llamarla").select_option(
        label="Su teléfono principal"
    )
    page.get_by_label(re.compile("Compartir cómo y cuándo es seguro contactarla")).check()
    page.get_by_label(re.compile("Ella consiente esta canalización")).check()
    expect(page.get_by_label("Alcance de su consentimiento")).not_to_be_empty()
    shots(page, "canalizacion-nueva")
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Enviar canalización").click()
    expect(page.get_by_text(re.compile(r"Canalización CAN-\d{4}-\d{4} enviada"))).to_be_visible()
    folio = page.locator("h1").text_content().split()[0]
    expect(page.locator("h1")).to_contain_text("Enviada")
    shots(page, "canalizacion-enviada")
    assert horizontal_overflow(page) == 0

    # The DIF's liaison, on her phone, finds it in her institution's portal and sees only what was shared.
    sign_in(phone_page, live_server, dif_liaison)
    expect(
        phone_page.get_by_role("heading", name=re.compile("Canalizaciones a mi institución"))
    ).to_be_visible()
    shots(phone_page, "enlace-bandeja")
    assert horizontal_overflow(phone_page) == 0
    phone_page.get_by_role("link", name=folio).click()
    expect(phone_page.get_by_text(SUMMARY)).to_be_visible()
    contact = phone_page.locator("section").filter(
        has=phone_page.get_by_role("heading", name="Cómo contactarla")
    )
    expect(contact).to_contain_text("614 490 0789")
    expect(contact).to_contain_text("Llamarle: Sí")
    expect(contact).to_contain_text("Dejarle mensaje: No")
    expect(contact).to_contain_text("SMS: No enviarle SMS")
    expect(contact).to_contain_text("Horario seguro: de 9 a 13 h")
    portal = phone_page.locator("#contenido")
    for unshared in ("614 555 0142", "girasol", "colgar sin decir", case.folio):
        expect(portal).not_to_contain_text(unshared)
    shots(phone_page, "enlace-canalizacion")
    assert horizontal_overflow(phone_page) == 0
    phone_page.get_by_label("Nota (opcional)").fill("La llamamos el martes por la mañana.")
    phone_page.get_by_role("button", name="Aceptar la canalización").click()
    expect(phone_page.get_by_text("Registrado. Se avisó al equipo del expediente.")).to_be_visible()
    expect(phone_page.locator("h1")).to_contain_text("Recibida")
    phone_page.get_by_label("Contrarreferencia: qué se hizo").fill(COUNTER_REFERRAL)
    phone_page.get_by_label("Resultado").select_option(label="Servicio otorgado")
    shots(phone_page, "enlace-contrarreferencia")
    assert horizontal_overflow(phone_page) == 0
    phone_page.get_by_role("button", name="Enviar contrarreferencia al instituto").click()
    expect(phone_page.get_by_text("Registrado. Se avisó al equipo del expediente.")).to_be_visible()
    expect(phone_page.locator("h1")).to_contain_text("Atendida")
    expect(phone_page.get_by_text(COUNTER_REFERRAL).first).to_be_visible()
    shots(phone_page, "enlace-atendida")
    assert horizontal_overflow(phone_page) == 0

    # The social worker follows the notice to the referral and reads what the DIF did; the case records it.
    page.goto(live_server.url + "/")
    page.locator("#nav-notices").click()
    notice = page.locator("#notices li").filter(has_text=f"Canalización {folio}").filter(has_text="Atendida")
    expect(notice).to_be_visible()
    shots(page, "avisos-trabajo-social")
    assert horizontal_overflow(page) == 0
    notice.get_by_role("button", name="Abrir").click()
    report = page.locator("section").filter(
        has=page.get_by_role("heading", name=re.compile("Contrarreferencia"))
    )
    expect(report).to_contain_text("Servicio otorgado")
    expect(report).to_contain_text(COUNTER_REFERRAL)
    expect(page.locator("h1")).to_contain_text("Atendida")
    shots(page, "canalizacion-contrarreferencia")
    assert horizontal_overflow(page) == 0
    page.get_by_role("navigation", name="Ruta").get_by_role("link", name=case.folio).click()
    history = (
        page.locator("section, div")
        .filter(has=page.get_by_role("heading", name="Historial del expediente"))
        .last
    )
    for step in ("Enviada", "Recibida", "Atendida"):
        expect(history).to_contain_text(f"{folio} · {institution} · {step}")
    shots(page, "expediente-historial")
    assert horizontal_overflow(page) == 0

    with database_turn():
        referral = Referral.objects.get(folio=folio)
        assert referral.case == case and referral.person == woman and referral.institution == institution
        assert referral.created_by == social_worker and not referral.flagged
        assert referral.consent is not None and referral.consent.granted
        assert referral.consent.person == woman and referral.consent.recorded_by == social_worker
        assert referral.shared_phone == "614 490 0789"
        assert "de 9 a 13 h" in referral.shared_contact_rules
        assert "girasol" not in referral.shared_contact_rules
        assert referral.status == ReferralStatus.ATTENDED
        assert (referral.outcome, referral.counter_referral) == (Outcome.SERVICE_GIVEN, COUNTER_REFERRAL)
        assert referral.sent_at <= referral.answered_at <= referral.closed_at
        steps = [(e.from_status, e.to_status, e.by) for e in referral.events.all()]
        assert steps == [
            ("", ReferralStatus.DRAFT, social_worker),
            (ReferralStatus.DRAFT, ReferralStatus.SENT, social_worker),
            (ReferralStatus.SENT, ReferralStatus.RECEIVED, dif_liaison),
            (ReferralStatus.RECEIVED, ReferralStatus.ATTENDED, dif_liaison),
        ]
        told = Notification.objects.filter(kind="referral", url__contains=folio)
        assert told.filter(recipient=dif_liaison).count() == 1
        assert told.filter(recipient=social_worker).count() == 2
        assert told.filter(recipient=lawyer).count() == 2
