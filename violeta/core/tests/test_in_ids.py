"""``field__in_ids``: a list of ids as one parameter (``violeta.core.lookups``), on SQLite and PostgreSQL."""

import pytest
from django.core.exceptions import FieldError

from violeta.accounts.models import Area, User


@pytest.fixture
def users(db):
    area = Area.objects.create(code="t-in-ids", name="Área de prueba")
    return [User.objects.create_user(email=f"in-ids-{n}@test.invalid", area=area) for n in range(5)]


def test_it_finds_the_rows_of_the_ids_given_and_no_other(users):
    wanted = [users[0].pk, users[3].pk, users[3].pk]  # a repeated id counts once
    found = set(User.objects.filter(pk__in_ids=wanted).values_list("pk", flat=True))
    assert found == {users[0].pk, users[3].pk}


def test_it_works_through_a_foreign_key_and_its_column(users):
    area_id = users[0].area_id
    assert User.objects.filter(area__in_ids=[area_id]).count() == 5
    assert User.objects.filter(area_id__in_ids=[area_id + 1000]).count() == 0


def test_an_empty_list_matches_nothing_and_still_runs(users):
    assert list(User.objects.filter(pk__in_ids=[])) == []
    assert User.objects.exclude(pk__in_ids=[]).filter(pk__in_ids=[u.pk for u in users]).count() == 5


def test_a_long_list_is_one_parameter_not_one_per_id(users):
    ids = [u.pk for u in users] + list(range(10_000_000, 10_001_000))
    sql, params = User.objects.filter(pk__in_ids=ids).values("pk").query.sql_with_params()
    assert len(params) == 1
    assert sql.count("%s") == 1
    assert User.objects.filter(pk__in_ids=ids).count() == 5


def test_anything_but_ids_is_refused_before_a_statement(users):
    with pytest.raises((ValueError, TypeError)):
        User.objects.filter(pk__in_ids=["1; DROP TABLE x"]).count()
    with pytest.raises(TypeError):
        User.objects.filter(pk__in_ids="12").count()


def test_text_fields_do_not_take_it(users):
    with pytest.raises(FieldError):
        User.objects.filter(email__in_ids=[1]).count()
