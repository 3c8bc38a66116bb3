"""Factories for people: realistic es_MX names, a colonia of the loaded catalogue, valid CURPs and phones.

People are registered through ``person_create`` (not by writing rows), so the derived fields, the safe-contact
row and the audit event are what the application itself would have written.
"""

import datetime
import unicodedata

import factory
from faker import Faker
from stdnum.mx import curp as stdnum_curp

from violeta.people.models import Gender, Neighborhood, Person
from violeta.people.services import person_create

fake = Faker("es_MX")

_VOWELS = "AEIOU"
_BLACKLIST = stdnum_curp._name_blacklist


def _letters(text: str) -> str:
    """Upper-case A–Z only, as the CURP writes names (Ñ becomes X, accents and spaces go)."""
    text = unicodedata.normalize("NFKD", (text or "").upper().replace("Ñ", "X"))
    return "".join(ch for ch in text if "A" <= ch <= "Z")


def _first_inner(word: str, wanted: bool) -> str:
    """First vowel (``wanted=True``) or consonant after the first letter, or X."""
    return next((ch for ch in word[1:] if (ch in _VOWELS) == wanted), "X")


def curp_for(
    *,
    given_names: str,
    first_surname: str,
    second_surname: str = "",
    birth_date: datetime.date,
    sex: str = "M",
    state: str = "CH",
    differentiator: int = 0,
) -> str:
    """A CURP built by RENAPO's rules for these data, with the check digit stdnum computes (so it validates)."""
    given, first, second = _letters(given_names), _letters(first_surname), _letters(second_surname)
    head = first[0] + _first_inner(first, True) + (second[:1] or "X") + given[0]
    if head in _BLACKLIST:
        head = head[0] + "X" + head[2:]
    digit_or_letter = (
        str(differentiator % 10) if birth_date.year < 2000 else "ABCDEFGHIJ"[differentiator % 10]
    )
    body = (
        head
        + birth_date.strftime("%y%m%d")
        + sex
        + state
        + _first_inner(first, False)
        + (_first_inner(second, False) if second else "X")
        + _first_inner(given, False)
        + digit_or_letter
    )
    return body + stdnum_curp.calc_check_digit(body)


# Words every page shows (the product's name, the institute's): a woman called so (Violeta is a real name) would
# make "her name is not on the page" fail by chance.
ON_EVERY_PAGE = {"violeta", "mujer", "mujeres"}


def given_name() -> str:
    """A realistic given name that no page shows by itself."""
    while True:
        name = fake.first_name_female()
        if not set(name.lower().split()) & ON_EVERY_PAGE:
            return name


def random_phone() -> str:
    """A Chihuahua (614) number written as people write it, ``614 490 0789``."""
    digits = fake.numerify("614#######")
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def random_neighborhood() -> Neighborhood | None:
    return Neighborhood.objects.order_by("?").first()


class PersonFactory(factory.django.DjangoModelFactory):
    """A woman served by the institute. ``PersonFactory(with_curp=True)`` also gives her a valid CURP."""

    class Meta:
        model = Person

    class Params:
        with_curp = factory.Trait(
            curp=factory.LazyAttributeSequence(
                lambda o, n: curp_for(
                    given_names=o.given_names,
                    first_surname=o.first_surname,
                    second_surname=o.second_surname,
                    birth_date=o.birth_date or datetime.date(1990, 1, 1),
                    differentiator=n,
                )
            )
        )

    given_names = factory.LazyFunction(lambda: given_name())
    first_surname = factory.LazyFunction(fake.last_name)
    second_surname = factory.LazyFunction(fake.last_name)
    birth_date = factory.LazyFunction(lambda: fake.date_of_birth(minimum_age=18, maximum_age=70))
    gender = Gender.WOMAN
    curp = None
    phone = factory.LazyFunction(random_phone)
    address = factory.LazyFunction(fake.street_address)
    neighborhood = factory.LazyFunction(random_neighborhood)

    @classmethod
    def _create(cls, model_class, *args, by=None, safe_contact=None, **kwargs):
        return person_create(by=by, safe_contact=safe_contact, **kwargs)
