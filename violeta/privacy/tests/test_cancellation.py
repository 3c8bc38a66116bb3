import os
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import Case
from violeta.cases.selectors import visible_cases
from violeta.documents.models import Document
from violeta.people.models import Person
from violeta.people.selectors import person_search, visible_people
from violeta.privacy import export
from violeta.privacy.models import ArcoRequest, ArcoRight, PersonBlock
from violeta.privacy.services.arco import arco_block
from violeta.privacy.services.retention import retention_run
from violeta.privacy.tests.factories import arco
from violeta.privacy.tests.world import her_world
from violeta.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(lawyer, psychologist, receptionist, card_office, dif_liaison):
    return her_world(
        lawyer=lawyer,
        psychologist=psychologist,
        receptionist=receptionist,
        card_office=card_office,
        dif_liaison=dif_liaison,
    )


def _block(world, director):
    request = arco(world["person"], director, right=ArcoRight.CANCELLATION)
    return request, arco_block(request=request, by=director, reason="Pidió la cancelación de sus datos.")


def test_blocked_she_is_invisible_to_everyone_but_the_director(world, director, lawyer, client):
    case, person = world["case"], world["person"]
    assert case in visible_cases(lawyer)
    _block(world, director)
    assert case not in visible_cases(lawyer)
    assert person not in visible_people(lawyer)
    assert person_search(lawyer, person.first_surname) == [] or person not in person_search(
        lawyer, person.first_surname
    )
    client.force_login(lawyer)
    assert client.get(reverse("cases:detail", kwargs={"folio": case.folio})).status_code == 404
    assert client.get(reverse("people:detail", kwargs={"pk": person.pk})).status_code == 404
    # the director still sees her, and the blocked list names her with the reason
    assert case in visible_cases(director)
    client.force_login(director)
    assert client.get(reverse("cases:detail", kwargs={"folio": case.folio})).status_code == 200
    page = client.get(reverse("privacy:blocked_list"))
    assert person.full_name in page.content.decode()
    assert "Pidió la cancelación" in page.content.decode()
    assert AuditEvent.objects.filter(object_type="privacy.arcorequest", flagged=True).exists()


def test_blocked_list_is_the_directors(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("privacy:blocked_list")).status_code in (403, 404)


def test_blocking_needs_a_cancellation_request_and_a_reason(world, director):
    request = arco(world["person"], director, right=ArcoRight.ACCESS)
    with pytest.raises(ValidationError):
        arco_block(request=request, by=director, reason="x")
    request = arco(world["person"], director, right=ArcoRight.CANCELLATION)
    with pytest.raises(ValidationError):
        arco_block(request=request, by=director, reason=" ")
    assert world["person"].blocked_at is None


def test_retention_deletes_the_blocked_record_after_the_blocking_period(
    world, director, settings, django_capture_on_commit_callbacks
):
    request, block = _block(world, director)
    person, case = world["person"], world["case"]
    path = world["document"].file.path
    # before the period ends, nothing is deleted
    assert retention_run()["blocked_records"] == 0
    assert Person.objects.filter(pk=person.pk).exists()
    later = timezone.now() + timedelta(days=settings.PRIVACY["RETENTION"]["blocked_records_days"] + 2)
    with django_capture_on_commit_callbacks(execute=True):
        done = retention_run(now=later)
    assert done["blocked_records"] == 1
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Referral.objects.filter(pk=world["referral"].pk).exists()
    assert not Document.objects.filter(pk=world["document"].pk).exists()
    for label in export.discover():
        if label not in export.KEEP_ON_ERASE:
            rows = export.rows_for({"cases.case": {case.pk}, "people.person": {person.pk}})[label]
            assert not rows.exists(), f"{label} left behind"
    assert not os.path.exists(path)
    # the other woman is untouched; the request and the block stay as the proof, without her
    assert Case.objects.filter(pk=world["other"].pk).exists()
    request.refresh_from_db()
    block.refresh_from_db()
    assert request.person_id is None and block.person_id is None and block.deleted_at is not None
    assert block.deleted_counts["cases.case"] == 1
    assert AuditEvent.objects.filter(
        action=Action.DELETE, object_type="people.person", object_id=str(person.pk)
    ).exists()
    # idempotent
    assert retention_run(now=later)["blocked_records"] == 0
    assert ArcoRequest.objects.filter(pk=request.pk).exists()
    assert PersonBlock.objects.count() == 1


def test_blocked_she_is_invisible_even_as_a_party_of_another_case(director, lawyer):
    from violeta.cases.models import Relation
    from violeta.cases.services import case_party_add
    from violeta.cases.tests.factories import CaseFactory

    hers = CaseFactory(opened_by=lawyer)
    mothers = CaseFactory(opened_by=lawyer)
    case_party_add(case=mothers, by=lawyer, relation=Relation.RELATIVE, person=hers.holder)
    request = arco(hers.holder, director, right=ArcoRight.CANCELLATION)
    arco_block(request=request, by=director, reason="Cancelación.")
    assert mothers in visible_cases(lawyer)
    assert hers.holder not in visible_people(lawyer)
    assert hers.holder in visible_people(director)


def test_blocked_she_is_not_offered_by_the_intake_duplicate_check(world, director):
    from violeta.people.selectors import duplicate_candidates

    person = world["person"]
    query = {
        "given_names": person.given_names,
        "first_surname": person.first_surname,
        "second_surname": person.second_surname,
    }
    assert person in [c.person for c in duplicate_candidates(**query)]
    _block(world, director)
    assert person not in [c.person for c in duplicate_candidates(**query)]
