"""The state-scale parts of the benchmark data (issue 22), used by ``bench/reports_data.py`` (the one command):
derived columns as the services derive them, the staff the page benchmarks log in as, the agendas, and a check
that person search finds the generated women.

    .venv/bin/python bench/reports_data.py --scale small     # about 10,000 people, well under a minute
    .venv/bin/python bench/reports_data.py --scale state     # 1,000,000 people, 300,000 case files

From a benchmark, after ``ensure(scale=...)``: ``from bench.reports_data import staff_for_bench``.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta

PASSWORD = "violeta-demo-2026"  # noqa: S105 (the demo password: every bench account logs in with it)
LOCAL = timedelta(hours=-6)  # America/Chihuahua, no daylight saving time since 2022
STAFF_TABLE = "bench_staff"
MFA_GRACE_UNTIL = datetime(2099, 12, 31, tzinfo=UTC)  # bench accounts log in with the password alone


# --- The name index, as people.services writes it -------------------------------------------------------------


def name_normalized(given: str, first: str, second: str) -> str:
    """``Person.name_normalized`` as ``people.services`` sets it: the normalised full name."""
    from violeta.core.text import normalize_name

    return normalize_name(" ".join(p for p in (given, first, second) if p))


def index_rows(person_id: int, given: str, first: str, second: str, word_ids: dict[str, int]) -> list[tuple]:
    """Her ``PersonNameWord`` rows (person, word, field, position), cut by ``people.names.analyse`` as
    ``people.name_index.index_people`` cuts them; ``word_ids`` maps each word to its ``NameWord`` id."""
    from violeta.people.names import analyse

    return [
        (person_id, word_ids[word], field, position)
        for field, position, word in analyse(given, first, second).items()
    ]


def index_names(copier, first_id: int, names: list[tuple[str, str, str]], batch: int = 50_000) -> None:
    """The name index of people ``first_id``, ``first_id + 1``… (their names in that order): the vocabulary
    through ``name_index._word_ids`` (the services' own), the words by COPY, the pairs by
    ``name_index.insert_pairs`` (the services' SQL) one id range at a time."""
    from violeta.people.models import NameWord, Person, PersonNamePair, PersonNameWord
    from violeta.people.name_index import _word_ids, insert_pairs
    from violeta.people.names import analyse

    vocabulary = {word for g, f, s in set(names) for _f, _p, word in analyse(g, f, s).items()}
    word_ids = _word_ids(NameWord, vocabulary)
    analysed = {}  # the same name is cut once

    def rows():
        for k, (g, f, s) in enumerate(names):
            cut = analysed.get((g, f, s))
            if cut is None:
                cut = analysed[(g, f, s)] = [(w, field, pos) for field, pos, w in analyse(g, f, s).items()]
            for word, field, position in cut:
                yield (first_id + k, word_ids[word], field, position)

    copier.copy(PersonNameWord, ["person_id", "word_id", "field", "position"], rows())
    started = time.perf_counter()
    for start in range(first_id, first_id + len(names), batch):
        insert_pairs(
            PersonNameWord, PersonNamePair, Person, range(start, min(start + batch, first_id + len(names)))
        )
    copier.counts[PersonNamePair._meta.db_table] = PersonNamePair.objects.count()
    copier.seconds[PersonNamePair._meta.db_table] = time.perf_counter() - started


class Folios:
    """Folios as the services number them (``cases.services.folio_next``, ``referrals.services.
    referral_folio_next``): consecutive within the local year of the moment given, and each year's counter row
    left at its last number, so the next folio the services give follows them."""

    def __init__(self, pattern: str, counter_model):
        self.pattern, self.counter_model, self.last = pattern, counter_model, {}

    def next(self, moment: datetime) -> str:
        year = (moment + LOCAL).year
        number = self.last[year] = self.last.get(year, 0) + 1
        return self.pattern.format(year=year, number=number)

    def save(self) -> None:
        self.counter_model.objects.bulk_create(
            [self.counter_model(year=year, last=last) for year, last in sorted(self.last.items())]
        )


def case_folios() -> Folios:
    from django.conf import settings

    from violeta.cases.models import FolioCounter

    return Folios(f"{settings.INSTITUTE['folio_prefix']}-{{year}}-{{number:06d}}", FolioCounter)


def referral_folios() -> Folios:
    from violeta.referrals.models import ReferralCounter
    from violeta.referrals.services import FOLIO_PREFIX

    return Folios(f"{FOLIO_PREFIX}-{{year}}-{{number:04d}}", ReferralCounter)


# --- The staff the benchmarks log in as ------------------------------------------------------------------------


def record_staff(users, known: int) -> None:
    """Write ``bench_staff`` (role, username, area): who the page benchmarks log in as."""
    from django.db import connection

    from violeta.accounts.models import Area, Role

    codes = dict(Area.objects.values_list("pk", "code"))
    rows = []
    for user in users:
        if user.pk == known:
            rows.append(("known", user.email, codes[user.area_id]))
        if user.role == Role.DIRECTOR:
            rows.append(("director", user.email, ""))
        elif user.role == Role.COORDINATOR:
            rows.append(("coordinator", user.email, codes[user.area_id]))
        elif user.area_id:
            rows.append(("professional", user.email, codes[user.area_id]))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {STAFF_TABLE} (role text, username text, area text)")
        cursor.execute(f"DELETE FROM {STAFF_TABLE}")
        cursor.executemany(f"INSERT INTO {STAFF_TABLE} VALUES (%s, %s, %s)", rows)


def staff_for_bench() -> dict:
    """The bench accounts of the database Django points at (after ``reports_data.ensure``): ``director``,
    ``known`` (the professional with exactly 300 active case files and appointments this week), their usernames;
    ``coordinators`` and ``professionals``: area code → usernames; ``password`` for all of them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [STAFF_TABLE])
        if cursor.fetchone()[0] is None:
            raise SystemExit("no bench staff recorded here: build it with bench/reports_data.py --scale …")
        cursor.execute(f"SELECT role, username, area FROM {STAFF_TABLE} ORDER BY username")
        rows = cursor.fetchall()
    staff = {"password": PASSWORD, "coordinators": {}, "professionals": {}}
    for role, username, area in rows:
        if role in ("director", "known"):
            staff[role] = username
        else:
            staff[f"{role}s"].setdefault(area, []).append(username)
    return staff


# --- Agendas ---------------------------------------------------------------------------------------------------


def appointments(builder) -> None:
    """A year of agendas around the day it is built (nine months past, three coming; the pages read them
    relative to today): one-hour appointments in office hours, Monday to Friday, never two at once for one
    professional; most for an active case file of hers (the woman is its holder), some for a registered woman
    without one, a few for a first call (a first name only). The known professional has five each day of the
    current week, all for her case files."""
    from violeta.agenda.models import Appointment

    total = builder.size.get("appointments", 0)
    if not total:
        return
    rng: random.Random = builder.rng
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    days = [today - timedelta(days=273) + timedelta(days=k) for k in range(273 + 92)]
    days = [d for d in days if d.weekday() < 5]
    staff = builder.professionals
    per_day = total / (len(staff) * len(days))
    cases_of: dict[int, list[int]] = {u: [] for u in staff}
    for i, team in enumerate(builder.case_team):
        if builder.case_active[i]:
            for user in team:
                if user in cases_of:
                    cases_of[user].append(i)
    now = datetime.now(UTC)
    past = {"attended": 75, "no_show": 13, "cancelled": 12}
    coming = {"scheduled": 92, "cancelled": 8}

    def rows():
        for user in staff:
            for day in days:
                this_week = user == builder.known and monday <= day < monday + timedelta(days=5)
                k = 5 if this_week else min(10, int(per_day) + (rng.random() < per_day % 1))
                for hour in sorted(rng.sample(range(8, 18), k)):
                    starts = datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - LOCAL
                    kind = rng.random()
                    case = person = None
                    contact = ""
                    if cases_of[user] and (this_week or kind < 0.7):
                        i = rng.choice(cases_of[user])
                        case, person = builder.first_case + i, builder.case_holder[i]
                    elif kind < 0.9:
                        person = builder.first_person + rng.randrange(len(builder.person_ids))
                    else:
                        contact = rng.choice(("Ana", "Lupita", "María", "Rosa", "Claudia"))
                    status = rng.choices(*zip(*(past if starts < now else coming).items(), strict=True))[0]
                    yield (
                        person,
                        case,
                        contact,
                        user,
                        builder.user_area[user],
                        rng.choice(("in_person", "in_person", "in_person", "phone")),
                        starts,
                        starts + timedelta(hours=1),
                        status,
                        rng.choice(builder.reception),
                        starts - timedelta(days=rng.randint(1, 30)),
                    )

    builder.copier.copy(
        Appointment,
        [
            "person_id",
            "case_id",
            "contact_name",
            "staff_id",
            "area_id",
            "modality",
            "starts_at",
            "ends_at",
            "status",
            "created_by_id",
            "created_at",
        ],
        rows(),
    )


# --- The check: person search finds them -----------------------------------------------------------------------


def check_search(women: int = 20, seed: int = 22, top: int = 10) -> tuple[int, int]:
    """Search ``women`` generated women (drawn with ``seed``) by full name and birth date through
    ``people.selectors.person_search`` as the bench director; returns (found in the first ``top``, searched). A
    result counts as her if it is her or a woman with the very same names and birth date."""
    from violeta.accounts.models import User
    from violeta.people.models import Person
    from violeta.people.selectors import person_search

    director = User.objects.get(email=staff_for_bench()["director"])
    ids = list(
        Person.objects.filter(
            gender="woman", birth_date__isnull=False, created_by__email__endswith="@bench.test"
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    found = 0
    for pk in random.Random(seed).sample(ids, min(women, len(ids))):
        her = Person.objects.get(pk=pk)
        same = (her.given_names, her.first_surname, her.second_surname, her.birth_date)
        results = person_search(director, f"{her.full_name} {her.birth_date:%d/%m/%Y}")[:top]
        if any((p.given_names, p.first_surname, p.second_surname, p.birth_date) == same for p in results):
            found += 1
    return found, min(women, len(ids))
