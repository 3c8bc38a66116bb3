"""The benchmark data's derived columns are what the services write (issue 22): a woman generated in bulk has the
same name index, normalised name, card and referral token hashes, and per-row ciphertexts as one created through
the services. Quick, on the test database (SQLite or PostgreSQL): ``pytest bench/tests``."""

import datetime

import pytest

from bench import scale_data
from bench.reports_data import Sealed
from violeta.accounts.models import Role, User
from violeta.cases.services import folio_next as case_folio_next
from violeta.core import crypto
from violeta.people.models import Person, PersonNamePair, PersonNameWord
from violeta.people.services import person_create
from violeta.referrals.services import referral_folio_next

pytestmark = pytest.mark.django_db

NAMES = [
    ("María de la Luz", "DelaCruz", "Hernández"),
    ("Ma. Guadalupe", "García", ""),
    ("José Luis", "de los Santos", "y Pérez"),
    ("Ana Karen", "Del Río", "López López"),
]
BORN = datetime.date(1988, 4, 17)


class ModelCopier:
    """``reports_data.Copier``'s interface over the ORM (COPY is PostgreSQL's): the rows the generator gives."""

    def __init__(self):
        self.counts, self.seconds = {}, {}

    def copy(self, model, given, rows):
        model.objects.bulk_create(model(**dict(zip(given, row, strict=True))) for row in rows)


def _index_of(person_id: int) -> tuple[list, list]:
    words = sorted(
        PersonNameWord.objects.filter(person_id=person_id).values_list("word_id", "field", "position")
    )
    pairs = sorted(
        PersonNamePair.objects.filter(person_id=person_id).values_list(
            "pair", "born_year", "words", "least_loss"
        )
    )
    return words, pairs


@pytest.fixture
def reception():
    return User.objects.create_user("recepcion@bench.test", None, full_name="Recepción", role=Role.RECEPTION)


@pytest.mark.parametrize(("given", "first", "second"), NAMES)
def test_a_generated_woman_has_the_name_index_person_create_writes(reception, given, first, second):
    created = person_create(
        by=reception, given_names=given, first_surname=first, second_surname=second, birth_date=BORN
    )
    # The generator's way: the row as bulk data, then the index from its names.
    generated = Person.objects.create(
        given_names=given,
        first_surname=first,
        second_surname=second,
        birth_date=BORN,
        name_normalized=scale_data.name_normalized(given, first, second),
    )
    PersonNameWord.objects.filter(person=generated).delete()
    scale_data.index_names(ModelCopier(), generated.pk, [(given, first, second)])

    assert generated.name_normalized == created.name_normalized
    words, pairs = _index_of(created.pk)
    assert words and pairs
    assert _index_of(generated.pk) == (words, pairs)
    word_ids = dict(PersonNameWord.objects.filter(person=created).values_list("word__word", "word_id"))
    rows = scale_data.index_rows(generated.pk, given, first, second, word_ids)
    assert sorted(row[1:] for row in rows) == words


def test_sealed_values_are_encrypted_per_row_with_their_column():
    field = Person._meta.get_field("address")
    sealed = Sealed(field, "Calle Bench 123")
    first, second = sealed.encrypt(), sealed.encrypt()
    assert first != second  # a nonce of its own each time, as the field encrypts on save
    assert (
        field.from_db_value(first, None, None) == field.from_db_value(second, None, None) == "Calle Bench 123"
    )
    with pytest.raises(crypto.DecryptionError):  # bound to its column, as the field's own ciphertexts are
        crypto.decrypt(first, context="people.person.notes")


@pytest.mark.parametrize(
    ("folios", "folio_next"),
    [(scale_data.case_folios, case_folio_next), (scale_data.referral_folios, referral_folio_next)],
)
def test_generated_folios_are_numbered_as_the_services_number_them(folios, folio_next):
    by_services = [folio_next(year=2025), folio_next(year=2026)]  # each the first of its year
    generated = folios()
    generated.counter_model.objects.all().delete()
    # 2025-12-31 20:00 in Chihuahua is already 2026 in UTC: the year is the local one, as the services take it.
    moments = [
        datetime.datetime(2026, 1, 1, 2, tzinfo=datetime.UTC),
        datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
    ]
    assert [generated.next(moment) for moment in moments] == by_services
    generated.save()

    # The counters were left where the services continue from.
    assert folio_next(year=2026) == generated.next(datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC))
