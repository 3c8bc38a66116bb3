"""Demo data for people: how the demo's women and children are made up (names, CURPs, contact, safe contact).

``load`` creates no one by itself: every woman of the demo comes in through an intake (``cases/demo.py``), and
each one's details are drawn at the moment of her intake from the shared random source, so the helpers here
(``woman_data``, ``child_data``, ``make_curp``) are what the apps loaded later call. It leaves in the registry
``people.neighborhoods`` (the colonias, in a stable order), ``people.curps`` (the CURPs given so far, so no
two people share one) and ``people.privacy_notice_sha256`` (the notice in force, which every demo woman
"accepted" as at a real intake).
"""

import unicodedata
import zlib
from datetime import date, timedelta

from stdnum.mx import curp as stdnum_curp

from violeta.core.demo import Demo
from violeta.people.models import Gender, Neighborhood, Person, PhoneChoice, Schooling
from violeta.people.privacy_notice import current_notice

BEST_HOURS = [
    "Lunes a viernes de 9:00 a 13:00",
    "Solo por la mañana",
    "Después de las 18:00",
    "Entre semana, de 10:00 a 12:00",
    "",
]
SAFE_NOTES = [
    "Si contesta otra persona, decir que llaman de la escuela de sus hijos.",
    "Usar solo el número de su hermana.",
    "No dejar recado; ella devuelve la llamada.",
    "No llamar; ella se comunica al instituto.",
]
CODE_WORDS = ["pregunte por la tanda", "recado de la escuela", "cita del dentista", "pedido de catálogo"]
DISABILITIES = ["Motriz", "Auditiva", "Visual", "Psicosocial"]
ABBREVIATED_NAMES = ["Ma. Guadalupe", "Ma. de Jesús", "Ma. del Carmen", "Ma. Elena", "Ma. Teresa"]

# Roughly how schooling is spread among the women the institute serves (secondary the most common).
SCHOOLING_MIX = (
    [Schooling.NONE] * 1
    + [Schooling.PRIMARY] * 4
    + [Schooling.SECONDARY] * 6
    + [Schooling.UPPER_SECONDARY] * 4
    + [Schooling.HIGHER] * 3
    + [Schooling.POSTGRADUATE] * 1
    + [""] * 1  # not asked
)


def load(demo: Demo) -> None:
    demo["people.neighborhoods"] = list(Neighborhood.objects.order_by("postal_code", "name", "pk"))
    demo["people.curps"] = set()
    demo["people.privacy_notice_sha256"] = current_notice().sha256


# --- CURP ---------------------------------------------------------------------------------------------------

# Particles RENAPO skips in names ("de la Cruz" counts as Cruz).
_CURP_PARTICLES = "DA DAS DE DEL DER DI DIE DD EL LA LOS LAS LE LES MAC MC VAN VON Y"
_CURP_SKIP = frozenset(_CURP_PARTICLES.split())
_COMMON_FIRST = {"MARIA", "MA", "MA.", "JOSE", "J", "J."}
_VOWELS = "AEIOU"


def _curp_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.upper().replace("Ñ", "X"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return [w for w in plain.replace(".", " ").split() if w not in _CURP_SKIP]


def _first_inner(word: str, vowels: bool) -> str:
    for ch in word[1:]:
        if ch.isalpha() and (ch in _VOWELS) == vowels:
            return ch
    return "X"


def make_curp(
    *,
    given_names: str,
    first_surname: str,
    second_surname: str,
    birth_date: date,
    sex: str = "M",
    state: str = "CH",
) -> str:
    """A CURP built by RENAPO's rules from the name, birth date, sex and state, with its check digit.

    Homonym handling by RENAPO (the 17th character) is not reproduced: pre-2000 births get 0, later ones A.
    """
    first = _curp_words(first_surname) or ["X"]
    second = _curp_words(second_surname) or ["X"]
    names = [w.rstrip(".") for w in _curp_words(given_names)] or ["X"]
    name = names[1] if len(names) > 1 and names[0] in _COMMON_FIRST else names[0]
    f, s = first[0], second[0]
    letters = f[0] + _first_inner(f, vowels=True) + s[0] + name[0]
    body = (
        f"{birth_date:%y%m%d}{sex}{state}"
        + _first_inner(f, vowels=False)
        + (_first_inner(s, vowels=False) if second_surname else "X")
        + _first_inner(name, vowels=False)
        + ("0" if birth_date.year < 2000 else "A")
    )
    candidate = letters + body
    if not stdnum_curp.is_valid(candidate + stdnum_curp.calc_check_digit(candidate)):
        # The four letters make an inconvenient word: RENAPO replaces the second one with X.
        candidate = letters[0] + "X" + letters[2:] + body
    return stdnum_curp.validate(candidate + stdnum_curp.calc_check_digit(candidate))


# --- Women and children -------------------------------------------------------------------------------------


def woman_data(demo: Demo, opened: date) -> tuple[dict, dict]:
    """A woman's details as reception takes them on ``opened`` (for ``person_create``), and her safe contact."""
    rng, fake = demo.rng, demo.fake
    given = rng.choice(ABBREVIATED_NAMES) if rng.random() < 0.06 else fake.first_name_female()
    first, second = fake.last_name(), fake.last_name() if rng.random() > 0.05 else ""
    age = min(75, max(18, round(rng.triangular(18, 72, 33))))
    gender = Gender.TRANS_WOMAN if rng.random() < 0.02 else Gender.WOMAN
    data = {
        "given_names": given,
        "first_surname": first,
        "second_surname": second,
        "gender": gender,
        "phone": demo.phone() if rng.random() < 0.93 else "",
    }
    if rng.random() < 0.8:
        birth = opened - timedelta(days=age * 365 + rng.randrange(365))
        data["birth_date"] = birth
        if gender == Gender.WOMAN and rng.random() < 0.5:
            curp = make_curp(given_names=given, first_surname=first, second_surname=second, birth_date=birth)
            if curp not in demo["people.curps"]:
                demo["people.curps"].add(curp)
                data["curp"] = curp
    else:
        data["approximate_age"] = age
    if data["phone"] and rng.random() < 0.25:
        data["phone_alt"] = demo.phone()
    if rng.random() < 0.3:
        user = fake.user_name().replace("_", ".")
        data["email"] = f"{user}{rng.randrange(10, 99)}@example.com"
    if rng.random() < 0.9:
        neighborhoods = demo["people.neighborhoods"]
        data["neighborhood"] = rng.choice(neighborhoods) if neighborhoods else None
        data["address"] = f"{fake.street_name()} {rng.randrange(100, 9999)}"
    if rng.random() < 0.06:
        data["indigenous_people"] = "Rarámuri"
        if rng.random() < 0.7:
            data["indigenous_language"] = "rarámuri"
    if rng.random() < 0.05:
        data["disability"] = rng.choice(DISABILITIES)
    # Picked from her name, not from the shared random stream: the rest of the demo stays as it was.
    data["schooling"] = SCHOOLING_MIX[zlib.crc32(f"{given} {first}".encode()) % len(SCHOOLING_MIX)]
    return data, _safe_contact(demo, data)


def _safe_contact(demo: Demo, data: dict) -> dict:
    rng = demo.rng
    if not data["phone"]:
        return {"phone_choice": PhoneChoice.NONE, "notes": SAFE_NOTES[3]}
    roll = rng.random()
    if roll < 0.55:
        return {
            "phone_choice": PhoneChoice.MAIN,
            "may_call": True,
            "may_leave_message": rng.random() < 0.4,
            "may_sms": rng.random() < 0.5,
            "best_hours": rng.choice(BEST_HOURS),
        }
    if roll < 0.75 and data.get("phone_alt"):
        return {
            "phone_choice": PhoneChoice.ALT,
            "may_call": True,
            "may_sms": rng.random() < 0.3,
            "best_hours": rng.choice(BEST_HOURS),
            "notes": SAFE_NOTES[1],
        }
    if roll < 0.92:
        return {
            "phone_choice": PhoneChoice.MAIN,
            "may_call": True,
            "best_hours": "Solo de 9:00 a 12:00",
            "code_word": rng.choice(CODE_WORDS),
            "notes": rng.choice(SAFE_NOTES[:3]),
        }
    return {"phone_choice": PhoneChoice.NONE, "notes": SAFE_NOTES[3]}


def child_data(demo: Demo, mother: Person, on: date) -> tuple[dict, bool]:
    """A child of ``mother`` (a daughter or a son, or a minor in her care): details, and whether in her care."""
    rng, fake = demo.rng, demo.fake
    daughter = rng.random() < 0.5
    age = rng.randrange(0, 18)
    in_care = rng.random() < 0.15
    data = {
        "given_names": fake.first_name_female() if daughter else fake.first_name_male(),
        "first_surname": fake.last_name(),
        "second_surname": fake.last_name() if in_care else mother.first_surname,
        "birth_date": on - timedelta(days=age * 365 + rng.randrange(1, 365)),
        "gender": Gender.WOMAN if daughter else Gender.MAN,
    }
    return data, in_care
