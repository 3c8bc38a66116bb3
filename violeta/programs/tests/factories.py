"""Test data for the programs app, built through its services (as staff would)."""

from datetime import timedelta

from django.utils import timezone

from violeta.programs import services
from violeta.programs.models import AgeGroup, Modality, OrganizationKind, Program, Sex, Topic


def topic(code="equidad-de-genero") -> Topic:
    """A topic of the catalogue (migrations load it; transactional tests empty it, so make it again)."""
    found, _created = Topic.objects.get_or_create(code=code, defaults={"name": "Equidad de género"})
    return found


def organization(by, *, name="Secundaria Federal 12", kind=OrganizationKind.SCHOOL, **fields):
    return services.organization_create(by=by, name=name, kind=kind, **fields)


def training(
    by, *, organization=None, program=Program.TRANSVERSALIDAD, title="Igualdad en el aula", **fields
):
    fields.setdefault("modality", Modality.IN_PERSON)
    fields.setdefault("hours", 4)
    return services.training_create(
        by=by,
        program=program,
        topic=fields.pop("topic", None) or topic(),
        title=title,
        trainer=fields.pop("trainer", by),
        organization=organization,
        **fields,
    )


def session(training, by, *, days_from_now=1, hour=10, hours=2, place="Aula magna", **fields):
    start = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(
        days=days_from_now
    )
    return services.session_add(
        training=training,
        by=by,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        place=place,
        **fields,
    )


def attendee(
    training, by, *, full_name="Rosa Elena Quiñónez", sex=Sex.WOMAN, age_group=AgeGroup.FROM_30, **fields
):
    return services.attendee_register(
        training=training, by=by, full_name=full_name, sex=sex, age_group=age_group, **fields
    )


def matrix_world(trainer) -> dict:
    """One organisation, a training for it with a session and an attendee: the authorization matrix's objects."""
    school = organization(trainer)
    course = training(trainer, organization=school)
    return {
        "topic": course.topic.pk,
        "organization": school.pk,
        "training": course.pk,
        "session": session(course, trainer).pk,
        "attendee": attendee(course, trainer).pk,
    }
