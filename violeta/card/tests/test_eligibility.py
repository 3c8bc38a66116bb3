"""Every eligibility rule, its Spanish message, and that a refused application stores nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from violeta.card.models import CardApplication, Channel
from violeta.card.services.applications import application_approve, application_submit
from violeta.card.services.cards import card_cancel, card_renew
from violeta.card.tests import factories
from violeta.people.models import Neighborhood

TODAY = date(2026, 11, 23)


def submit(**overrides):
    return application_submit(**factories.applicant(**overrides), channel=Channel.ONLINE, today=TODAY)


def codes(exc) -> set:
    return {error.code for error in exc.error_list}


def test_eighteen_on_the_day_is_eligible(db):
    application = submit(birth_date=date(2008, 11, 23))
    assert application.pk and application.age_on(TODAY) == 18


def test_under_eighteen_is_refused_with_her_age(db):
    with pytest.raises(ValidationError) as exc:
        submit(birth_date=date(2008, 11, 24))  # 18 tomorrow
    assert codes(exc.value) == {"age"}
    assert exc.value.messages == [
        "La tarjeta es para mujeres de 18 años o más; a la fecha de la solicitud tienes 17."
    ]
    assert not CardApplication.objects.exists()


def test_colonia_outside_the_municipality_is_refused(db):
    elsewhere = Neighborhood.objects.create(
        postal_code="33000",
        name="Centro",
        settlement_type="Colonia",
        municipality="Delicias",
        state="Chihuahua",
    )
    with pytest.raises(ValidationError) as exc:
        submit(neighborhood=elsewhere)
    assert codes(exc.value) == {"municipality"}
    assert "municipio de Chihuahua" in exc.value.messages[0]
    assert not CardApplication.objects.exists()


def test_postal_code_is_enough_when_her_colonia_is_not_listed(db):
    inside = factories.neighborhood().postal_code
    assert submit(neighborhood=None, postal_code=inside).status == "missing_documents"
    with pytest.raises(ValidationError) as exc:
        submit(neighborhood=None, postal_code="99999", first_surname="Ruiz")
    assert codes(exc.value) == {"municipality"}


def test_duplicate_curp_with_an_application_in_progress(card_office):
    """At the desk the office is told; online nothing is stored and the form is not told (see
    test_public_privacy: she learns it through the institute)."""
    desk = factories.desk_application(card_office)
    with pytest.raises(ValidationError) as exc:
        factories.desk_application(card_office)
    assert codes(exc.value) == {"duplicate_application"}
    assert "solicitud en trámite" in exc.value.messages[0]
    assert submit() is None
    assert CardApplication.objects.get() == desk


def test_duplicate_curp_with_an_active_card(card_office):
    factories.issued_card(card_office)
    with pytest.raises(ValidationError) as exc:
        factories.desk_application(card_office)
    assert codes(exc.value) == {"duplicate_card"}
    assert "Ya existe una tarjeta vigente" in exc.value.messages[0]


def test_a_cancelled_or_expired_card_does_not_block_a_new_application(card_office):
    card = factories.issued_card(card_office)
    card_cancel(card=card, by=card_office, reason="Extravío sin reposición")
    assert factories.desk_application(card_office).pk
    other = factories.issued_card(card_office, first_surname="Baeza", birth_date=date(1985, 1, 2))
    other.valid_until = timezone.localdate() - timedelta(days=1)
    other.save()
    assert factories.desk_application(card_office, first_surname="Baeza", birth_date=date(1985, 1, 2)).pk


def test_every_failure_is_reported_at_once(db):
    elsewhere = Neighborhood.objects.create(
        postal_code="33000",
        name="Centro",
        settlement_type="Colonia",
        municipality="Delicias",
        state="Chihuahua",
    )
    with pytest.raises(ValidationError) as exc:
        submit(birth_date=date(2010, 1, 1), neighborhood=elsewhere)
    assert codes(exc.value) == {"age", "municipality"}


def test_rules_are_configuration(db, settings):
    settings.CARD = {**settings.CARD, "MIN_AGE": 21}
    with pytest.raises(ValidationError) as exc:
        submit(birth_date=date(2006, 1, 1))
    assert "21 años" in exc.value.messages[0]
    settings.CARD = {
        **settings.CARD,
        "ELIGIBILITY_RULES": ["violeta.card.eligibility.rule_lives_in_municipality"],
    }
    assert submit(birth_date=date(2010, 1, 1)).pk


def test_approval_rechecks_the_one_card_rule(card_office):
    card = factories.issued_card(card_office)
    card.valid_until = timezone.localdate() - timedelta(days=1)
    card.save()
    again = factories.desk_application(card_office)  # her card expired: she may apply again
    card_renew(card=card, by=card_office)  # …but meanwhile the old one was renewed
    with pytest.raises(ValidationError) as exc:
        application_approve(application=again, by=card_office)
    assert codes(exc.value) == {"duplicate_card"}
    again.refresh_from_db()
    assert again.status == "received"


def test_birth_date_must_match_the_curp(client, db):
    data = factories.applicant()
    response = client.post(
        "/tarjeta/solicitar/",
        {
            **{k: v for k, v in data.items() if k != "neighborhood"},
            "neighborhood": data["neighborhood"].pk,
            "birth_date": "1991-05-10",
            "phone": "614 490 0789",
        },
    )
    assert response.status_code == 200
    assert "no coincide con la de la CURP" in response.content.decode()
    assert not CardApplication.objects.exists()


def test_the_database_holds_one_open_application_per_curp(db, monkeypatch):
    """If two submissions race past the rule, the second is refused with the same message."""
    from violeta.card import eligibility

    submit()
    monkeypatch.setattr(eligibility.settings, "CARD", {**eligibility.settings.CARD, "ELIGIBILITY_RULES": []})
    assert submit() is None  # online: not told to the form, not stored
    assert CardApplication.objects.count() == 1


@pytest.mark.parametrize(
    ("birth_date", "code"), [(date(2030, 3, 14), "birth_future"), (date(1915, 1, 1), "birth_too_old")]
)
def test_a_birth_date_out_of_sense_is_refused_on_its_field_before_eligibility(db, birth_date, code):
    with pytest.raises(ValidationError) as exc:
        submit(birth_date=birth_date)
    assert [e.code for e in exc.value.error_dict["birth_date"]] == [code]
    assert "tienes" not in " ".join(exc.value.messages)
    assert not CardApplication.objects.exists()
