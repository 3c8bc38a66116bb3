"""Demo data of *Superación en acción*, built through its services: a finished group of a baking course, with its
completions, outcomes, follow-up dates and links with other actors, and a sewing group in progress with a waiting
list. The women are holders of the demo's open case files, enrolled by someone on their team, with their consent."""

from datetime import timedelta

from django.utils import timezone

from violeta.cases.models import ACTIVE_STATUSES, Case
from violeta.cases.selectors import can_view_case
from violeta.core.demo import Demo
from violeta.programs import courses
from violeta.programs.models import Cohort, Enrollment, EnrollmentStatus, ExternalLinkKind, Outcome

OUTCOMES = [
    (
        Outcome.OWN_BUSINESS,
        "Vende pasteles por encargo en su colonia.",
        ExternalLinkKind.MICROCREDIT,
        "Fondo Emprende Mujer",
    ),
    (Outcome.EMPLOYED, "Ayudante de panadería.", ExternalLinkKind.EMPLOYER, "Panadería La Espiga"),
    (
        Outcome.STUDIES,
        "Se inscribió a la preparatoria abierta.",
        ExternalLinkKind.SCHOOL,
        "Preparatoria Abierta",
    ),
    (Outcome.OTHER, "Busca local para vender.", None, ""),
]


def _women(count: int) -> list[tuple[Case, object]]:
    """Open case files (none under the internal protocol) and, for each, someone on its team who may see it."""
    found = []
    cases = (
        Case.objects.filter(status__in=ACTIVE_STATUSES, is_internal_protocol=False)
        .select_related("holder")
        .order_by("pk")
    )
    seen = set()
    for case in cases:
        if case.holder_id in seen:
            continue
        member = next(
            (m.user for m in case.team_members.select_related("user") if can_view_case(m.user, case)), None
        )
        if member is None:
            continue
        seen.add(case.holder_id)
        found.append((case, member))
        if len(found) == count:
            break
    return found


def _classes(cohort, by, first, count, *, every=7):
    for n in range(count):
        start = first + timedelta(days=every * n)
        courses.cohort_session_add(cohort=cohort, by=by, starts_at=start, ends_at=start + timedelta(hours=3))


def load(demo: Demo) -> None:
    rng, users = demo.rng, demo["accounts.users"]
    trainer, coordinator = users["capacitacion"], users["coordinacion.juridica"]
    women = _women(14)
    if len(women) < 6:
        return
    today = timezone.localdate()
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    baking = courses.course_create(
        by=trainer,
        trade="Repostería",
        description="Pan, pasteles y galletas para vender: costos, presentación y ventas.",
        instructor="Chef Lourdes Villalobos",
        place="Centro Comunitario Villa Juárez",
        capacity=10,
    )
    sewing = courses.course_create(
        by=trainer,
        trade="Corte y confección",
        description="Costura a máquina, arreglos y prendas sencillas.",
        instructor="Maestra Rosalba Chávez",
        place="Centro Comunitario Riberas del Sacramento",
        capacity=6,
    )
    # A finished group: ten classes three to five months ago, closed, with outcomes.
    finished = courses.cohort_create(
        course=baking,
        by=coordinator,
        name="Grupo de la mañana",
        starts_on=today - timedelta(days=150),
        ends_on=today,
        coordinator=coordinator,
    )
    first = (now - timedelta(days=150)).replace(hour=9)
    _classes(finished, trainer, first, 10)
    enrolled = [
        courses.enroll(cohort=finished, case=case, by=member, consent=True) for case, member in women[:6]
    ]
    for session in finished.sessions.all():
        for n, her in enumerate(enrolled):
            courses.course_attendance_mark(
                session=session, enrollment=her, present=rng.random() < (0.95 if n < 4 else 0.55), by=trainer
            )
    courses.cohort_complete(cohort=finished, by=coordinator)
    # The group's history: it ended two months ago (the services refuse to enrol in a group that is over).
    Cohort.objects.filter(pk=finished.pk).update(
        ends_on=today - timedelta(days=87), closed_at=now - timedelta(days=85)
    )
    Enrollment.objects.filter(cohort=finished).update(enrolled_at=first - timedelta(days=10))
    done = list(finished.enrollments.filter(status=EnrollmentStatus.COMPLETED).select_related("person"))
    for her, (outcome, note, kind, name) in zip(done, OUTCOMES, strict=False):
        courses.outcome_record(
            enrollment=her,
            by=coordinator,
            outcome=outcome,
            note=note,
            follow_up_on=today + timedelta(days=rng.randint(10, 60)),
        )
        if kind:
            courses.external_link_add(enrollment=her, by=trainer, kind=kind, name=name)
    # A group in progress: six places, eight women (two on the waiting list), four of twelve classes held.
    current = courses.cohort_create(
        course=sewing,
        by=coordinator,
        name="Grupo vespertino",
        starts_on=today - timedelta(days=28),
        ends_on=today + timedelta(days=56),
        coordinator=coordinator,
    )
    _classes(current, trainer, (now - timedelta(days=28)).replace(hour=16), 12)
    for case, member in women[6:14]:
        courses.enroll(cohort=current, case=case, by=member, consent=True)
    held = current.sessions.filter(starts_at__lte=timezone.now())
    for session in held:
        for her in current.enrollments.filter(status=EnrollmentStatus.ENROLLED):
            courses.course_attendance_mark(
                session=session, enrollment=her, present=rng.random() < 0.85, by=trainer
            )
    demo.counts["course enrolments"] += Enrollment.objects.count()
