"""Reads of *Superación en acción*. The groups' lists name women: only program staff reach them, through
``access_*`` selectors that answer 404 to anyone else and write the audit log. What the programs pages show of a
woman is her name, her place in the group, her attendance and her outcome: never anything of her case file.

Her case page shows her participation to whoever may see the case (``case_enrollments``)."""

from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.cases.selectors import can_view_case
from violeta.programs.courses import attendance_rates, meets_rule
from violeta.programs.models import (
    SEATED,
    Cohort,
    CohortSession,
    Course,
    Enrollment,
    EnrollmentAttendance,
    EnrollmentStatus,
)
from violeta.programs.permissions import is_program_staff

PER_PAGE = 25


def _refuse(user, object_type: str, pk) -> None:
    audit_denied(actor=user, object_type=object_type, object_id=pk)
    raise Http404


def courses_page(user, *, page=None) -> Page:
    if not is_program_staff(user):
        _refuse(user, "programs.course", "")
    rows = Course.objects.annotate(cohort_count=Count("cohorts", distinct=True)).order_by(
        "-is_active", "trade"
    )
    return Paginator(rows, PER_PAGE).get_page(page)


def access_course(user, pk: int, *, detail: str = "curso") -> Course:
    course = Course.objects.filter(pk=pk).first() if is_program_staff(user) else None
    if course is None:
        _refuse(user, "programs.course", pk)
    audit_record(actor=user, action=Action.VIEW, obj=course, detail=detail)
    return course


def course_cohorts(course: Course) -> list[Cohort]:
    """The groups of a course, the latest first, with how many hold a place and how many wait."""
    return list(
        course.cohorts.select_related("coordinator").annotate(
            seated=Count("enrollments", filter=Q(enrollments__status__in=SEATED), distinct=True),
            waiting=Count(
                "enrollments", filter=Q(enrollments__status=EnrollmentStatus.WAITING), distinct=True
            ),
            session_count=Count("sessions", distinct=True),
        )
    )


def access_cohort(user, pk: int, *, detail: str = "grupo") -> Cohort:
    cohort = None
    if is_program_staff(user):
        cohort = Cohort.objects.select_related("course", "coordinator").filter(pk=pk).first()
    if cohort is None:
        _refuse(user, "programs.cohort", pk)
    audit_record(actor=user, action=Action.VIEW, obj=cohort, detail=detail)
    return cohort


def access_cohort_session(user, cohort_pk: int, session_pk: int) -> CohortSession:
    cohort = access_cohort(user, cohort_pk, detail="pase de lista del grupo")
    session = cohort.sessions.filter(pk=session_pk).first()
    if session is None:
        _refuse(user, "programs.cohortsession", session_pk)
    session.cohort = cohort
    return session


def access_enrollment(
    user, pk: int, *, detail: str = "inscripción", cohort: Cohort | None = None
) -> Enrollment:
    """An enrolment (her name, her group, her outcome), for program staff; within ``cohort`` when given."""
    enrollment = None
    if is_program_staff(user):
        rows = Enrollment.objects.select_related("person", "cohort__course", "cohort__coordinator")
        if cohort is not None:
            rows = rows.filter(cohort=cohort)
        enrollment = rows.filter(pk=pk).first()
    if enrollment is None:
        _refuse(user, "programs.enrollment", pk)
    audit_record(actor=user, action=Action.VIEW, obj=enrollment, detail=detail)
    return enrollment


@dataclass(frozen=True)
class EnrollmentRow:
    enrollment: Enrollment
    attended: int
    held: int
    min_percent: int
    # The accompaniment she received from the case's areas while the course ran: (area, consultations), read
    # from her case file (never copied into the course); filled for her case page only.
    accompaniment: tuple = ()
    links: tuple = ()

    @property
    def rate(self) -> int:
        """Percentage of the classes held so far that she attended."""
        return round(100 * self.attended / self.held) if self.held else 0

    @property
    def on_track(self) -> bool:
        return meets_rule(self.attended, self.held, self.min_percent)


def enrollment_rows(cohort: Cohort, enrollments) -> list[EnrollmentRow]:
    held, attended = attendance_rates(cohort)
    return [
        EnrollmentRow(e, attended.get(e.pk, 0) if e.is_seated else 0, held, cohort.min_attendance_percent)
        for e in enrollments
    ]


def cohort_enrollments(user, cohort: Cohort) -> list[EnrollmentRow]:
    """Everyone in the group, the waiting list (in its order) and the withdrawn; each one shown is an audited
    read."""
    if not is_program_staff(user):
        _refuse(user, "programs.cohort", cohort.pk)
    enrollments = list(cohort.enrollments.select_related("person").order_by("enrolled_at", "id"))
    audit_many(actor=user, action=Action.VIEW, objects=enrollments, detail=f"inscritas del grupo {cohort.pk}")
    return enrollment_rows(cohort, enrollments)


def cohort_roll_call(user, session: CohortSession) -> list[tuple[Enrollment, bool | None]]:
    """Each woman with a place in the group and whether she was marked present (None: not yet marked)."""
    marks = dict(EnrollmentAttendance.objects.filter(session=session).values_list("enrollment_id", "present"))
    enrollments = list(
        session.cohort.enrollments.filter(status__in=SEATED)
        .select_related("person")
        .order_by("person__given_names", "person__first_surname", "id")
    )
    audit_many(
        actor=user, action=Action.VIEW, objects=enrollments, detail=f"pase de lista clase {session.pk}"
    )
    return [(enrollment, marks.get(enrollment.pk)) for enrollment in enrollments]


def open_cohorts():
    """The groups one can still enrol in (not closed, not over), with how many hold a place."""
    return (
        Cohort.objects.filter(
            closed_at__isnull=True, ends_on__gte=timezone.localdate(), course__is_active=True
        )
        .select_related("course")
        .annotate(seated=Count("enrollments", filter=Q(enrollments__status__in=SEATED), distinct=True))
        .order_by("starts_on", "course__trade", "name")
    )


def case_enrollments(user, case) -> list[EnrollmentRow] | None:
    """Her participation in the courses, for her case page: ``None`` for anyone who may not see the case."""
    if not can_view_case(user, case):
        return None
    # Her enrolments first, plainly: most case files have none, and the counts below (an aggregate and a
    # subquery) cost the case page ~3 ms of ORM work to build even when they find nothing (issue 22).
    enrollments = list(
        Enrollment.objects.filter(person_id=case.holder_id)
        .select_related("cohort__course")
        .prefetch_related("links")
        .order_by("-enrolled_at", "-id")
    )
    if not enrollments:
        return []  # most case files: no course, no more queries
    now = timezone.now()
    held = (
        CohortSession.objects.filter(cohort=OuterRef("cohort"), starts_at__lte=now)
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counts = {
        pk: (n_attended, n_held)
        for pk, n_attended, n_held in Enrollment.objects.filter(pk__in=[e.pk for e in enrollments])
        .annotate(
            attended=Count(
                "attendance",
                filter=Q(attendance__present=True, attendance__session__starts_at__lte=now),
                distinct=True,
            ),
            held=Subquery(held),
        )
        .values_list("pk", "attended", "held")
    }
    for e in enrollments:
        e.attended, e.held = counts.get(e.pk, (0, 0))
    consultations = list(case.consultations.values_list("started_at", "area__name"))
    rows = []
    for e in enrollments:
        start, end = e.cohort.starts_on, e.cohort.ends_on
        during = Counter(
            area
            for started_at, area in consultations
            if start <= timezone.localtime(started_at).date() <= end
        )
        rows.append(
            EnrollmentRow(
                e,
                e.attended if e.is_seated else 0,
                e.held or 0,
                e.cohort.min_attendance_percent,
                accompaniment=tuple(sorted(during.items())),
                links=tuple(e.links.all()),
            )
        )
    return rows
