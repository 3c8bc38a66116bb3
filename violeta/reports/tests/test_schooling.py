"""Schooling, hers and the aggressor's (the BANAVIM export asks for both): recorded through the forms and
services, refused when it is not a Mexican schooling level, and part of her privacy export."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError

from violeta.people.forms import PersonForm
from violeta.people.models import Schooling
from violeta.people.services import person_update
from violeta.people.tests.factories import PersonFactory
from violeta.violence.forms import AggressorForm


@pytest.mark.django_db
def test_her_schooling_is_recorded_from_the_person_form(lawyer):
    person = PersonFactory()
    form = PersonForm(
        {"p-given_names": "Ana", "p-first_surname": "Pérez", "p-gender": "woman", "p-schooling": "higher"},
        prefix="p",
    )
    assert form.is_valid(), form.errors
    person_update(person=person, by=lawyer, **form.cleaned_data)
    person.refresh_from_db()
    assert person.schooling == Schooling.HIGHER
    assert person.get_schooling_display() == "Superior (licenciatura)"


@pytest.mark.django_db
def test_a_schooling_that_is_not_a_level_is_refused(lawyer):
    form = PersonForm(
        {"p-given_names": "Ana", "p-first_surname": "Pérez", "p-gender": "woman", "p-schooling": "kinder"},
        prefix="p",
    )
    assert not form.is_valid() and "schooling" in form.errors
    with pytest.raises(ValidationError):
        person_update(person=PersonFactory(), by=lawyer, schooling="kinder")
    assert not AggressorForm({"relationship": "partner", "schooling": "kinder"}).is_valid()


@pytest.mark.django_db
def test_her_privacy_export_includes_her_schooling(director):
    from violeta.privacy.export import build_export  # tests may import any app

    person = PersonFactory(schooling=Schooling.PRIMARY)
    content, _counts = build_export(person, generated_by=director)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        data = json.loads(archive.read("datos.json"))
    (her,) = data["secciones"]["people.person"]["registros"]
    assert her["schooling"] == "Primaria"
