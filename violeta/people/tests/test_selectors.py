import datetime

import pytest
from django.http import Http404

from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory
from violeta.people.selectors import access_person, duplicate_candidates, person_search, visible_people
from violeta.people.tests.factories import PersonFactory, curp_for

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1985, 6, 15)


@pytest.fixture
def maria(db):
    """María Hernández among other women, some with close names, so ranking matters."""
    PersonFactory(given_names="Guadalupe", first_surname="Soto", second_surname="Ramírez")
    PersonFactory(given_names="Mariana", first_surname="Fernández", second_surname="Ortiz")
    PersonFactory(given_names="Rosa", first_surname="Hernández", second_surname="Luna")
    PersonFactory(given_names="Lucía", first_surname="Domínguez", second_surname="Paz")
    return PersonFactory(
        given_names="María",
        first_surname="Hernández",
        second_surname="",
        birth_date=BIRTH,
        phone="614 490 0789",
        curp=curp_for(given_names="María", first_surname="Hernández", birth_date=BIRTH),
    )


def first_of(candidates):
    assert candidates, "no candidates found"
    return candidates[0].person


@pytest.mark.parametrize(
    ("given_names", "first_surname"),
    [
        ("MARIA", "HERNANDEZ"),
        ("Maria", "Hernandes"),
        ("Ma.", "Hernández"),
        ("maria ", " hernández"),
        ("maria  hernández", ""),
    ],
)
def test_name_variants_find_her_first(maria, given_names, first_surname):
    candidates = duplicate_candidates(given_names=given_names, first_surname=first_surname)
    assert first_of(candidates) == maria
    assert "nombre parecido" in candidates[0].reasons


def test_exact_curp_finds_her_under_another_name(maria):
    candidates = duplicate_candidates(given_names="Juana", first_surname="Pérez", curp=maria.curp.lower())
    assert first_of(candidates) == maria
    assert candidates[0].score == 1.0
    assert "misma CURP" in candidates[0].reasons


def test_exact_phone_finds_her_under_another_name(maria):
    candidates = duplicate_candidates(given_names="Juana", first_surname="Pérez", phone="044 (614) 490-0789")
    assert first_of(candidates) == maria
    assert "mismo teléfono" in candidates[0].reasons


def test_alternative_phone_is_matched_too(maria):
    other = PersonFactory(given_names="Juana", first_surname="Pérez", phone="614 111 2233")
    other.phone_alt = "+526144102305"
    other.save(update_fields=["phone_alt"])
    candidates = duplicate_candidates(phone="614-410-23-05")
    assert [c.person for c in candidates] == [other]


def test_an_unrelated_name_is_not_returned(maria):
    candidates = duplicate_candidates(
        given_names="Guillermina", first_surname="Quiñones", second_surname="Bustos"
    )
    assert maria not in [c.person for c in candidates]
    assert candidates == []


def test_invalid_curp_or_phone_do_not_break_the_search(maria):
    candidates = duplicate_candidates(given_names="María", first_surname="Hernández", curp="XXX", phone="abc")
    assert first_of(candidates) == maria


def test_birth_date_closeness_raises_the_score(maria):
    twin_name = PersonFactory(
        given_names="María",
        first_surname="Hernández",
        second_surname="",
        birth_date=datetime.date(1962, 1, 3),
    )
    without = {
        c.person: c.score for c in duplicate_candidates(given_names="Maria", first_surname="Hernandes")
    }
    exact = duplicate_candidates(given_names="Maria", first_surname="Hernandes", birth_date=BIRTH)
    close = duplicate_candidates(
        given_names="Maria", first_surname="Hernandes", birth_date=BIRTH + datetime.timedelta(days=40)
    )
    exact_scores = {c.person: c.score for c in exact}
    close_scores = {c.person: c.score for c in close}

    assert without[maria] == pytest.approx(without[twin_name])
    assert exact_scores[maria] > close_scores[maria] > without[maria]
    assert first_of(exact) == maria
    assert "misma fecha de nacimiento" in exact[0].reasons
    assert "fecha de nacimiento cercana" in close[0].reasons
    # Decades apart makes the namesake less likely, not more.
    assert exact_scores.get(twin_name, 0) < without[twin_name]


def test_results_are_limited_and_best_first(maria):
    for _ in range(4):
        PersonFactory(given_names="María", first_surname="Hernández", second_surname="Soto")
    candidates = duplicate_candidates(given_names="María", first_surname="Hernández", limit=3)
    assert len(candidates) == 3
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert candidates[0].person == maria


def test_access_person_visible_to_the_team_is_audited_as_a_view(lawyer):
    case = CaseFactory(opened_by=lawyer)
    person = access_person(lawyer, case.holder.pk, detail="ficha")
    assert person == case.holder
    event = AuditEvent.objects.filter(actor=lawyer).first()
    assert event.action == Action.VIEW
    assert event.object_type == "people.person"
    assert event.object_id == str(person.pk)
    assert event.detail == "ficha"
    assert event.flagged is False


@pytest.mark.parametrize("persona", ["outsider", "sysadmin", "dif_liaison", "merchant", "trainer"])
def test_access_person_outside_her_cases_is_404_and_audited(request, lawyer, persona):
    user = request.getfixturevalue(persona)
    case = CaseFactory(opened_by=lawyer)
    with pytest.raises(Http404):
        access_person(user, case.holder.pk)
    event = AuditEvent.objects.filter(actor=user).get()
    assert event.action == Action.ACCESS_DENIED
    assert event.object_type == "people.person"
    assert event.object_id == str(case.holder.pk)
    assert event.flagged is True


def test_access_person_that_does_not_exist_is_404_like_a_hidden_one(lawyer):
    with pytest.raises(Http404):
        access_person(lawyer, 999_999)
    assert AuditEvent.objects.filter(actor=lawyer, action=Action.ACCESS_DENIED, object_id="999999").exists()


def test_director_sees_every_person(director, lawyer):
    case = CaseFactory(opened_by=lawyer)
    loose = PersonFactory()
    assert set(visible_people(director)) >= {case.holder, loose}
    assert access_person(director, loose.pk) == loose


def test_person_search_only_returns_visible_people_and_audits_them(lawyer, outsider):
    case = CaseFactory(
        opened_by=lawyer,
        holder=PersonFactory(given_names="Ximena", first_surname="Zubiría", second_surname=""),
    )
    assert person_search(lawyer, "ximena zubiria") == [case.holder]
    assert person_search(outsider, "ximena zubiria") == []
    assert person_search(lawyer, "Ximena Zubiria") == [case.holder]
    assert person_search(lawyer, "ximena subiria") == [case.holder]  # typo: trigram fallback
    assert person_search(lawyer, "xi") == []
    shown = AuditEvent.objects.filter(actor=lawyer, action=Action.VIEW, object_id=str(case.holder.pk))
    assert shown.count() == 3
    assert not AuditEvent.objects.filter(actor=outsider, action=Action.VIEW).exists()


def test_without_the_cases_rule_nobody_but_the_director_sees_anyone(monkeypatch, lawyer, director):
    """people.visibility fails closed: with no rule registered by the cases app, a team member sees nobody."""
    from violeta.people import visibility

    case = CaseFactory(opened_by=lawyer)
    assert case.holder in visible_people(lawyer)  # the cases app registered its rule at start-up
    monkeypatch.setattr(visibility, "_rule", None)
    assert list(visible_people(lawyer)) == []
    assert visibility.cases_of(lawyer, case.holder) == []
    assert case.holder in visible_people(director)
