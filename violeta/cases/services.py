"""Writes to case files. Keyword-only, one transaction each, the audit event and timeline line inside it."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import AREA_ROLES, CASE_ROLES, INTAKE_ROLES, Area, Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases import field_services, intake, permissions, signals
from violeta.cases.models import (
    ACTIVE_STATUSES,
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
from violeta.cases.permissions import can_manage_team
from violeta.notifications.services import notify
from violeta.people.models import ConsentPurpose, Person
from violeta.people.services import consent_record, person_create, privacy_notice_accept, privacy_notice_check

BREAK_GLASS_HOURS = 4


def folio_next(*, year: int | None = None) -> str:
    """The next folio of the year, ``IMM-2026-000123``. Must run inside the transaction that uses it.

    The counter row is created if missing (a conflict-ignoring insert, so two first intakes of a year do not
    collide) and then incremented with a single UPDATE, which takes the row lock on PostgreSQL and the write
    lock on SQLite: concurrent intakes queue on it and each gets its own number. A rolled-back intake gives
    its number back with the rollback, so numbers are never repeated.
    """
    year = year or timezone.localdate().year
    FolioCounter.objects.bulk_create([FolioCounter(year=year, last=0)], ignore_conflicts=True)
    FolioCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = FolioCounter.objects.values_list("last", flat=True).get(year=year)
    return f"{settings.INSTITUTE['folio_prefix']}-{year}-{number:06d}"


def _event(case: Case, *, by, kind: str, description: str = "", area=None, consultation=None) -> None:
    CaseEvent.objects.create(
        case=case, actor=by, kind=kind, description=description[:255], area=area, consultation=consultation
    )


def case_event_record(
    *, case: Case, by, kind: str, description: str = "", area=None, consultation=None
) -> None:
    """A line on the case timeline from another app's service, written in that service's transaction.

    ``description`` says what happened ("Orden de protección otorgada"), never what she said.
    """
    _event(case, by=by, kind=kind, description=description, area=area, consultation=consultation)


def _require_case_role(user) -> None:
    if not permissions.is_case_staff(user):
        raise PermissionDenied


def active_case_of(person: Person | int) -> Case | None:
    """Her one active case file (she, or her id), if she has one (one per woman: ``case_open``)."""
    return Case.objects.filter(holder=person, status__in=ACTIVE_STATUSES).first()


@transaction.atomic
@transaction.atomic
def intake_origin_link(*, source: str, origin, case: Case, by) -> None:
    """An intake opened from another app's record (a call, a partner's referral) found her, and she already has
    an active case file that ``by`` may see: the record is hers, so it is linked to that case file rather than
    left waiting to become a second one. The source's ``link`` refuses (``ValidationError``) an origin that is
    meanwhile linked elsewhere."""
    intake.source(source).link(origin=origin, case=case, by=by)


def case_join_request(*, person_id: int, by) -> Case:
    """The desk met a woman whose active case it may not see: ask that case's team to give it access, without
    showing the case to the desk. Each team member who may see the case gets a notice naming the case and who
    asks (never the woman: notices are e-mailed); the request is audited. The team decides (``case_team_add``).
    """
    if not (by.is_active and by.role in INTAKE_ROLES):
        raise PermissionDenied
    case = active_case_of(person_id)
    if case is None:
        raise ValidationError(_("She has no active case file."), code="no_active_case")
    audit_record(
        actor=by,
        action=Action.LOOKUP,
        obj=case,
        case_id=case.pk,
        detail="pide acceso al equipo desde la entrevista inicial",
    )
    team = [m.user for m in case.team_members.select_related("user") if m.user_id != by.pk]
    notify(
        recipients=team,
        kind="cases.join_request",
        message=_(
            "%(name)s (%(role)s) asks to be added to the team of case file %(folio)s: she came to the desk again."
        )
        % {"name": by.full_name, "role": by.get_role_display(), "folio": case.folio},
        url=reverse("cases:detail", args=[case.folio]),
        case=case,
    )
    return case


@transaction.atomic
def case_open(
    *,
    holder: Person,
    by,
    arrival_channel: str,
    reason: str,
    arrival_detail: str = "",
    team: tuple = (),
) -> Case:
    """Open a case file for a woman already registered. One open case per woman: she tells her story once.

    Opening a case puts its opener on the team, and so opens the woman's whole record to her. When the woman
    was in earlier case files (as holder or as another party) and the opener was on none of their teams, the
    opening is flagged in the audit log and the director is told, so that reaching someone's record through a
    new case is reviewed (see ``_previous_cases_of_another_team``).
    """
    _require_case_role(by)
    if Case.objects.filter(holder=holder, status__in=ACTIVE_STATUSES).exists():
        raise ValidationError(
            _("She already has an active case file. Ask its team or the area coordination to add you to it."),
            code="case_active_exists",
        )
    for_review = _previous_cases_of_another_team(holder, by)
    case = Case(
        folio=folio_next(),
        holder=holder,
        arrival_channel=arrival_channel,
        arrival_detail=arrival_detail,
        reason=reason,
        opened_by=by,
    )
    case.full_clean()
    case.save()
    CaseParty.objects.create(case=case, person=holder, relation=Relation.HOLDER)
    audit_record(
        actor=by,
        action=Action.CREATE,
        obj=case,
        case_id=case.pk,
        flagged=for_review,
        detail="persona con expedientes previos de otro equipo" if for_review else "",
    )
    if for_review:
        _tell_the_director(case)
    _event(case, by=by, kind=EventKind.OPENED, description=case.get_arrival_channel_display())
    members = {by, *team} if by.role != Role.DIRECTOR else set(team)
    for user in members:
        _team_add(case, user=user, by=by)
    return case


def _previous_cases_of_another_team(person: Person, by) -> bool:
    """True when ``person`` was in earlier case files and ``by`` was on the team of none of them.

    "Earlier case files" are every case she is a party of (holder, daughter, …), whatever their status; a
    case's team is its current team members. The director sees every case anyway: her openings are not flagged.
    """
    if by.role == Role.DIRECTOR:
        return False
    previous = Case.objects.filter(parties__person=person)
    if not previous.exists():
        return False
    return not CaseTeamMember.objects.filter(case__in=previous, user=by).exists()


def _tell_the_director(case: Case) -> None:
    """A neutral notice to the director's office: the folio and where to review it, nothing about her."""
    from violeta.accounts.models import User

    notify(
        recipients=User.objects.filter(is_active=True, role=Role.DIRECTOR),
        kind="case_review",
        message=_(
            "Case file %(folio)s was opened for a person who had case files with another team. "
            "Review it among the flagged audit events."
        )
        % {"folio": case.folio},
        url=reverse("audit:flagged"),
    )


@transaction.atomic
def intake_register(
    *,
    by,
    person: Person | None = None,
    person_data: dict | None = None,
    safe_contact: dict | None = None,
    privacy_notice_accepted: bool,
    privacy_notice_sha256: str,
    arrival_channel: str,
    reason: str,
    arrival_detail: str = "",
    team: tuple = (),
    source: str = intake.FRONT_DESK,
    origin=None,
    statistics_consent: bool | None = None,
    custom_values: dict[int, str] | None = None,
) -> Case:
    """The first interview (primera entrevista): registers her (or uses the existing record) and opens the case.

    She must have been given the privacy notice in force and accepted it: ``privacy_notice_sha256`` names the
    notice she was shown (``people.privacy_notice.current_notice().sha256``), and the acceptance is recorded
    with its text. The one way to open a case from any source: at the front desk (``source=FRONT_DESK``, no
    origin), or from ``origin`` of a registered ``source`` (``"call"``: a logged phone call, ``"inbound_referral"``:
    a partner's referral; see ``cases.intake``), which is linked back to the new case. Everything happens in one
    transaction, the link back included: if any part fails, nothing is saved. ``statistics_consent`` is her answer
    to the statistical use of her data (``None``: not asked, nothing recorded): a consent granted or refused.
    ``custom_values`` answers the institute's own intake fields (field id → text; ``cases.intake_fields``).
    """
    privacy_notice_check(accepted=privacy_notice_accepted, sha256=privacy_notice_sha256)
    if (person is None) == (person_data is None):
        raise TypeError("give either person or person_data")
    if (source == intake.FRONT_DESK) != (origin is None):
        raise TypeError("an intake from a source needs its origin, and only then")
    link = intake.source(source).link if origin is not None else None
    if person is None:
        person = person_create(by=by, safe_contact=safe_contact, **person_data)
    case = case_open(
        holder=person,
        by=by,
        arrival_channel=arrival_channel,
        reason=reason,
        arrival_detail=arrival_detail,
        team=team,
    )
    if custom_values is not None:
        field_services.intake_values_record(case=case, by=by, values=custom_values)
    privacy_notice_accept(
        person=person, by=by, accepted=privacy_notice_accepted, sha256=privacy_notice_sha256, case_id=case.pk
    )
    if statistics_consent is not None:
        consent_record(
            person=person,
            by=by,
            purpose=ConsentPurpose.STATISTICS,
            granted=statistics_consent,
            case_id=case.pk,
        )
    if link is not None:
        link(origin=origin, case=case, by=by)
    return case


def _team_add(case: Case, *, user, by) -> CaseTeamMember:
    if not (user.is_active and user.role in CASE_ROLES):
        raise ValidationError(
            _("%(name)s does not work on case files.") % {"name": user}, code="not_case_staff"
        )
    member, created = CaseTeamMember.objects.get_or_create(
        case=case,
        user=user,
        defaults={"area": user.area if user.role in AREA_ROLES else None, "added_by": by},
    )
    if created:
        audit_record(actor=by, action=Action.CREATE, obj=member, case_id=case.pk, detail="equipo")
        _event(case, by=by, kind=EventKind.TEAM_ADDED, description=str(user), area=member.area)
        _team_changed(case)
    return member


def _team_changed(case: Case) -> None:
    """What hangs off the team follows it (the protection orders' expiry reminders): see ``signals``."""
    signals.case_team_changed.send(sender=Case, case=case)


@transaction.atomic
def case_team_add(*, case: Case, user, by) -> CaseTeamMember:
    if not can_manage_team(by, case):
        raise PermissionDenied
    return _team_add(case, user=user, by=by)


@transaction.atomic
def case_team_remove(*, case: Case, user, by) -> None:
    """Take someone off the case's team (she stops seeing it unless her area coordinates it)."""
    if not can_manage_team(by, case):
        raise PermissionDenied
    member = CaseTeamMember.objects.select_for_update().filter(case=case, user=user).first()
    if member is None:
        raise ValidationError(_("That person is not on the team."), code="not_on_team")
    if not CaseTeamMember.objects.filter(case=case).exclude(pk=member.pk).exists():
        raise ValidationError(_("A case file needs at least one person on its team."), code="last_member")
    audit_record(actor=by, action=Action.UPDATE, obj=member, case_id=case.pk, detail="salida del equipo")
    area = member.area
    member.delete()
    _event(case, by=by, kind=EventKind.TEAM_REMOVED, description=str(user), area=area)
    _team_changed(case)


@transaction.atomic
def case_party_add(
    *, case: Case, by, relation: str, person: Person | None = None, person_data: dict | None = None
):
    """Add a child or another person to the case (creating her record if new)."""
    if relation == Relation.HOLDER:
        raise ValidationError(_("The case file already has a holder."), code="holder_exists")
    if person is None:
        person = person_create(by=by, case_id=case.pk, **(person_data or {}))
    party, created = CaseParty.objects.get_or_create(
        case=case, person=person, defaults={"relation": relation}
    )
    if not created:
        raise ValidationError(_("That person is already in the case file."), code="party_exists")
    audit_record(actor=by, action=Action.CREATE, obj=party, case_id=case.pk)
    _event(case, by=by, kind=EventKind.PARTY_ADDED, description=party.get_relation_display())
    return party


@transaction.atomic
def consultation_record(
    *,
    case: Case,
    by,
    modality: str,
    started_at,
    duration_minutes: int,
    summary: str,
    next_steps: str = "",
    area_note: str = "",
    area: Area | None = None,
) -> Consultation:
    """Record a service contact of the user's area; an optional note only that area will be able to read."""
    area = area or by.area
    if by.role not in AREA_ROLES or area is None or area.pk != by.area_id:
        raise PermissionDenied
    if not case.is_active:
        raise ValidationError(
            _("The case file is closed. Reopen it to record a consultation."), code="closed"
        )
    if started_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"started_at": _("A consultation cannot be recorded with a future date.")})
    consultation = Consultation(
        case=case,
        area=area,
        modality=modality,
        started_at=started_at,
        duration_minutes=duration_minutes,
        summary=summary,
        next_steps=next_steps,
        attended_by=by,
    )
    consultation.full_clean()
    consultation.save()
    audit_record(actor=by, action=Action.CREATE, obj=consultation, case_id=case.pk)
    if area_note.strip():
        note = AreaNote.objects.create(
            case=case, consultation=consultation, area=area, body=area_note, author=by
        )
        audit_record(actor=by, action=Action.CREATE, obj=note, case_id=case.pk, detail=f"nota de {area.code}")
    _event(
        case,
        by=by,
        kind=EventKind.CONSULTATION,
        description=f"{area.name} · {consultation.get_modality_display()}",
        area=area,
        consultation=consultation,
    )
    if case.status == CaseStatus.OPEN:
        case.status = CaseStatus.FOLLOW_UP
        case.save(update_fields=["status", "updated_at"])
    if not case.team_members.filter(user=by).exists():
        _team_add(case, user=by, by=by)
    return consultation


@transaction.atomic
def case_close(*, case: Case, by, reason: str) -> Case:
    if not case.is_active:
        raise ValidationError(_("The case file is already closed."), code="already_closed")
    if not reason:
        raise ValidationError({"close_reason": _("Give the reason for closing.")})
    case.status = CaseStatus.CLOSED
    case.close_reason = reason
    case.closed_at = timezone.now()
    case.full_clean()
    case.save(update_fields=["status", "close_reason", "closed_at", "updated_at"])
    audit_record(actor=by, action=Action.UPDATE, obj=case, case_id=case.pk, detail="cierre")
    _event(case, by=by, kind=EventKind.CLOSED, description=case.get_close_reason_display())
    # A treatment plan still in progress is psychology's to discharge: it is told (see ``signals.case_closed``).
    signals.case_closed.send(sender=Case, case=case, by=by)
    return case


@transaction.atomic
def case_reopen(*, case: Case, by, why: str) -> Case:
    if case.is_active:
        raise ValidationError(_("The case file is already open."), code="already_open")
    if not why.strip():
        raise ValidationError({"why": _("Explain why it is being reopened.")})
    if Case.objects.filter(holder=case.holder, status__in=ACTIVE_STATUSES).exclude(pk=case.pk).exists():
        raise ValidationError(_("She already has another active case file."), code="case_active_exists")
    case.status = CaseStatus.REOPENED
    case.closed_at = None
    case.close_reason = ""
    case.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
    audit_record(actor=by, action=Action.UPDATE, obj=case, case_id=case.pk, detail="reapertura")
    _event(case, by=by, kind=EventKind.REOPENED, description=_("Reopened"))
    return case


@transaction.atomic
def case_break_glass(*, case: Case, by, reason: str) -> CaseAccessGrant:
    """Emergency access outside the usual rules: a written reason, a few hours, flagged for the director.

    Refused to whom ``permissions.may_break_glass`` refuses (the director; anyone on an internal-protocol case).
    """
    if not permissions.may_break_glass(by, case):
        raise PermissionDenied
    if len(reason.strip()) < 15:
        raise ValidationError({"reason": _("Explain in detail (at least 15 characters) why you need it.")})
    grant = CaseAccessGrant.objects.create(
        case=case,
        user=by,
        reason=reason.strip(),
        expires_at=timezone.now() + timedelta(hours=BREAK_GLASS_HOURS),
    )
    audit_record(
        actor=by,
        action=Action.BREAK_GLASS,
        obj=case,
        case_id=case.pk,
        flagged=True,
        detail="acceso de emergencia",
    )
    _event(case, by=by, kind=EventKind.BREAK_GLASS, description=str(by))
    return grant
