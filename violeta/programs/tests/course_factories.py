"""Test data for *Superación en acción*, built through its services (as staff would)."""

from datetime import timedelta

from django.utils import timezone

from violeta.programs import courses


def course(by, *, trade="Repostería", capacity=2, **fields):
    fields.setdefault("place", "Centro comunitario Villa Juárez")
    return courses.course_create(by=by, trade=trade, capacity=capacity, **fields)


def cohort(course, by, *, name="Grupo de la mañana", coordinator=None, days=30, **fields):
    today = timezone.localdate()
    return courses.cohort_create(
        course=course,
        by=by,
        name=name,
        starts_on=fields.pop("starts_on", today - timedelta(days=7)),
        ends_on=fields.pop("ends_on", today + timedelta(days=days)),
        coordinator=coordinator,
        **fields,
    )


def cohort_session(cohort, by, *, days_from_now=-1, hour=10, hours=2, place=""):
    start = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(
        days=days_from_now
    )
    return courses.cohort_session_add(
        cohort=cohort, by=by, starts_at=start, ends_at=start + timedelta(hours=hours), place=place
    )


def matrix_world(*, trainer, coordinator, case, by) -> dict:
    """A course with a group, a class held yesterday and the holder of ``case`` enrolled by ``by`` (on its
    team): the authorization matrix's objects."""
    made = course(trainer)
    group = cohort(made, trainer, coordinator=coordinator)
    session = cohort_session(group, trainer)
    enrollment = courses.enroll(cohort=group, case=case, by=by, consent=True)
    return {"course": made.pk, "cohort": group.pk, "session": session.pk, "enrollment": enrollment.pk}
