"""Migrations that touch encrypted values (the field's name is their associated data, see core.crypto)."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from violeta.cases.models import Case
from violeta.cases.tests.factories import CaseFactory
from violeta.core.crypto import decrypt, encrypt

pytestmark = pytest.mark.django_db

rename = importlib.import_module("violeta.cases.migrations.0006_rename_internal_protocol_fields")


def _raw(case) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT internal_protocol_conduct FROM cases_case WHERE id = %s", [case.pk])
        return cursor.fetchone()[0]


def test_renaming_ip_conduct_keeps_the_reported_conduct_readable(lawyer):
    case = CaseFactory(opened_by=lawyer)
    empty = CaseFactory(opened_by=lawyer)
    # As written before the rename: encrypted under the old field name.
    old = encrypt("Hostigamiento sexual.", context=rename.OLD_CONTEXT)
    Case.objects.filter(pk=case.pk).update(is_internal_protocol=True)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET internal_protocol_conduct = %s WHERE id = %s", [old, case.pk])
    editor = SimpleNamespace(connection=connection)

    rename.forwards(None, editor)
    assert Case.objects.get(pk=case.pk).internal_protocol_conduct == "Hostigamiento sexual."
    assert Case.objects.get(pk=empty.pk).internal_protocol_conduct == ""

    rename.backwards(None, editor)
    assert decrypt(_raw(case), context=rename.OLD_CONTEXT) == "Hostigamiento sexual."
