"""Writes of the programs app: organisations, trainings, sessions, attendees and attendance.

Every function takes keyword arguments, runs in one transaction, validates with ``full_clean()`` and writes the
audit log in the same transaction (docs/adding-a-model.md).
"""

import calendar
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.core.tokens import token_hash
from violeta.programs.models import (
    Agreement,
    Attendance,
    Attendee,
    Certificate,
    Option,
    Organization,
    OrganizationContact,
    Phase,
    Question,
    QuestionnaireResponse,
    RegisteredBy,
    StaffTraining,
    Training,
    TrainingSession,
)
from violeta.programs.permissions import PROGRAM_ROLES, require_program_staff


def _clean_text(value) -> str:
    return " ".join(str(value or "").split())


@transaction.atomic
def organization_create(*, by, name: str, kind: str, **fields) -> Organization:
    require_program_staff(by)
    organization = Organization(name=_clean_text(name), kind=kind, created_by=by, **fields)
    organization.full_clean()
    organization.save()
    audit_record(actor=by, action=Action.CREATE, obj=organization)
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, by, **fields) -> Organization:
    require_program_staff(by)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    for name, value in fields.items():
        setattr(organization, name, _clean_text(value) if name == "name" else value)
    organization.full_clean()
    organization.save()
    audit_record(actor=by, action=Action.UPDATE, obj=organization)
    return organization


@transaction.atomic
def organization_contact_add(*, organization: Organization, by, name: str, **fields) -> OrganizationContact:
    require_program_staff(by)
    contact = OrganizationContact(organization=organization, name=_clean_text(name), **fields)
    contact.full_clean()
    contact.save()
    audit_record(actor=by, action=Action.CREATE, obj=contact, detail=f"contacto de {organization.pk}")
    return contact


@transaction.atomic
def agreement_add(
    *, organization: Organization, by, title: str, starts_on, ends_on=None, notes=""
) -> Agreement:
    require_program_staff(by)
    agreement = Agreement(
        organization=organization, title=_clean_text(title), starts_on=starts_on, ends_on=ends_on, notes=notes
    )
    agreement.full_clean()
    agreement.save()
    audit_record(actor=by, action=Action.CREATE, obj=agreement, detail=f"convenio de {organization.pk}")
    return agreement


def _require_trainer(user) -> None:
    if user is None or not user.is_active or user.role not in PROGRAM_ROLES:
        raise ValidationError({"trainer": _("Choose a trainer, a coordinator or the director.")})


@transaction.atomic
def training_create(*, by, program: str, topic, title: str, trainer, organization=None, **fields) -> Training:
    require_program_staff(by)
    _require_trainer(trainer)
    training = Training(
        program=program,
        topic=topic,
        title=_clean_text(title),
        trainer=trainer,
        organization=organization,
        created_by=by,
        **fields,
    )
    training.full_clean()
    training.save()
    audit_record(actor=by, action=Action.CREATE, obj=training)
    return training


@transaction.atomic
def training_update(*, training: Training, by, **fields) -> Training:
    require_program_staff(by)
    training = Training.objects.select_for_update().get(pk=training.pk)
    if "trainer" in fields:
        _require_trainer(fields["trainer"])
    for name, value in fields.items():
        setattr(training, name, _clean_text(value) if name == "title" else value)
    training.full_clean()
    training.save()
    audit_record(actor=by, action=Action.UPDATE, obj=training)
    return training


@transaction.atomic
def session_add(
    *, training: Training, by, starts_at, ends_at, place="", link="", trainer=None
) -> TrainingSession:
    require_program_staff(by)
    trainer = trainer or training.trainer
    _require_trainer(trainer)
    session = TrainingSession(
        training=training,
        starts_at=starts_at,
        ends_at=ends_at,
        place=_clean_text(place),
        link=link,
        trainer=trainer,
    )
    session.full_clean()
    session.save()
    audit_record(actor=by, action=Action.CREATE, obj=session, detail=f"sesión de {training.pk}")
    return session


@transaction.atomic
def attendee_register(
    *,
    training: Training,
    by=None,
    full_name: str,
    sex: str,
    age_group: str,
    registered_by=RegisteredBy.STAFF,
    **fields,
) -> Attendee:
    """Register a person for a training: by staff (``by``), or through the public link (``by`` None)."""
    if by is not None:
        require_program_staff(by)
    full_name = _clean_text(full_name)
    if Attendee.objects.filter(training=training, full_name__iexact=full_name).exists():
        raise ValidationError(
            {"full_name": _("%(name)s is already registered for this training.") % {"name": full_name}}
        )
    attendee = Attendee(
        training=training,
        full_name=full_name,
        sex=sex,
        age_group=age_group,
        registered_by=registered_by,
        **fields,
    )
    attendee.full_clean()
    attendee.save()
    audit_record(actor=by, action=Action.CREATE, obj=attendee, detail=f"asistente de {training.pk}")
    return attendee


@transaction.atomic
def attendance_mark(*, session: TrainingSession, attendee: Attendee, present: bool, by) -> Attendance:
    """Set whether ``attendee`` was at ``session``: the same tap sent twice (a retry) gives the same row."""
    require_program_staff(by)
    if attendee.training_id != session.training_id:
        raise ValidationError(_("That person is not registered for this training."))
    try:
        with transaction.atomic():
            row, _created = Attendance.objects.select_for_update().get_or_create(
                session=session, attendee=attendee, defaults={"present": present, "recorded_by": by}
            )
    except IntegrityError:  # the same tap arrived twice at once: the other one created the row
        row = Attendance.objects.select_for_update().get(session=session, attendee=attendee)
    if row.present != present or row.recorded_by_id != by.pk:
        row.present, row.recorded_by, row.recorded_at = present, by, timezone.now()
        row.save(update_fields=["present", "recorded_by", "recorded_at"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        obj=row,
        detail=("presente" if present else "ausente") + f" sesión {session.pk}",
    )
    return row


# --- The public sign-up link ------------------------------------------------------------------------------

SIGNUP_MAX_DAYS = 90


@transaction.atomic
def signup_open(*, training: Training, by, closes_at) -> Training:
    """Open (or renew) the training's public sign-up link until ``closes_at``. A renewed link replaces the old
    one, which stops working at once."""
    require_program_staff(by)
    now = timezone.now()
    if closes_at is None or closes_at <= now:
        raise ValidationError({"closes_at": _("The sign-up must close at a future date.")})
    if closes_at > now + timedelta(days=SIGNUP_MAX_DAYS):
        raise ValidationError(
            {"closes_at": _("The sign-up may stay open %(days)s days at most.") % {"days": SIGNUP_MAX_DAYS}}
        )
    training = Training.objects.select_for_update().get(pk=training.pk)
    training.signup_version += 1
    training.signup_closes_at = closes_at
    training.signup_token_hash = token_hash(training.signup_token)
    training.save(update_fields=["signup_version", "signup_closes_at", "signup_token_hash"])
    audit_record(actor=by, action=Action.UPDATE, obj=training, detail="abre el registro público")
    return training


@transaction.atomic
def signup_close(*, training: Training, by) -> Training:
    require_program_staff(by)
    training = Training.objects.select_for_update().get(pk=training.pk)
    training.signup_closes_at = timezone.now()
    training.save(update_fields=["signup_closes_at"])
    audit_record(actor=by, action=Action.UPDATE, obj=training, detail="cierra el registro público")
    return training


# --- Certificates -------------------------------------------------------------------------------------------


def certificate_folio(attendee: Attendee, completed_on) -> str:
    """``CON-2026-000123``: one certificate per attendee, so her registration's number makes it unique."""
    return f"CON-{completed_on.year}-{attendee.pk:06d}"


@transaction.atomic
def certificates_issue(*, training: Training, by) -> list[Certificate]:
    """Issue the certificates of everyone who met the training's attendance rule and has none yet, once its last
    session was held. Running it again issues only the ones missing (a late attendance correction)."""
    require_program_staff(by)
    training = Training.objects.select_for_update().get(pk=training.pk)
    sessions = list(training.sessions.all())
    if not sessions:
        raise ValidationError(_("The training has no sessions: there is nothing to certify."))
    if max(s.starts_at for s in sessions) > timezone.now():
        raise ValidationError(_("Certificates are issued once the last session has been held."))
    total = len(sessions)
    completed_on = timezone.localtime(max(s.ends_at for s in sessions)).date()
    valid_until = (
        add_months(completed_on, training.certificate_valid_months)
        if training.certificate_valid_months
        else None
    )
    eligible = (
        training.attendees.filter(certificate__isnull=True)
        .annotate(attended=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("full_name")
    )
    issued = []
    for attendee in eligible:
        if 100 * attendee.attended < training.min_attendance_percent * total:
            continue
        certificate = Certificate(
            attendee=attendee,
            folio=certificate_folio(attendee, completed_on),
            hours=training.hours,
            completed_on=completed_on,
            valid_until=valid_until,
            issued_by=by,
        )
        certificate.full_clean(exclude=["verify_token_hash"])
        certificate.save()
        audit_record(actor=by, action=Action.CREATE, obj=certificate, detail=f"constancia de {training.pk}")
        issued.append(certificate)
    return issued


def add_months(day, months: int):
    """The same day ``months`` later; the month's last day when it has fewer days (31 January + 1 = 28 February)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a certificate (issued by mistake, attendance corrected): it no longer verifies, and says so."""
    require_program_staff(by)
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.is_revoked:
        raise ValidationError(_("The certificate was already revoked."))
    certificate.revoked_at, certificate.revoked_by, certificate.revoke_reason = (
        timezone.now(),
        by,
        reason[:300],
    )
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(actor=by, action=Action.UPDATE, obj=certificate, detail="revocada")
    return certificate


@transaction.atomic
def attendees_import(*, training: Training, by, rows: list[dict]) -> list[Attendee]:
    """Register the good rows of a spreadsheet preview, all or none: each one is checked again (the list may have
    changed since the preview) and any refusal refuses the whole import."""
    require_program_staff(by)
    imported = []
    for data in rows:
        fields = {
            key: data.get(key, "")
            for key in ("full_name", "sex", "age_group", "role", "organization_name", "email")
        }
        imported.append(
            attendee_register(training=training, by=by, registered_by=RegisteredBy.SPREADSHEET, **fields)
        )
    return imported


# --- Questionnaires before and after ------------------------------------------------------------------------


@transaction.atomic
def question_add(*, topic, by, text: str, options: list[str], correct: int) -> Question:
    """A question of ``topic``'s questionnaire with its options (two to five), ``correct`` the right one's index."""
    require_program_staff(by)
    options = [_clean_text(option) for option in options if _clean_text(option)]
    if not 2 <= len(options) <= 5:
        raise ValidationError({"options": _("Give between two and five options.")})
    if not 0 <= correct < len(options):
        raise ValidationError({"correct": _("Say which option is the right one.")})
    question = Question(topic=topic, text=_clean_text(text), order=topic.questions.count() + 1)
    question.full_clean()
    question.save()
    Option.objects.bulk_create(
        [Option(question=question, text=option, is_correct=i == correct) for i, option in enumerate(options)]
    )
    audit_record(actor=by, action=Action.CREATE, obj=question, detail=f"pregunta de {topic.code}")
    return question


def questionnaire_of(training: Training) -> list[Question]:
    return list(training.topic.questions.filter(is_active=True).prefetch_related("options"))


@transaction.atomic
def questionnaire_record(*, attendee: Attendee, phase: str, answers: dict, by) -> QuestionnaireResponse:
    """Her answers (``{question id: option id}``) before or after the training, scored against the topic's right
    options. Every question must be answered with one of its own options; recording again replaces them."""
    require_program_staff(by)
    if phase not in Phase.values:
        raise ValidationError(_("Say whether the answers are from before or after the training."))
    questions = questionnaire_of(attendee.training)
    if not questions:
        raise ValidationError(_("The training's topic has no questionnaire yet."))
    score, clean = 0, {}
    for question in questions:
        chosen = answers.get(question.pk, answers.get(str(question.pk)))
        option = next((o for o in question.options.all() if str(o.pk) == str(chosen)), None)
        if option is None:
            raise ValidationError(
                _("Answer every question: “%(question)s” has no answer.") % {"question": question.text}
            )
        clean[str(question.pk)] = option.pk
        score += option.is_correct
    response, _created = QuestionnaireResponse.objects.update_or_create(
        attendee=attendee,
        phase=phase,
        defaults={
            "answers": clean,
            "score": score,
            "out_of": len(questions),
            "recorded_by": by,
            "recorded_at": timezone.now(),
        },
    )
    audit_record(actor=by, action=Action.UPDATE, obj=response, detail=f"cuestionario {phase}")
    return response


# --- The staff's own training -------------------------------------------------------------------------------


@transaction.atomic
def staff_training_record(*, staff, by, title: str, started_on, hours, **fields) -> StaffTraining:
    """A module or course a staff member took (professionalisation): recorded by herself, or by the director."""
    if by != staff and by.role != Role.DIRECTOR:
        raise PermissionDenied
    record = StaffTraining(
        staff=staff, title=_clean_text(title), started_on=started_on, hours=hours, recorded_by=by, **fields
    )
    record.full_clean()
    record.save()
    audit_record(actor=by, action=Action.CREATE, obj=record, detail=f"formación de {staff.pk}")
    return record
