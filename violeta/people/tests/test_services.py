import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.core import crypto
from violeta.core.validators import parse_curp
from violeta.people.models import Consent, Neighborhood, Person, SafeContactPreference
from violeta.people.services import consent_record, person_create, person_update, safe_contact_set
from violeta.people.tests.factories import PersonFactory, curp_for
from violeta.testing.db import raw_column

pytestmark = pytest.mark.django_db

VALID_CURP = "BOXW310820HNERXN09"


def counts():
    return Person.objects.count(), SafeContactPreference.objects.count(), AuditEvent.objects.count()


def test_neighborhood_catalogue_is_loaded():
    assert Neighborhood.objects.count() > 100
    assert Neighborhood.objects.filter(municipality="Chihuahua").exists()


def test_person_create_parses_identity_and_writes_an_audit_event(receptionist):
    colonia = Neighborhood.objects.order_by("pk").first()
    before = AuditEvent.objects.count()
    person = person_create(
        by=receptionist,
        given_names="  María   Guadalupe ",
        first_surname="Hernández",
        second_surname="López",
        curp=VALID_CURP.lower(),
        phone="044 614 490 0789",
        neighborhood=colonia,
        address="Calle 4ta 2411",
    )
    person.refresh_from_db()
    assert person.given_names == "María Guadalupe"
    assert person.curp == VALID_CURP
    assert person.phone == "+526144900789"
    assert person.phone_display == "614 490 0789"
    assert person.postal_code == colonia.postal_code
    assert person.name_normalized == "maria guadalupe hernandez lopez"
    assert person.created_by == receptionist
    assert SafeContactPreference.objects.filter(person=person).exists()

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(object_type="people.person", object_id=str(person.pk))
    assert event.action == Action.CREATE
    assert event.actor == receptionist
    assert event.actor_label == receptionist.email


@pytest.mark.parametrize(
    ("field", "value", "message_part"),
    [
        ("curp", "BOXW310820HNERXN08", "dígito verificador"),
        ("curp", "BOXW310820", "18 caracteres"),
        ("phone", "no tiene", "no es un número de teléfono"),
        ("phone_alt", "12345", "no es un número de teléfono válido"),
    ],
)
def test_invalid_identity_data_is_refused_in_spanish_and_nothing_is_saved(
    receptionist, field, value, message_part
):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        person_create(
            by=receptionist,
            given_names="Rosa",
            first_surname="Martínez",
            safe_contact={"may_call": True, "code_word": "girasol"},
            **{field: value},
        )
    assert field in exc.value.message_dict
    assert any(message_part in m for m in exc.value.message_dict[field])
    assert counts() == before


def test_bad_safe_contact_data_is_refused_in_spanish_and_the_person_is_not_saved(receptionist):
    """The safe-contact row is written after the person row: a failure there must undo the person too."""
    before = counts()
    with pytest.raises(ValidationError) as exc:
        person_create(
            by=receptionist,
            given_names="Rosa",
            first_surname="Martínez",
            safe_contact={"phone_choice": "paloma mensajera", "best_hours": "x" * 500},
        )
    assert set(exc.value.message_dict) == {"phone_choice", "best_hours"}
    assert "no es una opción válida" in " ".join(exc.value.message_dict["phone_choice"])
    assert counts() == before


def test_duplicate_curp_is_refused(receptionist):
    PersonFactory(curp=VALID_CURP)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        person_create(by=receptionist, given_names="Otra", first_surname="Persona", curp=VALID_CURP)
    assert "curp" in exc.value.message_dict
    assert counts() == before


def test_unknown_fields_are_a_programming_error(receptionist):
    with pytest.raises(TypeError):
        person_create(by=receptionist, given_names="Ana", first_surname="Ruiz", favourite_colour="violeta")


def test_encrypted_fields_are_not_readable_in_the_database(receptionist):
    person = person_create(
        by=receptionist,
        given_names="Ana",
        first_surname="Ruiz",
        address="Privada de los Girasoles 42",
        safe_contact={"code_word": "mariposa azul", "notes": "Solo llamar por la mañana"},
    )
    raw_address = raw_column("people_person", "address", person.pk)
    assert raw_address.startswith("v1:")
    assert "Girasoles" not in raw_address
    prefs = person.safe_contact
    raw_code_word = raw_column("people_safecontactpreference", "code_word", prefs.pk)
    assert raw_code_word.startswith("v1:")
    assert "mariposa" not in raw_code_word
    assert "mañana" not in raw_column("people_safecontactpreference", "notes", prefs.pk)

    fresh = Person.objects.select_related("safe_contact").get(pk=person.pk)
    assert fresh.address == "Privada de los Girasoles 42"
    assert fresh.safe_contact.code_word == "mariposa azul"


def test_ciphertext_copied_into_another_column_does_not_decrypt(receptionist):
    person = person_create(
        by=receptionist,
        given_names="Ana",
        first_surname="Ruiz",
        address="Privada de los Girasoles 42",
        safe_contact={"code_word": "mariposa"},
    )
    stolen = raw_column("people_person", "address", person.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_safecontactpreference SET code_word = %s WHERE person_id = %s", [stolen, person.pk]
        )
    with pytest.raises(crypto.DecryptionError):
        SafeContactPreference.objects.get(person=person)


def test_person_update_reparses_and_audits(receptionist):
    person = PersonFactory(given_names="Ana", first_surname="Ruiz", second_surname="")
    person_update(person=person, by=receptionist, given_names="Ma. Ana", phone="(614) 4102305")
    person.refresh_from_db()
    assert person.phone == "+526144102305"
    assert person.name_normalized == "maria ana ruiz"
    event = AuditEvent.objects.filter(object_type="people.person", object_id=str(person.pk)).first()
    assert event.action == Action.UPDATE
    assert event.actor == receptionist

    with pytest.raises(ValidationError):
        person_update(person=Person.objects.get(pk=person.pk), by=receptionist, phone="basura")
    person.refresh_from_db()
    assert person.phone == "+526144102305"


def test_approximate_age_is_dated(receptionist):
    person = person_create(by=receptionist, given_names="Ana", first_surname="Ruiz", approximate_age=40)
    assert person.age_recorded_on is not None
    assert person.age(on=person.age_recorded_on + datetime.timedelta(days=365 * 2 + 1)) == 42


def test_safe_contact_set_and_consent_record_are_audited(receptionist):
    person = PersonFactory()
    prefs = safe_contact_set(person=person, by=receptionist, may_sms=True, phone_choice="main")
    assert prefs.allows_sms()
    assert AuditEvent.objects.filter(
        object_type="people.safecontactpreference", action=Action.UPDATE
    ).exists()

    with pytest.raises(ValidationError):
        safe_contact_set(person=person, by=receptionist, phone_choice="pager")
    prefs.refresh_from_db()
    assert prefs.phone_choice == "main"

    consent = consent_record(person=person, by=receptionist, purpose="sms")
    assert consent.is_active
    assert Consent.objects.filter(person=person, purpose="sms").count() == 1
    assert AuditEvent.objects.filter(object_type="people.consent", object_id=str(consent.pk)).exists()


def test_person_factory_builds_realistic_consistent_people():
    people = PersonFactory.create_batch(5, with_curp=True)
    for person in people:
        assert person.neighborhood is not None
        assert person.postal_code == person.neighborhood.postal_code
        assert person.phone.startswith("+52614")
        assert person.name_normalized
        assert parse_curp(person.curp) == person.curp
        assert (
            person.curp[:10]
            == curp_for(
                given_names=person.given_names,
                first_surname=person.first_surname,
                second_surname=person.second_surname,
                birth_date=person.birth_date,
            )[:10]
        )
    assert len({p.curp for p in people}) == 5


# --- dates checked against sense (issue 16) -------------------------------------------------------------------


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28)) - datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("birth_date", "message_part"),
    [
        (datetime.date(2030, 1, 15), "no puede ser posterior a hoy"),
        (years_ago(111), "más de 110 años"),
    ],
)
def test_a_birth_date_out_of_sense_is_refused_and_nothing_is_saved(receptionist, birth_date, message_part):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        person_create(by=receptionist, given_names="Rosa", first_surname="Martínez", birth_date=birth_date)
    assert any(message_part in m for m in exc.value.message_dict["birth_date"])
    assert counts() == before


def test_a_birth_date_of_today_or_a_hundred_years_ago_is_accepted(receptionist):
    for birth_date in (timezone.localdate(), years_ago(100)):
        person = person_create(
            by=receptionist, given_names="Rosa", first_surname="Soto", birth_date=birth_date
        )
        assert person.age() >= 0


def test_updating_to_a_future_birth_date_is_refused(receptionist):
    person = PersonFactory(birth_date=datetime.date(1990, 5, 10))
    with pytest.raises(ValidationError) as exc:
        person_update(person=person, by=receptionist, birth_date=datetime.date(2030, 1, 15))
    assert "birth_date" in exc.value.message_dict
    person.refresh_from_db()
    assert person.birth_date == datetime.date(1990, 5, 10)


def test_age_is_never_negative():
    """A future birth date stored before the check (or typed into an unsaved record) shows no age, not '-4'."""
    today = datetime.date(2026, 12, 5)
    assert Person(birth_date=datetime.date(2030, 1, 15)).age(today) is None
    assert Person(birth_date=datetime.date(2026, 12, 6)).age(today) is None
    assert Person(birth_date=datetime.date(2026, 12, 5)).age(today) == 0
    assert Person(birth_date=datetime.date(1990, 12, 6)).age(today) == 35


def test_a_consent_dated_in_the_future_is_refused(receptionist):
    person = PersonFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        consent_record(person=person, by=receptionist, purpose="sms", given_on=tomorrow)
    assert "given_on" in exc.value.message_dict
    assert not Consent.objects.filter(person=person).exists()


def test_the_consent_form_refuses_a_future_date_on_the_field():
    from violeta.people.consent_forms import ConsentForm

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = ConsentForm(
        data={"purpose": "sms", "granted": "on", "given_on": tomorrow.isoformat(), "scope": ""}
    )
    assert not form.is_valid()
    assert form.has_error("given_on", "date_future")
