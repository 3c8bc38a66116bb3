"""Writes of *Superación en acción*: courses, their groups and classes, enrolments, class attendance, completion,
outcomes with their follow-up reminder, and the links with other actors.

Enrolment is made from her case file by someone who may see it (her case team, its areas' coordination, the
director): ``enroll`` checks ``cases.selectors.can_view_case`` and records her consent as a ``people.Consent``
whose scope names the program and the group; without her consent nothing is stored. The trainer, who sees no
case file, never enrols: she works with the group's list (names, attendance, outcomes) and nothing else.

Every function takes keyword arguments, runs in one transaction, validates with ``full_clean()`` and writes the
audit log in the same transaction (docs/adding-a-model.md).
"""

from datetime import datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.selectors import can_view_case
from violeta.cases.services import active_case_of
from violeta.notifications.services import notifications_cancel, notify
from violeta.people.models import ConsentPurpose
from violeta.people.services import consent_record, person_create
from violeta.programs.models import (
    SEATED,
    Cohort,
    CohortSession,
    Course,
    Enrollment,
    EnrollmentAttendance,
    EnrollmentStatus,
    ExternalLink,
)
from violeta.programs.permissions import require_program_staff

PROGRAM_NAME = "Superación en acción"
FOLLOW_UP_KIND = "programs.follow_up"
FOLLOW_UP_HOUR = time(9, 0)
COORDINATOR_ROLES = frozenset({Role.COORDINATOR, Role.DIRECTOR})


def _clean_text(value) -> str:
    return " ".join(str(value or "").split())


def consent_scope(cohort: Cohort) -> str:
    """What her consent covers: the program, the course and the group (a ``Consent.scope``)."""
    return f"{PROGRAM_NAME}: {cohort.course.trade}, {cohort.name}"[:255]


def follow_up_key(enrollment: Enrollment) -> str:
    return f"programs.enrollment:{enrollment.pk}:follow-up"


@transaction.atomic
def course_create(*, by, trade: str, capacity: int = 20, **fields) -> Course:
    require_program_staff(by)
    course = Course(trade=_clean_text(trade), capacity=capacity, created_by=by, **fields)
    course.full_clean()
    course.save()
    audit_record(actor=by, action=Action.CREATE, obj=course)
    return course


@transaction.atomic
def cohort_create(
    *, course: Course, by, name: str, starts_on, ends_on, coordinator=None, capacity=None, **fields
) -> Cohort:
    """A group of ``course``; its follow-up reminders go to ``coordinator`` (by default, whoever creates it if
    she coordinates)."""
    require_program_staff(by)
    coordinator = coordinator or (by if by.role in COORDINATOR_ROLES else None)
    if coordinator is None or not coordinator.is_active or coordinator.role not in COORDINATOR_ROLES:
        raise ValidationError({"coordinator": _("Choose a coordinator or the director.")})
    cohort = Cohort(
        course=course,
        name=_clean_text(name),
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        coordinator=coordinator,
        created_by=by,
        **fields,
    )
    cohort.full_clean()
    cohort.save()
    audit_record(actor=by, action=Action.CREATE, obj=cohort, detail=f"grupo del curso {course.pk}")
    return cohort


@transaction.atomic
def cohort_session_add(*, cohort: Cohort, by, starts_at, ends_at, place="") -> CohortSession:
    require_program_staff(by)
    session = CohortSession(
        cohort=cohort,
        starts_at=starts_at,
        ends_at=ends_at,
        place=_clean_text(place) or cohort.course.place,
    )
    session.full_clean()
    session.save()
    audit_record(actor=by, action=Action.CREATE, obj=session, detail=f"clase del grupo {cohort.pk}")
    return session


def _seated_count(cohort: Cohort) -> int:
    return cohort.enrollments.filter(status__in=SEATED).count()


def _require_consent(consent: bool) -> None:
    if not consent:
        raise ValidationError(
            {
                "consent": _(
                    "She must agree to take part in the course: without her consent she is not enrolled."
                )
            },
            code="consent_required",
        )


def _seat(cohort: Cohort, person, *, by, case_id: int | None) -> Enrollment:
    """Her place in the group (or on its waiting list), with her consent recorded: the common part of both ways
    of enrolling. The caller holds the group's row lock and checked who may enrol her."""
    if cohort.closed_at is not None or cohort.ends_on < timezone.localdate():
        raise ValidationError({"cohort": _("This group is already over: choose another one.")})
    existing = Enrollment.objects.filter(cohort=cohort, person=person).first()
    if existing is not None and existing.status != EnrollmentStatus.WITHDRAWN:
        raise ValidationError(
            {
                "cohort": _("She is already in this group (%(status)s).")
                % {"status": existing.get_status_display()}
            }
        )
    agreed = consent_record(
        person=person,
        by=by,
        purpose=ConsentPurpose.CARE,
        granted=True,
        scope=consent_scope(cohort),
        case_id=case_id,
    )
    status = EnrollmentStatus.ENROLLED if _seated_count(cohort) < cohort.seats else EnrollmentStatus.WAITING
    enrollment = existing or Enrollment(cohort=cohort, person=person)
    enrollment.status, enrollment.consent, enrollment.enrolled_by = status, agreed, by
    enrollment.enrolled_at, enrollment.withdrawn_at = timezone.now(), None
    enrollment.full_clean()
    enrollment.save()
    audit_record(
        actor=by,
        action=Action.CREATE if existing is None else Action.UPDATE,
        obj=enrollment,
        case_id=case_id,
        detail=f"{status} grupo {cohort.pk}",
    )
    return enrollment


@transaction.atomic
def enroll(*, cohort: Cohort, case, by, consent: bool) -> Enrollment:
    """Enrol the holder of ``case`` in ``cohort``: in a place if there is one, otherwise on the waiting list.

    ``by`` must be able to see the case file; ``consent`` says that she agreed to take part (her consent is then
    recorded, scoped to the program). Without it nothing is stored.
    """
    if not can_view_case(by, case):
        raise PermissionDenied
    _require_consent(consent)
    if not case.is_active:
        raise ValidationError(_("The case file is closed: reopen it to enrol her."))
    cohort = Cohort.objects.select_for_update().select_related("course").get(pk=cohort.pk)
    return _seat(cohort, case.holder, by=by, case_id=case.pk)


# Who enrols a woman who comes to the course without a case file: the coordination and the director, who may
# see the intake's duplicate check (the trainer may not: it is a window on the whole registry).
NEW_PARTICIPANT_ROLES = frozenset({Role.COORDINATOR, Role.DIRECTOR})


@transaction.atomic
def enroll_new_participant(
    *, cohort: Cohort, by, consent: bool, person=None, person_data: dict | None = None
) -> Enrollment:
    """Enrol a woman who has no case file: ``person`` when the duplicate check found her ("Es ella"), otherwise
    a new person registered from ``person_data``. A woman with an active case file is enrolled from it, by who
    may see it, so that nobody reaches a case through a course."""
    if by.role not in NEW_PARTICIPANT_ROLES:
        raise PermissionDenied
    _require_consent(consent)
    cohort = Cohort.objects.select_for_update().select_related("course").get(pk=cohort.pk)
    if person is not None:
        if active_case_of(person) is not None:
            raise ValidationError(
                _("She has an active case file: her team enrols her from it."), code="case_active_exists"
            )
    else:
        person = person_create(by=by, **(person_data or {}))
    return _seat(cohort, person, by=by, case_id=None)


@transaction.atomic
def withdraw(*, enrollment: Enrollment, by, reason: str = "") -> Enrollment | None:
    """She leaves the group (or the waiting list); a place she frees goes to the first one waiting, who is
    returned (``None`` when nobody was promoted)."""
    require_program_staff(by)
    return _leave(enrollment, by=by, reason=reason)


def _leave(enrollment: Enrollment, *, by, reason: str) -> Enrollment | None:
    cohort = Cohort.objects.select_for_update().get(pk=enrollment.cohort_id)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status not in (EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITING):
        raise ValidationError(_("Only someone enrolled or waiting can be withdrawn."))
    freed = enrollment.status == EnrollmentStatus.ENROLLED
    enrollment.status, enrollment.withdrawn_at = EnrollmentStatus.WITHDRAWN, timezone.now()
    enrollment.save(update_fields=["status", "withdrawn_at"])
    notifications_cancel(key=follow_up_key(enrollment))
    audit_record(
        actor=by, action=Action.UPDATE, obj=enrollment, detail=("baja: " + _clean_text(reason))[:200]
    )
    if not freed or cohort.closed_at is not None or _seated_count(cohort) >= cohort.seats:
        return None
    # The place goes to the first one waiting whose consent is in force now (issue 20): a consent that lapsed or
    # that she withdrew while she waited does not enrol her.
    waiting = (
        cohort.enrollments.select_for_update()
        .filter(status=EnrollmentStatus.WAITING)
        .select_related("consent")
        .order_by("enrolled_at", "id")
    )
    first = next((e for e in waiting if e.consent.in_force()), None)
    if first is None:
        return None
    first.status = EnrollmentStatus.ENROLLED
    first.save(update_fields=["status"])
    audit_record(actor=by, action=Action.UPDATE, obj=first, detail=f"de lista de espera al grupo {cohort.pk}")
    return first


def on_consent_withdrawn(sender, *, consent, by, **kwargs) -> None:
    """She withdrew the consent a place in a course (or on its waiting list) stands on: she leaves it at once
    (``people.signals.consent_withdrawn``, connected in ``ProgramsConfig.ready``)."""
    held = Enrollment.objects.filter(
        consent=consent, status__in=(EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITING)
    )
    for enrollment in held:
        _leave(enrollment, by=by, reason="retiró su consentimiento")


@transaction.atomic
def course_attendance_mark(
    *, session: CohortSession, enrollment: Enrollment, present: bool, by
) -> EnrollmentAttendance:
    """Set whether she was at a class: the same tap sent twice (a retry) gives the same row."""
    require_program_staff(by)
    if enrollment.cohort_id != session.cohort_id or not enrollment.is_seated:
        raise ValidationError(_("She is not enrolled in this group."))
    try:
        with transaction.atomic():
            row, _created = EnrollmentAttendance.objects.select_for_update().get_or_create(
                session=session, enrollment=enrollment, defaults={"present": present, "recorded_by": by}
            )
    except IntegrityError:  # the same tap arrived twice at once: the other one created the row
        row = EnrollmentAttendance.objects.select_for_update().get(session=session, enrollment=enrollment)
    if row.present != present or row.recorded_by_id != by.pk:
        row.present, row.recorded_by, row.recorded_at = present, by, timezone.now()
        row.save(update_fields=["present", "recorded_by", "recorded_at"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        obj=row,
        detail=("presente" if present else "ausente") + f" clase {session.pk}",
    )
    return row


def attendance_rates(cohort: Cohort, *, at=None) -> tuple[int, dict[int, int]]:
    """The classes held by ``at`` (now), and how many of them each enrolment attended."""
    at = at or timezone.now()
    held = cohort.sessions.filter(starts_at__lte=at).count()
    attended = dict(
        cohort.enrollments.annotate(
            n=Count(
                "attendance",
                filter=Q(attendance__present=True, attendance__session__starts_at__lte=at),
                distinct=True,
            )
        ).values_list("pk", "n")
    )
    return held, attended


def meets_rule(attended: int, held: int, percent: int) -> bool:
    return bool(held) and 100 * attended >= percent * held


@transaction.atomic
def cohort_complete(*, cohort: Cohort, by) -> dict[str, int]:
    """Close the group: each one enrolled completes it when she attended at least the group's percentage of the
    classes held, otherwise she did not complete it. The waiting list is left as it was."""
    require_program_staff(by)
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.closed_at is not None:
        raise ValidationError(_("This group was already closed."))
    held, attended = attendance_rates(cohort)
    if not held:
        raise ValidationError(_("No class of this group has been held yet."))
    counts = {EnrollmentStatus.COMPLETED: 0, EnrollmentStatus.NOT_COMPLETED: 0}
    for enrollment in cohort.enrollments.select_for_update().filter(status=EnrollmentStatus.ENROLLED):
        done = meets_rule(attended.get(enrollment.pk, 0), held, cohort.min_attendance_percent)
        enrollment.status = EnrollmentStatus.COMPLETED if done else EnrollmentStatus.NOT_COMPLETED
        enrollment.save(update_fields=["status"])
        counts[enrollment.status] += 1
        audit_record(actor=by, action=Action.UPDATE, obj=enrollment, detail=f"cierre del grupo {cohort.pk}")
    cohort.closed_at = timezone.now()
    cohort.save(update_fields=["closed_at"])
    audit_record(actor=by, action=Action.UPDATE, obj=cohort, detail="grupo cerrado")
    return {str(k): v for k, v in counts.items()}


@transaction.atomic
def outcome_record(
    *, enrollment: Enrollment, by, outcome: str, note: str = "", follow_up_on=None
) -> Enrollment:
    """What became of her after the course; with ``follow_up_on``, the group's coordinator is reminded that day.

    The reminder names the course and the group, never her (notifications show no person)."""
    require_program_staff(by)
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("cohort__course", "cohort__coordinator")
        .get(pk=enrollment.pk)
    )
    if enrollment.status not in (EnrollmentStatus.COMPLETED, EnrollmentStatus.NOT_COMPLETED):
        raise ValidationError(_("The outcome is recorded once her group is closed."))
    if follow_up_on is not None and follow_up_on <= timezone.localdate():
        raise ValidationError({"follow_up_on": _("The follow-up date must be after today.")})
    enrollment.outcome, enrollment.outcome_note = outcome, _clean_text(note)[:300]
    enrollment.follow_up_on = follow_up_on
    enrollment.full_clean()
    enrollment.save(update_fields=["outcome", "outcome_note", "follow_up_on"])
    audit_record(actor=by, action=Action.UPDATE, obj=enrollment, detail=f"resultado: {outcome}")
    key = follow_up_key(enrollment)
    if follow_up_on is None:
        notifications_cancel(key=key)
        return enrollment
    cohort = enrollment.cohort
    notify(
        recipients=[cohort.coordinator],
        kind=FOLLOW_UP_KIND,
        message=_("Follow-up due: a participant of %(course)s, group %(group)s.")
        % {"course": cohort.course.trade, "group": cohort.name},
        url=reverse("programs:enrollment_detail", kwargs={"pk": enrollment.pk}),
        deliver_at=timezone.make_aware(datetime.combine(follow_up_on, FOLLOW_UP_HOUR)),
        key=key,
    )
    return enrollment


@transaction.atomic
def external_link_add(*, enrollment: Enrollment, by, kind: str, name: str, note: str = "") -> ExternalLink:
    require_program_staff(by)
    if enrollment.status == EnrollmentStatus.WITHDRAWN:
        raise ValidationError(_("She withdrew from the group."))
    link = ExternalLink(
        enrollment=enrollment, kind=kind, name=_clean_text(name), note=_clean_text(note), created_by=by
    )
    link.full_clean()
    link.save()
    audit_record(
        actor=by, action=Action.CREATE, obj=link, detail=f"vínculo de la inscripción {enrollment.pk}"
    )
    return link
