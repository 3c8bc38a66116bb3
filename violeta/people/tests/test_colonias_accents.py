"""Colonias are spelled right (issue 16, finding 8): the bundled catalogue had lost its accents ("Lazaro
Cardenas", "Ampliacion"); a reviewed word list restores them, in the catalogue and, by a data migration, in
databases loaded before."""

import importlib

import pytest
from django.apps import apps as django_apps

from violeta.people import neighborhoods
from violeta.people.models import Neighborhood

pytestmark = pytest.mark.django_db


def test_the_bundled_catalogue_is_spelled_with_its_accents():
    names = {row["name"] for row in neighborhoods.read_csv()}
    assert {"Lázaro Cárdenas", "Ampliación Reforma", "Niños Héroes", "Colón"} <= names
    unaccented = {w for name in names for w in name.split() if w.lower() in neighborhoods.accents()}
    assert not unaccented, sorted(unaccented)


def test_the_migration_restores_the_accents_of_colonias_loaded_before():
    old = [
        Neighborhood.objects.create(
            postal_code="31000", name=name, municipality="Chihuahua", state="Chihuahua"
        )
        for name in (
            "Ampliacion Lazaro Cardenas",
            "COLON",
            "Colonia Centro",
            "Secretaria de Hacienda y Credito Publico",
        )
    ]
    importlib.import_module("violeta.people.migrations.0007_colonias_accents").restore_accents(
        django_apps, None
    )
    assert [Neighborhood.objects.get(pk=n.pk).name for n in old] == [
        "Ampliación Lázaro Cárdenas",
        "COLÓN",
        "Colonia Centro",
        "Secretaría de Hacienda y Crédito Público",
    ]
