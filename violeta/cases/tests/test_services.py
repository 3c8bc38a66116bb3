import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import (
    AreaNote,
    Case,
    CaseAccessGrant,
    CaseEvent,
    CaseParty,
    CaseStatus,
    CaseTeamMember,
    Consultation,
    EventKind,
    FolioCounter,
    Relation,
)
from violeta.cases.services import (
    BREAK_GLASS_HOURS,
    case_break_glass,
    case_close,
    case_open,
    case_party_add,
    case_reopen,
    case_team_add,
    folio_next,
    intake_register,
)
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.people.models import Consent, Person, SafeContactPreference
from violeta.people.privacy_notice import current_notice
from violeta.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

VALID_CURP = "BOXW310820HNERXN09"


def folio(n: int, year: int | None = None) -> str:
    return f"IMM-{year or timezone.localdate().year}-{n:06d}"


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (
            Person,
            SafeContactPreference,
            Case,
            CaseParty,
            CaseTeamMember,
            CaseEvent,
            Consent,
            AuditEvent,
            FolioCounter,
        )
    }


def intake(by, **overrides):
    data = {
        "by": by,
        "person_data": {
            "given_names": "Rosa María",
            "first_surname": "Chávez",
            "second_surname": "Ortega",
            "phone": "614 490 0789",
            "address": "Calle Allende 310",
        },
        "safe_contact": {"may_call": True, "code_word": "girasol"},
        "privacy_notice_accepted": True,
        "privacy_notice_sha256": current_notice().sha256,
        "arrival_channel": "own",
        "reason": "Violencia psicológica y económica por parte de su pareja.",
    }
    data.update(overrides)
    return intake_register(**data)


# --- intake -----------------------------------------------------------------------------------------------


def test_intake_registers_person_case_party_team_and_consent_together(receptionist, lawyer, psychologist):
    case = intake(receptionist, team=(lawyer, psychologist))

    assert case.folio == folio(1)
    assert case.status == CaseStatus.OPEN
    assert case.opened_by == receptionist
    person = case.holder
    assert person.full_name == "Rosa María Chávez Ortega"
    assert person.phone == "+526144900789"
    assert person.safe_contact.code_word == "girasol"
    assert list(case.parties.values_list("person_id", "relation")) == [(person.pk, Relation.HOLDER)]
    team = {m.user: m.area for m in case.team_members.select_related("user", "area")}
    assert team == {receptionist: None, lawyer: lawyer.area, psychologist: psychologist.area}
    consent = Consent.objects.get(person=person)
    assert consent.purpose == "privacy_notice"
    assert consent.granted
    assert consent.recorded_by == receptionist

    assert AuditEvent.objects.filter(
        object_type="people.person", object_id=str(person.pk), action=Action.CREATE, actor=receptionist
    ).exists()
    actions = set(AuditEvent.objects.filter(case_id=case.pk).values_list("object_type", "action"))
    assert ("cases.case", Action.CREATE) in actions
    assert ("people.consent", Action.CREATE) in actions
    assert CaseEvent.objects.filter(case=case, kind=EventKind.OPENED).count() == 1


def test_intake_reason_is_encrypted_at_rest(receptionist):
    case = intake(receptionist)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM cases_case WHERE id = %s", [case.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("v1:")
    assert "psicológica" not in raw
    assert Case.objects.get(pk=case.pk).reason.startswith("Violencia psicológica")


def test_intake_with_an_existing_person(receptionist):
    person = PersonFactory()
    before = Person.objects.count()
    case = intake(receptionist, person=person, person_data=None)
    assert case.holder == person
    assert Person.objects.count() == before


def test_intake_without_the_privacy_notice_saves_nothing(receptionist):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        intake(receptionist, privacy_notice_accepted=False)
    assert "aviso de privacidad" in exc.value.messages[0]
    assert snapshot() == before


def test_intake_with_an_invalid_curp_saves_nothing(receptionist):
    before = snapshot()
    data = {"given_names": "Rosa", "first_surname": "Chávez", "curp": "BOXW310820HNERXN08"}
    with pytest.raises(ValidationError) as exc:
        intake(receptionist, person_data=data)
    assert "dígito verificador" in exc.value.message_dict["curp"][0]
    assert snapshot() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"arrival_channel": "paloma"},  # fails when the case is validated, after the person was inserted
        {"reason": ""},
        {"team": "sysadmin"},  # fails when the team is added, after the case was inserted
    ],
)
def test_intake_failing_late_rolls_back_the_person_the_case_and_the_folio(request, receptionist, overrides):
    if overrides.get("team") == "sysadmin":
        overrides = {"team": (request.getfixturevalue("sysadmin"),)}
    before = snapshot()
    with pytest.raises(ValidationError):
        intake(receptionist, **overrides)
    assert snapshot() == before
    # The number was given back with the rollback: the next intake still gets the first folio.
    assert intake(receptionist).folio == folio(1)


def test_intake_by_a_role_that_does_not_attend_women_is_refused(trainer):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        intake(trainer)
    assert snapshot() == before


# --- folios and one active case per woman --------------------------------------------------------------------


def test_folios_have_the_institute_format_and_increase(lawyer):
    cases = [CaseFactory(opened_by=lawyer) for _ in range(3)]
    assert [c.folio for c in cases] == [folio(1), folio(2), folio(3)]


def test_folios_restart_each_year():
    assert folio_next(year=2031) == "IMM-2031-000001"
    assert folio_next(year=2031) == "IMM-2031-000002"
    assert folio_next(year=2032) == "IMM-2032-000001"
    assert FolioCounter.objects.get(year=2031).last == 2


def test_a_second_active_case_for_the_same_woman_is_refused(lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        case_open(holder=case.holder, by=psychologist, arrival_channel="own", reason="Otra vez")
    assert exc.value.code == "case_active_exists"
    assert "ya tiene un expediente activo" in exc.value.messages[0]
    assert snapshot() == before

    case_close(case=case, by=lawyer, reason="concluded")
    second = case_open(holder=case.holder, by=psychologist, arrival_channel="own", reason="Nueva situación")
    assert second.folio == folio(2)


def test_director_opening_a_case_is_not_put_on_its_team(director, lawyer):
    case = CaseFactory(opened_by=director, team=(lawyer,))
    assert set(case.team.all()) == {lawyer}


# --- team and parties ----------------------------------------------------------------------------------------


def test_team_add_rules(lawyer, psychologist, social_worker, receptionist, coordinator, outsider, merchant):
    case = CaseFactory(opened_by=lawyer)
    member = case_team_add(case=case, user=psychologist, by=lawyer)
    assert member.area == psychologist.area
    assert AuditEvent.objects.filter(object_type="cases.caseteammember", object_id=str(member.pk)).exists()
    # Adding her twice changes nothing.
    assert case_team_add(case=case, user=psychologist, by=lawyer) == member
    assert case.team_members.filter(user=psychologist).count() == 1

    with pytest.raises(PermissionDenied):
        case_team_add(case=case, user=social_worker, by=outsider)
    with pytest.raises(PermissionDenied):
        case_team_add(case=case, user=social_worker, by=receptionist)
    case_team_add(case=case, user=social_worker, by=coordinator)  # coordinates legal, which is on the team
    with pytest.raises(ValidationError) as exc:
        case_team_add(case=case, user=merchant, by=lawyer)
    assert "no atiende expedientes" in exc.value.messages[0]
    assert set(case.team.all()) == {lawyer, psychologist, social_worker}


def test_party_add_creates_the_child_and_refuses_a_second_holder(lawyer):
    case = CaseFactory(opened_by=lawyer)
    party = case_party_add(
        case=case,
        by=lawyer,
        relation=Relation.DAUGHTER,
        person_data={"given_names": "Ana", "first_surname": "Ruiz"},
    )
    assert party.person.full_name == "Ana Ruiz"
    assert AuditEvent.objects.filter(
        object_type="people.person", object_id=str(party.person.pk), case_id=case.pk
    )
    with pytest.raises(ValidationError):
        case_party_add(case=case, by=lawyer, relation=Relation.HOLDER, person=PersonFactory())
    with pytest.raises(ValidationError) as exc:
        case_party_add(case=case, by=lawyer, relation=Relation.SON, person=party.person)
    assert "ya está en el expediente" in exc.value.messages[0]
    assert case.parties.count() == 2


# --- consultations -------------------------------------------------------------------------------------------


def test_consultation_moves_the_case_to_follow_up_and_joins_the_team(lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer)
    consultation = record_consultation(case, psychologist, area_note="Refiere insomnio y miedo.")
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOW_UP
    assert case.team_members.get(user=psychologist).area == psychologist.area
    note = AreaNote.objects.get(consultation=consultation)
    assert note.area == psychologist.area
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM cases_areanote WHERE id = %s", [note.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("v1:")
    assert "insomnio" not in raw
    assert AuditEvent.objects.filter(object_type="cases.areanote", detail="nota de psicologia").exists()


def test_consultation_without_a_note_writes_no_note(lawyer):
    case = CaseFactory(opened_by=lawyer)
    record_consultation(case, lawyer, area_note="   ")
    assert not AreaNote.objects.filter(case=case).exists()
    assert Consultation.objects.filter(case=case).count() == 1


def test_consultation_rules(lawyer, receptionist, psychologist, area_legal):
    case = CaseFactory(opened_by=lawyer)
    with pytest.raises(PermissionDenied):
        record_consultation(case, receptionist)
    with pytest.raises(PermissionDenied):
        record_consultation(case, psychologist, area=area_legal)  # only for her own area
    with pytest.raises(ValidationError) as exc:
        record_consultation(case, lawyer, when=timezone.now() + datetime.timedelta(days=1))
    assert "fecha futura" in exc.value.message_dict["started_at"][0]
    case_close(case=case, by=lawyer, reason="concluded")
    with pytest.raises(ValidationError) as exc:
        record_consultation(case, lawyer)
    assert "cerrado" in exc.value.messages[0]
    assert not Consultation.objects.filter(case=case).exists()


# --- closing and reopening -----------------------------------------------------------------------------------


def test_close_and_reopen(lawyer):
    case = CaseFactory(opened_by=lawyer)
    case_close(case=case, by=lawyer, reason="referred")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.close_reason == "referred"
    assert case.closed_at is not None
    assert not case.is_active

    with pytest.raises(ValidationError) as exc:
        case_close(case=case, by=lawyer, reason="concluded")
    assert "ya está cerrado" in exc.value.messages[0]

    case_reopen(case=case, by=lawyer, why="Regresó: nuevo episodio de violencia.")
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED
    assert case.closed_at is None
    assert case.close_reason == ""
    assert case.is_active
    with pytest.raises(ValidationError) as exc:
        case_reopen(case=case, by=lawyer, why="otra vez")
    assert "ya está abierto" in exc.value.messages[0]

    kinds = list(CaseEvent.objects.filter(case=case).order_by("at", "id").values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.CLOSED, EventKind.REOPENED]
    details = set(
        AuditEvent.objects.filter(case_id=case.pk, action=Action.UPDATE).values_list("detail", flat=True)
    )
    assert {"cierre", "reapertura"} <= details


@pytest.mark.parametrize("reason", ["", "porque sí"])
def test_close_needs_a_valid_reason(lawyer, reason):
    case = CaseFactory(opened_by=lawyer)
    with pytest.raises(ValidationError) as exc:
        case_close(case=case, by=lawyer, reason=reason)
    assert "close_reason" in exc.value.message_dict
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_reopen_needs_a_reason_and_no_other_active_case(lawyer):
    case = CaseFactory(opened_by=lawyer)
    case_close(case=case, by=lawyer, reason="concluded")
    with pytest.raises(ValidationError) as exc:
        case_reopen(case=case, by=lawyer, why="  ")
    assert "Explique" in exc.value.message_dict["why"][0]

    case_open(holder=case.holder, by=lawyer, arrival_channel="phone", reason="Nueva situación")
    with pytest.raises(ValidationError) as exc:
        case_reopen(case=case, by=lawyer, why="Se equivocaron de expediente")
    assert "otro expediente activo" in exc.value.messages[0]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


# --- break glass ---------------------------------------------------------------------------------------------


def test_break_glass_needs_a_written_reason(lawyer, outsider):
    case = CaseFactory(opened_by=lawyer)
    with pytest.raises(ValidationError) as exc:
        case_break_glass(case=case, by=outsider, reason="   urgente    ")
    assert "15 caracteres" in exc.value.message_dict["reason"][0]
    assert not CaseAccessGrant.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.BREAK_GLASS).exists()


def test_break_glass_never_opens_an_internal_protocol_case_nor_is_given_to_the_director(
    lawyer, outsider, director
):
    """The rule the break-glass page applied, now in the service itself (``permissions.may_break_glass``)."""
    case = CaseFactory(opened_by=lawyer)
    Case.objects.filter(pk=case.pk).update(is_internal_protocol=True)
    case.refresh_from_db()
    with pytest.raises(PermissionDenied):
        case_break_glass(case=case, by=outsider, reason="Llamó la policía: está en riesgo ahora.")
    with pytest.raises(PermissionDenied):
        case_break_glass(
            case=CaseFactory(opened_by=lawyer), by=director, reason="Necesito ver este expediente ya"
        )
    assert not CaseAccessGrant.objects.exists()


def test_break_glass_is_time_limited_flagged_and_on_the_timeline(lawyer, outsider):
    case = CaseFactory(opened_by=lawyer)
    grant = case_break_glass(case=case, by=outsider, reason="  Llamó la policía: está en riesgo ahora.  ")
    assert grant.reason == "Llamó la policía: está en riesgo ahora."
    expected = timezone.now() + datetime.timedelta(hours=BREAK_GLASS_HOURS)
    assert BREAK_GLASS_HOURS == 4
    assert abs(grant.expires_at - expected) < datetime.timedelta(seconds=30)
    event = AuditEvent.objects.get(action=Action.BREAK_GLASS)
    assert event.flagged is True
    assert event.case_id == case.pk
    assert event.actor == outsider
    assert CaseEvent.objects.filter(case=case, kind=EventKind.BREAK_GLASS, actor=outsider).exists()


@pytest.mark.parametrize("persona", ["sysadmin", "merchant", "dif_liaison", "trainer"])
def test_break_glass_is_only_for_staff_who_attend_women(request, lawyer, persona):
    case = CaseFactory(opened_by=lawyer)
    with pytest.raises(PermissionDenied):
        case_break_glass(
            case=case, by=request.getfixturevalue(persona), reason="Necesito ver este expediente ya"
        )
    assert not CaseAccessGrant.objects.exists()


# --- dates checked against sense (issue 16) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "message_part"),
    [(-4, "no puede ser posterior a hoy"), (111, "más de 110 años")],
)
def test_intake_with_a_birth_date_out_of_sense_saves_nothing(receptionist, years, message_part):
    today = timezone.localdate()
    birth = today.replace(year=today.year - years, day=min(today.day, 28))
    before = snapshot()
    data = {"given_names": "Rosa", "first_surname": "Chávez", "birth_date": birth}
    with pytest.raises(ValidationError) as exc:
        intake(receptionist, person_data=data)
    assert message_part in exc.value.message_dict["birth_date"][0]
    assert snapshot() == before


def test_a_child_with_a_future_birth_date_is_not_added(receptionist):
    case = intake(receptionist)
    parties = CaseParty.objects.count()
    with pytest.raises(ValidationError) as exc:
        case_party_add(
            case=case,
            by=receptionist,
            relation=Relation.DAUGHTER,
            person_data={
                "given_names": "Luz",
                "first_surname": "Chávez",
                "birth_date": timezone.localdate() + datetime.timedelta(days=30),
            },
        )
    assert "birth_date" in exc.value.message_dict
    assert CaseParty.objects.count() == parties
