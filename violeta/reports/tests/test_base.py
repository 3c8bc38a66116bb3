"""The filters, the consent rule and the first indicators, against a small data set counted by hand."""

import datetime

import pytest
from django.utils import timezone

from violeta.cases.models import Case, Modality
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.people.models import Consent, ConsentPurpose, Neighborhood, Person
from violeta.people.tests.factories import PersonFactory
from violeta.reports.indicators import INDICATORS, Filters, Rule, get
from violeta.reports.indicators.base import age_group_q, statistics_allowed

NOVEMBER = Filters.month(2026, 11)


def at(day: int, month: int = 11, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, hour))


def consent(person, by, *, granted=True, on=datetime.date(2026, 1, 10), revoked=False):
    return Consent.objects.create(
        person=person,
        purpose=ConsentPurpose.STATISTICS,
        granted=granted,
        given_on=on,
        recorded_by=by,
        revoked_at=timezone.now() if revoked else None,
    )


def case_opened(when: datetime.datetime, **kwargs):
    case = CaseFactory(**kwargs)
    Case.objects.filter(pk=case.pk).update(opened_at=when)
    return case


def allowed_ids() -> set[int]:
    return set(Person.objects.filter(statistics_allowed()).values_list("pk", flat=True))


@pytest.mark.django_db
def test_statistics_stop_counting_her_when_her_consent_lapses_or_is_withdrawn(lawyer, receptionist):
    from violeta.people.models import WithdrawalMeans
    from violeta.people.services import consent_record, consent_withdraw

    today = timezone.localdate()
    lapsed, lapses_tomorrow, withdrawn = PersonFactory.create_batch(3)
    for person, expires in ((lapsed, today), (lapses_tomorrow, today + datetime.timedelta(days=1))):
        consent_record(
            person=person,
            by=lawyer,
            purpose=ConsentPurpose.STATISTICS,
            given_on=today - datetime.timedelta(days=30),
            expires_on=expires,
        )
    given = consent_record(person=withdrawn, by=lawyer, purpose=ConsentPurpose.STATISTICS)
    assert allowed_ids() == {lapses_tomorrow.pk, withdrawn.pk}

    consent_withdraw(consent=given, by=receptionist, means=WithdrawalMeans.IN_PERSON)
    assert allowed_ids() == {lapses_tomorrow.pk}


@pytest.mark.django_db
def test_only_her_latest_statistics_consent_decides(lawyer):
    never, granted, revoked, refused_later, granted_again, same_day = PersonFactory.create_batch(6)
    consent(granted, lawyer)
    consent(revoked, lawyer, revoked=True)
    consent(refused_later, lawyer)
    consent(refused_later, lawyer, granted=False, on=datetime.date(2026, 3, 1))
    consent(granted_again, lawyer, granted=False)
    consent(granted_again, lawyer, on=datetime.date(2026, 3, 1))
    consent(same_day, lawyer)
    consent(same_day, lawyer, granted=False)  # recorded after, on the same day: it wins
    # A consent for another purpose says nothing about statistics.
    Consent.objects.create(person=never, purpose=ConsentPurpose.CARE, recorded_by=lawyer)

    assert allowed_ids() == {granted.pk, granted_again.pk}


@pytest.mark.django_db
def test_her_age_group_comes_from_her_birth_date_or_from_the_age_recorded_and_the_years_since():
    on = datetime.date(2026, 11, 30)
    seventeen = PersonFactory(birth_date=datetime.date(2008, 12, 1))  # 18 the day after
    eighteen = PersonFactory(birth_date=datetime.date(2008, 11, 30))  # 18 that very day
    twenty_nine = PersonFactory(birth_date=datetime.date(1996, 12, 1))
    recorded_28_in_2024 = PersonFactory(birth_date=None, approximate_age=28)
    Person.objects.filter(pk=recorded_28_in_2024.pk).update(age_recorded_on=datetime.date(2024, 5, 1))
    unknown = PersonFactory(birth_date=None, approximate_age=None)

    def group(name):
        return set(Person.objects.filter(age_group_q("", name, on)).values_list("pk", flat=True))

    assert group("0-17") & {seventeen.pk, eighteen.pk, twenty_nine.pk} == {seventeen.pk}
    assert {eighteen.pk, twenty_nine.pk} <= group("18-29")
    assert recorded_28_in_2024.pk in group("30-44")  # 28 + (2026 - 2024)
    assert unknown.pk not in set().union(
        *(group(name) for name in ("0-17", "18-29", "30-44", "45-59", "60+"))
    )


@pytest.mark.django_db
def test_women_attended_and_consultations_count_what_was_counted_by_hand(lawyer, psychologist):
    centro = Neighborhood.objects.create(
        postal_code="31000", name="Centro", municipality="Chihuahua", state="Chih."
    )
    # Ana: case and a consultation in October, two in November (follow-up); she consented.
    ana = case_opened(at(2, 10), holder=PersonFactory(neighborhood=centro), opened_by=lawyer)
    record_consultation(ana, lawyer, when=at(3, 10))
    record_consultation(ana, lawyer, when=at(5))
    record_consultation(ana, psychologist, when=at(6), modality=Modality.PHONE)
    consent(ana.holder, lawyer)
    # Bea: new in November, one consultation by phone; no consent.
    bea = case_opened(at(10), opened_by=lawyer)
    record_consultation(bea, lawyer, when=at(10), modality=Modality.PHONE)
    # Cruz: only in December: outside the period.
    cruz = case_opened(at(1, 12), opened_by=lawyer)
    record_consultation(cruz, lawyer, when=at(1, 12))

    women = get("women_attended")
    assert women(NOVEMBER).as_dict() == {("Nuevas",): {"women": 1}, ("De seguimiento",): {"women": 1}}
    assert women(NOVEMBER, Rule.STATISTICS).as_dict() == {
        ("Nuevas",): {"women": 0},
        ("De seguimiento",): {"women": 1},
    }
    assert women(NOVEMBER.but(neighborhood=centro.pk)).as_dict()[("Nuevas",)] == {"women": 0}
    # In psychology alone, Ana is new in November: her earlier consultation was legal.
    assert women(NOVEMBER.but(area="psicologia")).as_dict() == {
        ("Nuevas",): {"women": 1},
        ("De seguimiento",): {"women": 0},
    }

    table = get("consultations")(NOVEMBER)
    assert table.as_dict() == {
        ("Jurídica", "Presencial"): {"consultations": 1},
        ("Jurídica", "Por teléfono"): {"consultations": 1},
        ("Psicológica", "Por teléfono"): {"consultations": 1},
    }
    assert table.rule == Rule.INTERNAL
    assert get("consultations")(NOVEMBER, Rule.STATISTICS).as_dict() == {
        ("Jurídica", "Presencial"): {"consultations": 1},
        ("Psicológica", "Por teléfono"): {"consultations": 1},
    }


def test_a_figure_says_which_chosen_filters_it_ignores():
    table_filters = NOVEMBER.but(program="empresa", age_group="18-29")
    assert table_filters.chosen() == ("program", "age_group")
    assert "program" not in INDICATORS["consultations"].filters
    with pytest.raises(ValueError):
        Filters(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 1, 1))


def test_docs_reports_lists_every_indicator():
    """docs/reports.md's catalogue (``manage.py reports_catalogue``) stays true: every registered indicator."""
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "docs" / "reports.md").read_text(encoding="utf-8")
    missing = [slug for slug in INDICATORS if f"| `{slug}` |" not in text]
    assert missing == []
