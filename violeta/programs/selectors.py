"""Reads of the programs app. Attendee lists are personal data: only program staff reach them, through
``access_*`` selectors that answer 404 to anyone else and write the audit log."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.paginator import Page
from django.db.models import Count, Max, Min, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.core.tokens import token_hash
from violeta.programs.models import (
    Attendance,
    Attendee,
    Certificate,
    Organization,
    Training,
    TrainingSession,
)
from violeta.programs.permissions import is_program_staff

PER_PAGE = 25


def _refuse(user, object_type: str, pk) -> None:
    audit_denied(actor=user, object_type=object_type, object_id=pk)
    raise Http404


def organizations_page(user, *, query: str = "", kind: str = "", page=None) -> Page:
    """Organisations, by name, with how many trainings each had (program staff only)."""
    if not is_program_staff(user):
        _refuse(user, "programs.organization", "")
    from django.core.paginator import Paginator

    rows = Organization.objects.annotate(training_count=Count("trainings"))
    if query:
        rows = rows.filter(name__icontains=" ".join(query.split()))
    if kind:
        rows = rows.filter(kind=kind)
    return Paginator(rows.order_by("name"), PER_PAGE).get_page(page)


def access_organization(user, pk: int, *, detail: str = "organización") -> Organization:
    organization = Organization.objects.filter(pk=pk).first() if is_program_staff(user) else None
    if organization is None:
        _refuse(user, "programs.organization", pk)
    audit_record(actor=user, action=Action.VIEW, obj=organization, detail=detail)
    return organization


def organization_history(organization: Organization) -> dict:
    """Everything the institute did with an organisation, on one page: contacts, agreements, its trainings."""
    trainings = (
        organization.trainings.select_related("topic", "trainer")
        .annotate(
            first_session=Min("sessions__starts_at"),
            last_session=Max("sessions__starts_at"),
            attendee_count=Count("attendees", distinct=True),
        )
        .order_by("-created_at")
    )
    return {
        "contacts": list(organization.contacts.all()),
        "agreements": list(organization.agreements.all()),
        "trainings": list(trainings),
    }


def trainings_page(user, *, program: str = "", mine: bool = False, page=None) -> Page:
    if not is_program_staff(user):
        _refuse(user, "programs.training", "")
    from django.core.paginator import Paginator

    rows = Training.objects.select_related("topic", "organization", "trainer").annotate(
        first_session=Min("sessions__starts_at"),
        session_count=Count("sessions", distinct=True),
        attendee_count=Count("attendees", distinct=True),
    )
    if program:
        rows = rows.filter(program=program)
    if mine:
        rows = rows.filter(Q(trainer=user) | Q(sessions__trainer=user)).distinct()
    return Paginator(rows.order_by("-created_at"), PER_PAGE).get_page(page)


def access_training(user, pk: int, *, detail: str = "capacitación") -> Training:
    training = None
    if is_program_staff(user):
        training = Training.objects.select_related("topic", "organization", "trainer").filter(pk=pk).first()
    if training is None:
        _refuse(user, "programs.training", pk)
    audit_record(actor=user, action=Action.VIEW, obj=training, detail=detail)
    return training


def access_session(user, training_pk: int, session_pk: int) -> TrainingSession:
    training = access_training(user, training_pk, detail="pase de lista")
    session = training.sessions.select_related("trainer").filter(pk=session_pk).first()
    if session is None:
        _refuse(user, "programs.trainingsession", session_pk)
    session.training = training
    return session


def access_attendee(user, training: Training, pk: int) -> Attendee:
    attendee = training.attendees.filter(pk=pk).first() if is_program_staff(user) else None
    if attendee is None:
        _refuse(user, "programs.attendee", pk)
    return attendee


@dataclass(frozen=True)
class AttendeeRow:
    attendee: Attendee
    attended: int
    sessions: int
    certificate: Certificate | None = None

    @property
    def rate(self) -> int:
        """Percentage of the sessions held so far that she attended."""
        return round(100 * self.attended / self.sessions) if self.sessions else 0


def training_attendees(user, training: Training) -> list[AttendeeRow]:
    """The attendees of a training with their attendance so far; each one shown is an audited read."""
    if not is_program_staff(user):
        _refuse(user, "programs.training", training.pk)
    held = training.sessions.filter(starts_at__lte=timezone.now()).count()
    attendees = list(
        training.attendees.annotate(
            attended=Count("attendance", filter=Q(attendance__present=True), distinct=True)
        ).order_by("full_name")
    )
    certificates = {c.attendee_id: c for c in Certificate.objects.filter(attendee__training=training)}
    audit_many(actor=user, action=Action.VIEW, objects=attendees, detail=f"asistentes de {training.pk}")
    return [
        AttendeeRow(attendee=a, attended=a.attended, sessions=held, certificate=certificates.get(a.pk))
        for a in attendees
    ]


def roll_call(user, session: TrainingSession) -> list[tuple[Attendee, bool | None]]:
    """Each attendee of the session's training and whether she was marked present (None: not yet marked)."""
    marks = dict(Attendance.objects.filter(session=session).values_list("attendee_id", "present"))
    attendees = list(session.training.attendees.order_by("full_name"))
    audit_many(actor=user, action=Action.VIEW, objects=attendees, detail=f"pase de lista {session.pk}")
    return [(attendee, marks.get(attendee.pk)) for attendee in attendees]


def upcoming_sessions(user, *, days: int = 14) -> list[TrainingSession]:
    """Her sessions from today to ``days`` ahead, the soonest first: the trainer's home page."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        TrainingSession.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=days))
        .filter(Q(trainer=user) | Q(training__trainer=user))
        .select_related("training__organization", "training__topic")
        .annotate(attendee_count=Count("training__attendees", distinct=True))
        .order_by("starts_at")
        .distinct()
    )


def sessions_prefetch():
    return Prefetch(
        "sessions", queryset=TrainingSession.objects.select_related("trainer").order_by("starts_at")
    )


def training_for_signup(token: str) -> Training | None:
    """The training whose current public sign-up link is ``token`` (open or closed), or None."""
    if not token or len(token) > 64:
        return None
    return (
        Training.objects.select_related("organization", "topic")
        .filter(signup_token_hash=token_hash(token))
        .first()
    )


def certificate_by_token(token: str) -> Certificate | None:
    """Public verification: the certificate whose QR carries ``token``, or None. Audited as an anonymous read."""
    if not token or len(token) > 64:
        return None
    certificate = (
        Certificate.objects.select_related("attendee__training")
        .filter(verify_token_hash=token_hash(token))
        .first()
    )
    if certificate is not None:
        audit_record(
            actor=None, action=Action.VIEW, obj=certificate, detail="verificación pública", actor_label="QR"
        )
    return certificate


def access_certificate(user, training: Training, pk: int) -> Certificate:
    certificate = None
    if is_program_staff(user):
        certificate = (
            Certificate.objects.select_related("attendee").filter(pk=pk, attendee__training=training).first()
        )
    if certificate is None:
        _refuse(user, "programs.certificate", pk)
    audit_record(actor=user, action=Action.VIEW, obj=certificate, detail="constancia")
    return certificate


@dataclass(frozen=True)
class PhaseSummary:
    answered: int
    percent: int | None  # the average share of right answers


def questionnaire_summary(training: Training) -> dict:
    """How the attendees did before and after, and the change in points (only who answered both counts)."""
    from violeta.programs.models import Phase, QuestionnaireResponse

    rows = list(
        QuestionnaireResponse.objects.filter(attendee__training=training).values(
            "attendee_id", "phase", "score", "out_of"
        )
    )

    def summary(phase, only=None):
        chosen = [r for r in rows if r["phase"] == phase and (only is None or r["attendee_id"] in only)]
        if not chosen:
            return PhaseSummary(0, None)
        return PhaseSummary(
            len(chosen), round(100 * sum(r["score"] for r in chosen) / sum(r["out_of"] for r in chosen))
        )

    both = {r["attendee_id"] for r in rows if r["phase"] == Phase.BEFORE} & {
        r["attendee_id"] for r in rows if r["phase"] == Phase.AFTER
    }
    paired_before, paired_after = summary(Phase.BEFORE, both), summary(Phase.AFTER, both)
    change = None
    if both:
        change = paired_after.percent - paired_before.percent
    return {
        "before": summary(Phase.BEFORE),
        "after": summary(Phase.AFTER),
        "paired": len(both),
        "change": change,
    }


def questionnaire_status(user, training: Training, phase: str) -> list[tuple[Attendee, int | None]]:
    """Each attendee and her score in ``phase`` (None: not answered yet); an audited read of the list."""
    from violeta.programs.models import QuestionnaireResponse

    scores = {
        r.attendee_id: r
        for r in QuestionnaireResponse.objects.filter(attendee__training=training, phase=phase)
    }
    attendees = list(training.attendees.order_by("full_name"))
    audit_many(
        actor=user, action=Action.VIEW, objects=attendees, detail=f"cuestionario {phase} de {training.pk}"
    )
    return [(a, scores.get(a.pk)) for a in attendees]


def staff_training_records(user):
    """The staff's own training: each staff member sees hers, the director the whole team's."""
    from violeta.programs.models import StaffTraining

    rows = StaffTraining.objects.select_related("staff", "topic").order_by("staff__full_name", "-started_on")
    if user.role != Role.DIRECTOR:
        rows = rows.filter(staff=user)
    return list(rows)
