"""Factories for case files. Cases are opened through ``case_open`` (folio from ``folio_next``, holder party,
team, audit and timeline), and consultations recorded through ``consultation_record``, never as bare rows.
"""

import datetime

import factory
from django.utils import timezone
from faker import Faker

from violeta.accounts.models import Role, User
from violeta.cases.models import ArrivalChannel, Case, Modality
from violeta.cases.services import case_open, consultation_record
from violeta.people.tests.factories import PersonFactory

fake = Faker("es_MX")


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff account; reception by default (no area)."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"personal{n}@imm.test")
    full_name = factory.LazyFunction(fake.name_female)
    role = Role.RECEPTION
    area = None

    @classmethod
    def _create(cls, model_class, *args, email, **kwargs):
        return model_class.objects.create_user(email, "contraseña-de-prueba-1", **kwargs)


class CaseFactory(factory.django.DjangoModelFactory):
    """An open case for a newly registered woman. ``CaseFactory(opened_by=lawyer, team=(psychologist,))``."""

    class Meta:
        model = Case

    holder = factory.SubFactory(PersonFactory)
    opened_by = factory.SubFactory(StaffFactory)
    arrival_channel = ArrivalChannel.OWN
    reason = factory.LazyFunction(lambda: fake.paragraph(nb_sentences=3))
    arrival_detail = ""
    team = ()

    @classmethod
    def _create(cls, model_class, *args, holder, opened_by, team, **kwargs):
        return case_open(holder=holder, by=opened_by, team=tuple(team), **kwargs)


def record_consultation(
    case: Case, by, *, area_note: str = "", when: datetime.datetime | None = None, **extra
):
    """One consultation of ``by``'s area on ``case``, through the service."""
    return consultation_record(
        case=case,
        by=by,
        modality=extra.pop("modality", Modality.IN_PERSON),
        started_at=when or timezone.now() - datetime.timedelta(hours=1),
        duration_minutes=extra.pop("duration_minutes", 50),
        summary=extra.pop("summary", fake.paragraph(nb_sentences=2)),
        next_steps=extra.pop("next_steps", ""),
        area_note=area_note,
        **extra,
    )
