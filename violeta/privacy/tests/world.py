"""A woman with data in (almost) every app, built through the services, and a second woman who must not leak."""

from violeta.alerts.tests.factories import mia_account, mia_alert
from violeta.card.tests.factories import desk_application
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.legal.tests.factories import make_document, make_hearing, make_matter
from violeta.people.models import Person
from violeta.referrals.tests.factories import dif, link, refer
from violeta.violence.tests.factories import record_incident

SECRET_REASON = "Motivo secreto: teme que su expareja la encuentre."


def her_world(*, lawyer, psychologist, receptionist, card_office, dif_liaison):
    from violeta.agenda.tests.factories import agenda_world

    application = desk_application(card_office)
    case = CaseFactory(opened_by=lawyer, team=(psychologist, receptionist), reason=SECRET_REASON)
    person = case.holder
    Person.objects.filter(pk=person.pk).update(curp=application.curp)
    person.refresh_from_db()
    record_consultation(case, lawyer, area_note="Nota jurídica reservada.")
    record_incident(case, lawyer)
    matter = make_matter(case, lawyer)
    make_hearing(matter, lawyer)
    document = make_document(case, lawyer)
    inst = dif()
    link(dif_liaison, inst)
    referral = refer(case, lawyer, inst)
    appointment, _call = agenda_world(case=case, staff=lawyer, by=receptionist)
    account = mia_account(person=person)
    alert = mia_alert(account)
    other = CaseFactory(opened_by=lawyer, reason="Motivo de otra mujer que no debe salir.")
    return {
        "person": person,
        "case": case,
        "document": document,
        "referral": referral,
        "institution": inst,
        "alert": alert,
        "application": application,
        "appointment": appointment,
        "other": other,
    }
