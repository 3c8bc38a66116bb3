"""Journey (issue 20, item 5): a consent that lapsed refuses the referral that needed it, and her signature drawn
with the mouse on the consent's canvas is saved and shown.

The social worker has a draft referral whose consent expired two days ago: sending it is refused with a clear
Spanish message that says the date, and the referral stays a draft. She then records a new consent on the
woman's page, the woman signs in the box (the mouse here; a finger or stylus on the desk's tablet), and the
consent's page shows her signature, read through the audited view.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_browser import sign_in
from violeta.people.models import Consent
from violeta.referrals.tests.factories import dif, refer
from violeta.testing.browser import database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lapsed_consent_refuses_the_referral_and_her_drawn_signature_is_kept(
    page, live_server, shots, social_worker
):
    from violeta.audit.models import AuditEvent
    from violeta.referrals.models import Referral, ReferralStatus

    case = CaseFactory(opened_by=social_worker)
    draft = refer(case, social_worker, dif(), send=False)
    lapsed_on = timezone.localdate() - timedelta(days=2)
    Consent.objects.filter(pk=draft.consent_id).update(
        given_on=lapsed_on - timedelta(days=365), expires_on=lapsed_on
    )

    # The lapsed consent: sending is refused with the date, and nothing changes.
    sign_in(page, live_server, social_worker)
    page.goto(f"{live_server.url}/canalizaciones/{draft.folio}/")
    expect(page.get_by_text(f"venció el {lapsed_on:%d/%m/%Y}")).to_be_visible()
    page.get_by_role("button", name="Enviar canalización").click()
    expect(
        page.get_by_text(
            f"El consentimiento para canalizar venció el {lapsed_on:%d/%m/%Y}; "
            "registre uno nuevo antes de enviar."
        )
    ).to_be_visible()
    shots(page, "canalizacion-consentimiento-vencido")
    assert horizontal_overflow(page) == 0
    with database_turn():
        assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.DRAFT

    # A new consent on her page, signed with the mouse in the box.
    page.goto(f"{live_server.url}/personas/{case.holder_id}/")
    expect(page.get_by_text(f"venció el {lapsed_on:%d/%m/%Y}")).to_be_visible()
    page.locator("section").filter(has=page.get_by_role("heading", name="Consentimientos")).get_by_role(
        "link", name="Registrar"
    ).click()
    expect(page.get_by_role("heading", name="Registrar consentimiento")).to_be_visible()
    page.get_by_label("Finalidad").select_option(label="Compartir datos para canalización")
    page.get_by_label("Alcance").fill("Compartir el resumen con el DIF")
    canvas = page.get_by_role("img", name="Recuadro de firma")
    expect(canvas).to_be_visible()
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()  # in the viewport's coordinates, as the mouse moves
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(box["x"] + 30 + step * 12, box["y"] + box["height"] * (0.7 - 0.4 * ((step % 6) / 6)))
    page.mouse.up()
    expect(page.get_by_label("Su firma, trazada en el módulo de atención")).to_be_checked()
    shots(page, "consentimiento-firma")
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Guardar").click()

    expect(page.get_by_text("Consentimiento registrado.")).to_be_visible()
    signature = page.get_by_role("img", name="Su firma en este consentimiento")
    expect(signature).to_be_visible()
    # decode() waits for the image to load (a slow server: it may not have yet) and fails if it is broken
    assert signature.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    expect(page.locator("h1")).to_contain_text(re.compile(r"vigente, vence el \d{2}/\d{2}/\d{4}"))
    shots(page, "consentimiento-firmado")
    assert horizontal_overflow(page) == 0
    with database_turn():
        consent = Consent.objects.filter(person=case.holder, method="signature").get()
        assert consent.granted and consent.signature_sha256 and consent.recorded_by == social_worker
        assert AuditEvent.objects.filter(
            object_type="people.consent", object_id=str(consent.pk), detail="firma del consentimiento"
        ).exists()
