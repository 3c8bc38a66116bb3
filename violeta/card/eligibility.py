"""Eligibility for the card as configuration: ``settings.CARD["ELIGIBILITY_RULES"]`` lists the rules in order.

A rule takes the applicant's data (``Applicant``) and the day of the application and returns ``None`` when it
passes or a Spanish sentence that tells her why she is not eligible (and, when she can, what to do).
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from violeta.card.models import OPEN_STATUSES, CardApplication, CardStatus
from violeta.people.models import Neighborhood


@dataclass(frozen=True)
class Applicant:
    curp: str
    birth_date: date
    postal_code: str
    neighborhood: Neighborhood | None = None
    exclude_application_id: int | None = None  # her own application, when it is re-checked before approval


@dataclass(frozen=True)
class Failure:
    code: str
    message: str


# The failures that say a CURP is already on file: never shown on the public form (see application_submit).
DUPLICATE_CODES = frozenset({"duplicate_card", "duplicate_application"})


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def rule_minimum_age(applicant: Applicant, today: date) -> Failure | None:
    minimum = settings.CARD["MIN_AGE"]
    if age_on(applicant.birth_date, today) < minimum:
        return Failure(
            "age",
            _("The card is for women aged %(min)d or more; on the date of the application you are %(age)d.")
            % {"min": minimum, "age": max(age_on(applicant.birth_date, today), 0)},
        )
    return None


def rule_lives_in_municipality(applicant: Applicant, today: date) -> Failure | None:
    municipality = settings.INSTITUTE["municipality"]
    if applicant.neighborhood is not None:
        inside = applicant.neighborhood.municipality == municipality
    else:
        inside = Neighborhood.objects.filter(
            municipality=municipality, postal_code=applicant.postal_code
        ).exists()
    if not inside:
        return Failure(
            "municipality",
            _(
                "The card is for women who live in the municipality of %(municipality)s; the colonia or "
                "postal code you gave is not in it."
            )
            % {"municipality": municipality},
        )
    return None


def rule_one_card_per_curp(applicant: Applicant, today: date) -> Failure | None:
    applications = CardApplication.objects.filter(curp=applicant.curp)
    if applicant.exclude_application_id:
        applications = applications.exclude(pk=applicant.exclude_application_id)
    if applications.filter(cards__status=CardStatus.ACTIVE, cards__valid_until__gte=today).exists():
        return Failure(
            "duplicate_card",
            _(
                "There is already an active card for this CURP. If you lost it, ask the card office for a "
                "replacement."
            ),
        )
    if applications.filter(status__in=OPEN_STATUSES).exists():
        return Failure(
            "duplicate_application",
            _("There is already an application in progress for this CURP; you do not need to apply again."),
        )
    return None


def check(applicant: Applicant, today: date) -> list[Failure]:
    """Every failed rule, in the configured order (she is told all of them at once)."""
    failures = []
    for path in settings.CARD["ELIGIBILITY_RULES"]:
        failure = import_string(path)(applicant, today)
        if failure is not None:
            failures.append(failure)
    return failures
