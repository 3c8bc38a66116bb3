"""An area's id by its code (violeta.accounts.areas.area_id): asked by the psychology and social-work panels
of every case page, read once per process and again after any change to an area here."""

import pytest

from violeta.accounts.areas import area_id
from violeta.accounts.models import Area


@pytest.mark.django_db
def test_an_areas_id_is_read_once_per_process(django_assert_num_queries):
    with django_assert_num_queries(1):
        psychology = area_id("psicologia")
    with django_assert_num_queries(0):
        again, social_work = area_id("psicologia"), area_id("trabajo-social")
    assert again == psychology == Area.objects.get(code="psicologia").pk
    assert social_work == Area.objects.get(code="trabajo-social").pk


@pytest.mark.django_db
def test_an_area_added_or_removed_here_is_seen_at_once():
    assert area_id("ludoteca") is None
    added = Area.objects.create(code="ludoteca", name="Ludoteca")
    assert area_id("ludoteca") == added.pk
    added.delete()
    assert area_id("ludoteca") is None
