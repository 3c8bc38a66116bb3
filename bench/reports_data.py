"""Data for the statistics benchmarks (issue 18): a PostgreSQL database with a large institute's years of records.

By default 300,000 case files and 1,000,000 consultations from January 2020 to November 2026, and around them what
the indicators read: their women (colonias of Chihuahua, birth dates or an approximate age, a statistics consent
for about 70 %), staff by area and the case teams, violence incidents and aggressors, risk assessments, priority
changes, safety plans, protection orders, legal matters and their stages, referrals, MIA accounts with their
alerts, recipients and SMS, card applications, cards and their uses at the till, phone calls, courses with their
cohorts and enrolments, trainings with attendees, sessions, attendance and certificates, and campaigns. Sizes
other than the consultations scale with ``--cases``; ``SIZES`` says how.

Rows go in with ``COPY`` (psycopg), with their ids chosen here, so the whole database builds in minutes. It is
load, not behaviour: the services are bypassed, so there is no audit log and no timeline beyond the case events
the figures read. Derived columns are what the services write (``bench/scale_data.py``, tested against them in
``bench/tests``): the name index (``people.name_index``'s own functions) and ``name_normalized``, each
encrypted value encrypted for its row, card and referral token hashes (the models' keyed HMACs), folios and their
counters, a safe-contact row per person. Names are drawn by ``violeta.testing.names`` (realistic Mexican names).

Scales (``SCALES``, one table): the default (issue 18's statistics), ``--scale small`` and ``--scale state``
(issue 22: 1,000,000 people, 300,000 case files, 3,000,000 consultations, agendas for a year, the staff the
page benchmarks log in as — ``staff_for_bench()``). A ``--scale`` build ends by searching 20 of its women
through ``people.selectors.person_search`` as the director: each must be in the first 10.

Idempotent: a table ``bench_reports_built`` records what was built; a second run with the same sizes says so
and does nothing. ``--rebuild`` drops the database first. Never a shared test database: its own, by default
``violeta_bench_reports`` (``violeta_bench_small``, ``violeta_bench_state`` for the scales) on the PostgreSQL of
``DATABASE_URL`` (or 127.0.0.1:5432, user postgres).

    .venv/bin/python bench/reports_data.py                      # 300,000 cases, 1,000,000 consultations
    .venv/bin/python bench/reports_data.py --scale small        # 10,000 people, 3,000 cases: under a minute
    .venv/bin/python bench/reports_data.py --scale state        # 1,000,000 people, 300,000 cases
    .venv/bin/python bench/reports_data.py --cases 3000 --consultations 10000 --db violeta_bench_tiny

From another benchmark: ``from bench.reports_data import ensure; ensure()`` or ``ensure(scale="state")`` (before
``django.setup()``: it points ``DATABASE_URL`` at the benchmark's database, sets Django up and builds the data if
needed); then ``staff_for_bench()`` for the usernames (director, coordinators, the known professional).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_DB = "violeta_bench_reports"
SEED = 18
FIRST_DAY = date(2020, 1, 1)
LAST_DAY = date(2026, 11, 30)  # the data's "today": every event is on or before this day
NOW = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)

# Per case file (rounded): how many of each thing a case has, on average.
SIZES = {
    "people": 0.9,  # a tenth of the women came back with a second case file
    "team_members": 1.6,
    "aggressors": 0.95,
    "incidents": 1.1,
    "assessments": 0.8,
    "protection_orders": 0.08,
    "legal_matters": 0.2,
    "referrals": 0.25,
    "mia_accounts": 0.05,
    "alerts": 0.13,
    "card_applications": 0.17,
    "card_uses": 1.3,
    "calls": 1.0,
    "enrollments": 0.05,
    "attendees": 0.2,
    "appointments": 0,  # none by default (the statistics read none)
}

# Named scales (issue 22): one table. Each gives the case files and consultations and may fix any size of SIZES
# outright (instead of per case file); ``professionals`` is per area, ``db`` the database it builds by default.
SCALES = {
    "reports": {"db": DEFAULT_DB, "cases": 300_000, "consultations": 1_000_000},  # issue 18's default
    "state": {
        "db": "violeta_bench_state",
        "cases": 300_000,
        "consultations": 3_000_000,
        "people": 1_000_000,
        "alerts": 100_000,
        "card_applications": 250_000,  # 80 % delivered: about 200,000 cards
        "referrals": 50_000,
        "appointments": 240_000,  # a year: nine months past, three coming
        "professionals": 40,
    },
    "small": {
        "db": "violeta_bench_small",
        "cases": 3_000,
        "consultations": 30_000,
        "people": 10_000,
        "alerts": 1_000,
        "card_applications": 2_500,
        "referrals": 500,
        "appointments": 2_400,
        "professionals": 8,
    },
}
KNOWN_CASES = 300  # the active case files of the known professional (``staff_for_bench()["known"]``)


# --- The database ----------------------------------------------------------------------------------------------


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return url


def _psql(sql: str, db: str = "postgres") -> str:
    parts = urlsplit(_server_url())
    return subprocess.run(
        [
            "psql",
            "-h",
            parts.hostname or "127.0.0.1",
            "-p",
            str(parts.port or 5432),
            "-U",
            parts.username or "postgres",
            "-d",
            db,
            "-tAqc",
            sql,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def use_database(db: str = DEFAULT_DB, rebuild: bool = False) -> None:
    """Create ``db`` if it is missing (drop it first with ``rebuild``) and point ``DATABASE_URL`` at it."""
    if not db.startswith("violeta_bench"):
        raise SystemExit(f"refusing {db!r}: the benchmark's database name starts with violeta_bench")
    if rebuild:
        _psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    if not _psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'"):
        _psql(f'CREATE DATABASE "{db}"')
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(_server_url())._replace(path=f"/{db}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "violeta.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def ensure(
    db: str | None = None,
    cases: int | None = None,
    consultations: int | None = None,
    rebuild: bool = False,
    scale: str | None = None,
) -> str:
    """The benchmark's database with the data built (now or by an earlier run); Django set up. Returns what it did.

    ``scale``: a name of SCALES (its sizes and database). Sizes left out: whatever an earlier run built, else
    300,000 case files and 1,000,000 consultations."""
    sizes = dict(SCALES[scale]) if scale else {}
    db = db or sizes.pop("db", DEFAULT_DB)
    sizes.pop("db", None)
    cases, consultations = (
        cases or sizes.pop("cases", None),
        consultations or sizes.pop("consultations", None),
    )
    use_database(db, rebuild)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_reports_built (cases int, consultations int, seconds float)"
        )
        cursor.execute("SELECT cases, consultations, seconds FROM bench_reports_built")
        built = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM cases_consultation")
        existing = cursor.fetchone()[0]
    if built:
        if (cases or built[0], consultations or built[1]) != built[:2]:
            raise SystemExit(
                f"{db} holds {built[0]:,} cases and {built[1]:,} consultations, not the sizes asked: use --rebuild"
            )
        return f"{db}: already built ({built[0]:,} cases, {built[1]:,} consultations, in {built[2]:.0f} s); skipped"
    if existing:
        raise SystemExit(f"{db} holds a partial build ({existing:,} consultations): use --rebuild")
    cases, consultations = cases or 300_000, consultations or 1_000_000
    builder = Builder(connection, cases, consultations, sizes=sizes)
    builder.build()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_reports_built VALUES (%s, %s, %s)", [cases, consultations, seconds])
    counts = "\n".join(
        f"  {table:<40} {rows:>12,} rows {builder.copier.seconds.get(table, 0):>7.1f} s"
        for table, rows in sorted(builder.copier.counts.items())
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{counts}\n{db}: built {cases:,} cases and {consultations:,} consultations in {seconds:.0f} s"
        f" ({time.process_time():.0f} s of this process's CPU; load average now {load})"
    )


# --- COPY with defaults ------------------------------------------------------------------------------------------


class Sealed:
    """A value of an EncryptedTextField to encrypt per row, as the field does on save: its own nonce each time
    (``core.crypto.encrypt`` with the field's column as context), never one ciphertext shared by every row."""

    __slots__ = ("context", "text")

    def __init__(self, field, text: str):
        self.context, self.text = field._context(), text

    def encrypt(self) -> str:
        from violeta.core.crypto import encrypt

        return encrypt(self.text, context=self.context)


class Copier:
    """``COPY`` rows into a model's table. The caller gives some columns (attnames, ``id`` included); every other
    column gets the field's default, NULL, or "" (blank text), computed once; a required column without any of
    them is an error."""

    def __init__(self, connection):
        self.connection = connection
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def constant(self, field):
        from django.utils import timezone

        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = timezone.now()
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        elif type(field).__name__ == "EncryptedTextField":
            return Sealed(field, "—")  # encrypted for each row
        elif field.blank and field.get_internal_type() in (
            "CharField",
            "TextField",
            "SlugField",
            "EmailField",
        ):
            value = ""
        else:
            raise ValueError(f"{field.model.__name__}.{field.name} needs a value")
        return field.get_db_prep_save(value, self.connection)

    def sealed(self, model, name: str, text: str = "—") -> Sealed:
        """``text`` for ``model.name`` (an EncryptedTextField), encrypted by ``copy`` for each row on its own."""
        return Sealed(model._meta.get_field(name), text)

    def copy(self, model, given: list[str], rows: Iterable[tuple]) -> int:
        from django.db import models

        meta = model._meta
        fields = {f.attname: f for f in meta.concrete_fields}
        unknown = set(given) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no {unknown}")
        auto = (models.AutoField, models.BigAutoField, models.SmallAutoField)
        rest = [f for name, f in fields.items() if name not in given and not isinstance(f, auto)]
        constants = tuple(self.constant(f) for f in rest)
        columns = ", ".join(f'"{fields[name].column}"' for name in given) + "".join(
            f', "{f.column}"' for f in rest
        )
        n, started = 0, time.perf_counter()
        sealed = None  # the positions of the encrypted values, found on the first row
        self.connection.ensure_connection()
        with self.connection.connection.cursor() as cursor:
            with cursor.copy(f'COPY "{meta.db_table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    row += constants
                    if sealed is None:
                        sealed = [k for k, value in enumerate(row) if isinstance(value, Sealed)]
                    if sealed:
                        row = list(row)
                        for k in sealed:
                            row[k] = row[k].encrypt()
                    copy.write_row(row)
                    n += 1
            if "id" in given and meta.pk.attname == "id":
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{meta.db_table}\"', 'id'), "
                    f'(SELECT max(id) FROM "{meta.db_table}"))'
                )
        self.connection.connection.commit()
        self.counts[meta.db_table] = self.counts.get(meta.db_table, 0) + n
        self.seconds[meta.db_table] = self.seconds.get(meta.db_table, 0) + time.perf_counter() - started
        return n


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _token(*parts) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


# --- The institute's records -----------------------------------------------------------------------------------


def _weighted(rng: random.Random, choices: dict, k: int) -> list:
    return rng.choices(list(choices), weights=list(choices.values()), k=k)


def staff_for_bench() -> dict:
    """Usernames by role of the bench staff of the database Django points at (see ``scale_data.staff_for_bench``)."""
    from bench.scale_data import staff_for_bench as recorded

    return recorded()


class Builder:
    def __init__(
        self, connection, cases: int, consultations: int, seed: int = SEED, sizes: dict | None = None
    ):
        self.copier = Copier(connection)
        self.rng = random.Random(seed)
        self.n_cases = cases
        self.n_consultations = consultations
        self.size = {name: round(per_case * cases) for name, per_case in SIZES.items()}
        self.size.update(sizes or {})
        self.size = {name: max(1, n) if SIZES.get(name) else n for name, n in self.size.items()}
        self.size.setdefault("professionals", 8)

    def log(self, what: str, started: float) -> None:
        sys.stderr.write(f"  {what} ({time.perf_counter() - started:.1f} s)\n")
        sys.stderr.flush()

    def build(self) -> None:
        for step in (
            self.staff,
            self.people,
            self.consents,
            self.case_files,
            self.consultations,
            self.violence,
            self.risk,
            self.protection,
            self.legal,
            self.referrals,
            self.mia,
            self.cards,
            self.calls,
            self.programs,
            self.appointments,
            self.follow_up_state,
        ):
            started = time.perf_counter()
            step()
            self.log(step.__name__, started)

    def follow_up_state(self) -> None:
        """What each case's follow-up goes by ("Mis pendientes"), derived by the application's own code from the
        consultations, assessments and priority flags written above (``violence.followups.refresh``)."""
        from violeta.cases.models import Case
        from violeta.violence import followups

        followups.refresh(Case.objects.values_list("pk", flat=True))

    # A moment between two others, as an aware datetime in office-ish hours.
    def moment(self, first: datetime, last: datetime) -> datetime:
        span = max(0.0, (last - first).total_seconds())
        return first + timedelta(seconds=self.rng.random() * span)

    def day_time(self, day: date) -> datetime:
        """A moment on ``day`` in office hours (8:00–19:00 Chihuahua, UTC−6), as UTC."""
        minutes = self.rng.randint(8 * 60, 19 * 60 - 1)
        return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minutes + 6 * 60)

    def opening_day(self) -> date:
        """Case files open more each year: the density grows linearly, twice as many in 2026 as in 2020."""
        span = (LAST_DAY - FIRST_DAY).days
        u = self.rng.random()
        # Inverse of the CDF of a density proportional to 1 + x on [0, 1].
        x = (-1 + (1 + 3 * u) ** 0.5) / 1
        return FIRST_DAY + timedelta(days=int(x * span))

    # --- Staff -----------------------------------------------------------------------------------------------

    def staff(self) -> None:
        from django.contrib.auth.hashers import make_password

        from bench import scale_data
        from violeta.accounts.models import Area, Role, User

        areas = list(Area.objects.filter(is_active=True).order_by("pk"))
        role_of = {"juridica": Role.LEGAL, "psicologia": Role.PSYCHOLOGY, "trabajo-social": Role.SOCIAL_WORK}
        users = [User(email="directora@bench.test", full_name="Directora Bench", role=Role.DIRECTOR)]
        for area in areas:
            role = role_of.get(area.code, Role.SOCIAL_WORK)
            users.append(
                User(
                    email=f"coord-{area.code}@bench.test",
                    full_name=f"Coordinadora {area.name}",
                    role=Role.COORDINATOR,
                    area=area,
                )
            )
            users += [
                User(email=f"{area.code}-{i}@bench.test", full_name=f"{area.name} {i}", role=role, area=area)
                for i in range(self.size["professionals"])
            ]
        users += [
            User(email=f"recepcion-{i}@bench.test", full_name=f"Recepción {i}", role=Role.RECEPTION)
            for i in range(4)
        ]
        users += [
            User(email=f"monitor-{i}@bench.test", full_name=f"Monitora {i}", role=Role.ALERT_MONITOR)
            for i in range(4)
        ]
        users += [
            User(email=f"tarjeta-{i}@bench.test", full_name=f"Tarjeta {i}", role=Role.CARD_OFFICE)
            for i in range(2)
        ]
        users += [
            User(email=f"capacitadora-{i}@bench.test", full_name=f"Capacitadora {i}", role=Role.TRAINER)
            for i in range(4)
        ]
        users += [
            User(email=f"comercio-{i}@bench.test", full_name=f"Comercio {i}", role=Role.MERCHANT)
            for i in range(4)
        ]
        password = make_password(scale_data.PASSWORD)  # hashed once: every bench account logs in with it
        for user in users:
            user.password = password
            # No second factor: the enrolment grace (accounts.mfa) must not end while the data is in use.
            user.mfa_grace_until = scale_data.MFA_GRACE_UNTIL
        User.objects.bulk_create(users)
        users = list(User.objects.filter(email__endswith="@bench.test").order_by("pk"))
        self.areas = [a.pk for a in areas]
        self.user_area = {u.pk: u.area_id for u in users if u.area_id}
        # The known professional (the first of psychology, else of the first area) gets her case files by hand
        # (``known_cases``): she is left out of the random teams.
        known_area = next((a.pk for a in areas if a.code == "psicologia"), self.areas[0])
        self.known = next(u.pk for u in users if u.area_id == known_area and u.role != Role.COORDINATOR)
        self.area_staff = {
            a.pk: [u.pk for u in users if u.area_id == a.pk and u.pk != self.known] for a in areas
        }
        self.professionals = [u.pk for u in users if u.area_id and u.role != Role.COORDINATOR]
        scale_data.record_staff(users, self.known)
        self.reception = [u.pk for u in users if u.role == Role.RECEPTION]
        self.monitors = [u.pk for u in users if u.role == Role.ALERT_MONITOR]
        self.card_office = [u.pk for u in users if u.role == Role.CARD_OFFICE]
        self.trainers = [u.pk for u in users if u.role == Role.TRAINER]
        self.merchant_users = [u.pk for u in users if u.role == Role.MERCHANT]
        self.director = users[0].pk
        self.legal_staff = self.area_staff.get(next((a.pk for a in areas if a.code == "juridica"), -1)) or [
            self.director
        ]

    # --- People and consents -----------------------------------------------------------------------------------

    def people(self) -> None:
        from bench import scale_data
        from violeta.people.models import Neighborhood, Person, SafeContactPreference
        from violeta.testing import names

        rng = self.rng
        colonias = list(
            Neighborhood.objects.filter(municipality="Chihuahua").order_by("pk").values_list("pk", flat=True)
        )
        colonias = colonias or list(Neighborhood.objects.order_by("pk").values_list("pk", flat=True))
        # A few colonias are where most women live (a Zipf-like weight by a shuffled rank).
        ranks = list(range(1, len(colonias) + 1))
        rng.shuffle(ranks)
        self.colonias = colonias
        self.colonia_weights = [1 / r**0.8 for r in ranks]
        n = self.size["people"]
        self.first_person = next_id(Person)
        self.person_ids = range(self.first_person, self.first_person + n)
        # Her first case file opens on her registration day; days drawn now, sorted so ids follow time.
        self.person_day = sorted(self.opening_day() for _ in range(n))
        self.person_colonia = rng.choices(colonias, weights=self.colonia_weights, k=n)
        self.person_birth = []
        self.person_names = []
        address = self.copier.sealed(Person, "address", "Calle Bench 123")

        def rows():
            for i, pk in enumerate(self.person_ids):
                day = self.person_day[i]
                age = max(13, min(85, int(rng.gauss(35, 12))))
                kind = rng.random()
                birth = approx = recorded = None
                if kind < 0.85:
                    birth = day - timedelta(days=age * 365 + rng.randint(0, 364))
                elif kind < 0.95:
                    approx, recorded = age, day
                self.person_birth.append(birth)
                drawn = names.person(
                    rng
                )  # realistic Mexican names (and some men: children, others in a case)
                g, f, s = drawn.given_names, drawn.first_surname, drawn.second_surname
                self.person_names.append((g, f, s))
                colonia = self.person_colonia[i] if rng.random() < 0.93 else None
                curp = f"BNCH{pk:010d}MCHR" if rng.random() < 0.6 else None
                yield (
                    pk,
                    g,
                    f,
                    s,
                    birth,
                    approx,
                    recorded,
                    "woman" if drawn.sex == "M" else "man",
                    curp,
                    address,
                    colonia,
                    scale_data.name_normalized(g, f, s),
                    self.day_time(day),
                    rng.choice(self.reception),
                )

        self.copier.copy(
            Person,
            [
                "id",
                "given_names",
                "first_surname",
                "second_surname",
                "birth_date",
                "approximate_age",
                "age_recorded_on",
                "gender",
                "curp",
                "address",
                "neighborhood_id",
                "name_normalized",
                "created_at",
                "created_by_id",
            ],
            rows(),
        )
        # What person_create writes with her: the words of her name (and their pairs), and her safe-contact row.
        started = time.perf_counter()
        scale_data.index_names(self.copier, self.first_person, self.person_names)
        self.log("name index", started)
        self.copier.copy(SafeContactPreference, ["person_id"], ((pk,) for pk in self.person_ids))

    def consents(self) -> None:
        """Privacy notice and care for every woman; statistics asked of 85 %, granted by 85 % of them, and of
        those, 4 % later revoked it and 2 % later refused it in a new consent (the latest decides)."""
        from violeta.people.models import Consent, ConsentPurpose

        rng = self.rng
        start = next_id(Consent)
        self.care_consent = {}
        self.statistics_ok = set()

        def rows():
            pk = start
            for i, person in enumerate(self.person_ids):
                day = self.person_day[i]
                by = rng.choice(self.reception)
                at = self.day_time(day)
                yield (pk, person, ConsentPurpose.PRIVACY_NOTICE.value, True, day, None, by, at)
                pk += 1
                self.care_consent[person] = pk
                yield (pk, person, ConsentPurpose.CARE.value, True, day, None, by, at)
                pk += 1
                if rng.random() < 0.85:
                    granted = rng.random() < 0.85
                    later = rng.random()
                    revoked = None
                    if granted and later < 0.04:
                        revoked = self.moment(at, NOW)
                    yield (pk, person, ConsentPurpose.STATISTICS.value, granted, day, revoked, by, at)
                    pk += 1
                    if granted and 0.04 <= later < 0.06:
                        refused_on = (self.moment(at, NOW)).date()
                        yield (pk, person, ConsentPurpose.STATISTICS.value, False, refused_on, None, by, at)
                        pk += 1
                    elif granted and revoked is None:
                        self.statistics_ok.add(person)

        self.copier.copy(
            Consent,
            [
                "id",
                "person_id",
                "purpose",
                "granted",
                "given_on",
                "revoked_at",
                "recorded_by_id",
                "recorded_at",
            ],
            rows(),
        )

    # --- Case files and consultations --------------------------------------------------------------------------

    def case_files(self) -> None:
        from bench import scale_data
        from violeta.cases.models import Case, CaseEvent, CaseParty, CaseTeamMember, CloseReason

        rng = self.rng
        n = self.n_cases
        # Her first case file opens the day she registered; the rest (returning women) later. Nine in ten case
        # files are a woman's first; their holders are spread evenly over the people (registered in time order),
        # the others (her children, women met by phone, at a course or for the card) hold none.
        firsts = min(len(self.person_ids), round(SIZES["people"] * n))
        spread = [k * len(self.person_ids) // firsts for k in range(firsts)]
        holders = spread + [rng.choice(spread) for _ in range(n - firsts)]
        people = firsts
        self.case_active = []
        with_active = set()
        folios = scale_data.case_folios()
        self.first_case = next_id(Case)
        self.case_ids = range(self.first_case, self.first_case + n)
        self.case_holder, self.case_opened, self.case_closed, self.case_team, self.case_priority = (
            [],
            [],
            [],
            [],
            [],
        )
        reason = self.copier.sealed(Case, "reason", "Motivo de la atención")
        channels = {"own": 45, "phone": 20, "referred": 20, "company": 5, "mia": 3, "other": 7}
        closes = [c.value for c in CloseReason]
        events = []

        def rows():
            for i, pk in enumerate(self.case_ids):
                h = holders[i]
                first_day = self.person_day[h]
                day = (
                    first_day
                    if i < people
                    else first_day + timedelta(days=rng.randint(30, max(31, (LAST_DAY - first_day).days)))
                )
                day = min(day, LAST_DAY)
                opened = self.day_time(day)
                age = (LAST_DAY - day).days
                closed = None
                # One active case file per woman (case_open refuses a second): a returning woman's earlier one
                # may still be active, then this one is closed.
                if rng.random() < (0.95 if age > 365 else 0.6 * age / 365) or holders[i] in with_active:
                    closed = min(opened + timedelta(days=rng.expovariate(1 / 120)), NOW)
                else:
                    with_active.add(holders[i])
                status = "closed" if closed else rng.choice(["open", "open", "follow_up", "reopened"])
                self.case_active.append(closed is None)
                priority = rng.random() < 0.07
                area = rng.choice(self.areas)
                team = [rng.choice(self.area_staff[area])]
                if rng.random() < 0.5:
                    other = rng.choice(self.areas)
                    member = rng.choice(self.area_staff[other])
                    if member not in team:
                        team.append(member)
                self.case_holder.append(self.first_person + h)
                self.case_opened.append(opened)
                self.case_closed.append(closed)
                self.case_team.append(team)
                self.case_priority.append(priority)
                # The timeline lines the figures read: opened, closed, reopened (a closing before a reopening).
                by = team[0]
                events.append((pk, opened, "opened", by))
                if status == "reopened" or (closed and rng.random() < 0.1):
                    earlier = self.moment(opened, closed or NOW)
                    again = self.moment(earlier, closed or NOW)
                    events.extend([(pk, earlier, "closed", by), (pk, again, "reopened", by)])
                if closed:
                    events.append((pk, closed, "closed", by))
                yield (
                    pk,
                    folios.next(opened),
                    status,
                    self.first_person + h,
                    _weighted(rng, channels, 1)[0],
                    reason,
                    priority,
                    "Evaluación de riesgo" if priority else "",
                    self.moment(opened, closed or NOW) if priority else None,
                    opened,
                    rng.choice(self.reception),
                    closed,
                    rng.choice(closes) if closed else "",
                    rng.random() < 0.005,
                )

        self.copier.copy(
            Case,
            [
                "id",
                "folio",
                "status",
                "holder_id",
                "arrival_channel",
                "reason",
                "is_priority",
                "priority_reason",
                "priority_since",
                "opened_at",
                "opened_by_id",
                "closed_at",
                "close_reason",
                "is_internal_protocol",
            ],
            rows(),
        )
        folios.save()
        self.copier.copy(CaseEvent, ["case_id", "at", "kind", "actor_id"], iter(events))
        self.known_cases()
        self.copier.copy(
            CaseParty,
            ["case_id", "person_id", "relation", "added_at"],
            ((pk, self.case_holder[i], "holder", self.case_opened[i]) for i, pk in enumerate(self.case_ids)),
        )
        user_area = self.user_area

        def members():
            for i, pk in enumerate(self.case_ids):
                for user in self.case_team[i]:
                    yield (pk, user, user_area[user], self.case_opened[i], self.case_team[i][0])

        self.copier.copy(
            CaseTeamMember, ["case_id", "user_id", "area_id", "added_at", "added_by_id"], members()
        )

    def known_cases(self) -> None:
        """The known professional is on the team of exactly KNOWN_CASES active case files (and of a few closed
        ones, her history), drawn at random among all of them."""
        active = [i for i, a in enumerate(self.case_active) if a]
        closed = [i for i, a in enumerate(self.case_active) if not a]
        if len(active) < KNOWN_CASES:
            raise SystemExit(f"only {len(active)} active case files: too few for the known professional")
        for i in self.rng.sample(active, KNOWN_CASES) + self.rng.sample(closed, min(len(closed), 50)):
            self.case_team[i].append(self.known)

    def consultations(self) -> None:
        """Every case file but 3 % has a first consultation within a month of opening (60 % the same day); the
        remaining consultations fall on random case files, after the opening (exponentially, a mean of 90 days)
        and before the closing (or today): a month's volume grows with the institute, not piled on the last."""
        from violeta.cases.models import Consultation

        rng = self.rng
        n = self.n_cases
        with_first = [i for i in range(n) if rng.random() < 0.97]
        # Follow-ups thin out after the opening (a mean of 90 days). One that would fall after the closing, or
        # after today (a recent case's future), goes to another case file: the total stays as asked.
        extra = []
        while len(extra) < self.n_consultations - len(with_first):
            i = rng.randrange(n)
            at = self.case_opened[i] + timedelta(days=rng.expovariate(1 / 90))
            if at <= (self.case_closed[i] or NOW):
                extra.append((i, at))
        extra.sort()
        user_area = self.user_area
        modalities = {"in_person": 70, "phone": 18, "video": 7, "company": 5}
        summary = self.copier.sealed(Consultation, "summary", "Resumen de la consulta")
        self.consulted = with_first

        def rows():
            for i, at in [(i, None) for i in with_first] + extra:
                opened = self.case_opened[i]
                if at is None:  # her first consultation
                    at = opened + (timedelta(0) if rng.random() < 0.6 else timedelta(days=rng.randint(1, 30)))
                    at = min(at, NOW)
                user = rng.choice(self.case_team[i])
                yield (
                    self.first_case + i,
                    user_area[user],
                    _weighted(rng, modalities, 1)[0],
                    at,
                    rng.choice((30, 45, 60, 60, 90)),
                    summary,
                    user,
                    at,
                )

        self.copier.copy(
            Consultation,
            [
                "case_id",
                "area_id",
                "modality",
                "started_at",
                "duration_minutes",
                "summary",
                "attended_by_id",
                "created_at",
            ],
            rows(),
        )

    # --- Violence, risk, protection --------------------------------------------------------------------------

    def violence(self) -> None:
        from violeta.violence.models import Aggressor, ViolenceIncident

        rng = self.rng
        n = self.n_cases
        relationships = {
            "partner": 35,
            "ex_partner": 25,
            "boyfriend": 6,
            "ex_boyfriend": 5,
            "father": 4,
            "child": 3,
            "sibling": 3,
            "relative": 5,
            "in_law": 3,
            "boss": 3,
            "acquaintance": 4,
            "stranger": 3,
            "other": 1,
        }
        yes_no = {"yes": 25, "no": 45, "unknown": 30}
        first_aggressor = next_id(Aggressor)
        case_aggressor = {}
        alias = self.copier.sealed(Aggressor, "alias", "Alias")

        def aggressors():
            pk = first_aggressor
            for i in range(n):
                if rng.random() >= SIZES["aggressors"]:
                    continue
                case_aggressor[i] = pk
                yield (
                    pk,
                    self.first_case + i,
                    alias,
                    _weighted(rng, relationships, 1)[0],
                    "man",
                    rng.choice(["18_29", "30_44", "30_44", "45_59", "unknown"]),
                    *_weighted(rng, yes_no, 5),
                    rng.choice(self.case_team[i]),
                    self.case_opened[i],
                )
                pk += 1

        self.copier.copy(
            Aggressor,
            [
                "id",
                "case_id",
                "alias",
                "relationship",
                "sex",
                "age_range",
                "lives_with_her",
                "weapons_access",
                "substance_use",
                "violent_to_others",
                "organised_crime",
                "recorded_by_id",
                "recorded_at",
            ],
            aggressors(),
        )
        from psycopg.types.json import Jsonb

        types = ["psychological", "physical", "patrimonial", "economic", "sexual", "vicarious", "other"]
        type_weights = [90, 55, 20, 30, 15, 5, 2]
        modalities = {
            "family": 75,
            "work_school": 6,
            "community": 12,
            "institutional": 2,
            "political": 1,
            "digital": 3,
            "femicidal": 1,
        }
        places = ["shared_home", "her_home", "aggressor_home", "street", "workplace", "online"]
        first_incident = next_id(ViolenceIncident)
        links = []
        description = self.copier.sealed(ViolenceIncident, "narrative", "Lo que ocurrió")
        cases = sorted(rng.sample(range(n), k=min(n, int(0.9 * n))) + rng.choices(range(n), k=int(0.2 * n)))

        def incidents():
            for pk, i in enumerate(cases, start=first_incident):
                opened = self.case_opened[i]
                occurred = (opened - timedelta(days=int(rng.expovariate(1 / 60)))).date()
                chosen = sorted(set(rng.choices(types, weights=type_weights, k=rng.randint(1, 3))))
                if i in case_aggressor:
                    links.append((pk, case_aggressor[i]))
                colonia = self.person_colonia[self.case_holder[i] - self.first_person]
                recorded = self.moment(opened, min(opened + timedelta(days=20), NOW))
                yield (
                    pk,
                    self.first_case + i,
                    occurred,
                    "exact",
                    colonia,
                    rng.choice(places),
                    Jsonb(chosen),
                    _weighted(rng, modalities, 1)[0],
                    description,
                    rng.choice(self.case_team[i]),
                    recorded,
                )

        self.copier.copy(
            ViolenceIncident,
            [
                "id",
                "case_id",
                "occurred_on",
                "date_precision",
                "neighborhood_id",
                "place_kind",
                "types",
                "modality",
                "narrative",
                "recorded_by_id",
                "recorded_at",
            ],
            incidents(),
        )
        through = ViolenceIncident.aggressors.through
        names = [f.attname for f in through._meta.concrete_fields if not f.primary_key]
        self.copier.copy(through, names, iter(links))

    def risk(self) -> None:
        """Assessments for 60 % of the case files, some assessed again later; priority marks follow them."""
        from violeta.cases.models import Case
        from violeta.violence.models import PriorityChange, RiskAssessment, RiskInstrument, SafetyPlan

        rng = self.rng
        instrument = RiskInstrument.objects.filter(is_default=True).first() or RiskInstrument.objects.first()
        levels = [level["code"] for level in instrument.levels]
        level_weights = [45, 35, 20, 10][: len(levels)] + [5] * max(0, len(levels) - 4)
        high = {level["code"] for level in instrument.levels if level.get("alarm")} or set(levels[-1:])
        first = next_id(RiskAssessment)
        self.latest_level = {}
        assessed = sorted(rng.sample(range(self.n_cases), k=int(0.6 * self.n_cases)))
        repeats = set(rng.sample(assessed, k=int(0.3 * len(assessed))))
        marks = []

        def rows():
            pk = first
            for i in assessed:
                opened = self.case_opened[i]
                times = [self.moment(opened, min(opened + timedelta(days=30), NOW))]
                if i in repeats:
                    times += sorted(
                        self.moment(times[0], self.case_closed[i] or NOW) for _ in range(rng.randint(1, 2))
                    )
                level = _weighted(rng, dict(zip(levels, level_weights, strict=True)), 1)[0]
                for at in times:
                    if at is not times[0]:  # a later assessment moves a step at most
                        step = rng.choice((-1, 0, 0, 1))
                        level = levels[max(0, min(len(levels) - 1, levels.index(level) + step))]
                    band = instrument.levels[levels.index(level)]
                    score = rng.randint(band.get("min", 0), band.get("max", band.get("min", 0)))
                    yield (
                        pk,
                        self.first_case + i,
                        instrument.pk,
                        score,
                        40,
                        level,
                        level,
                        level in high,
                        rng.choice(self.case_team[i]),
                        at,
                    )
                    if level in high and self.case_priority[i]:
                        marks.append(
                            (
                                self.first_case + i,
                                "marked",
                                "assessment",
                                pk,
                                rng.choice(self.case_team[i]),
                                at,
                            )
                        )
                    pk += 1
                self.latest_level[i] = level

        self.copier.copy(
            RiskAssessment,
            [
                "id",
                "case_id",
                "instrument_id",
                "score",
                "max_possible",
                "computed_level",
                "final_level",
                "is_alarm",
                "assessed_by_id",
                "assessed_at",
            ],
            rows(),
        )
        reason = self.copier.sealed(PriorityChange, "reason", "Nivel alto")
        marked = {m[0] for m in marks}
        for i, priority in enumerate(self.case_priority):
            if priority and self.first_case + i not in marked:
                at = self.moment(self.case_opened[i], self.case_closed[i] or NOW)
                marks.append(
                    (self.first_case + i, "marked", "judgement", None, rng.choice(self.case_team[i]), at)
                )
        lifted = [
            (case, "lifted", "judgement", None, by, self.moment(at, NOW))
            for case, _a, _s, _as, by, at in rng.sample(marks, k=len(marks) // 5)
        ]
        self.copier.copy(
            PriorityChange,
            ["case_id", "action", "source", "assessment_id", "reason", "changed_by_id", "changed_at"],
            ((*m[:4], reason, *m[4:]) for m in sorted(marks + lifted, key=lambda m: m[-1])),
        )
        del Case
        plan = self.copier.sealed(SafetyPlan, "safe_places", "Casa de su hermana")

        def plans():
            for i, level in self.latest_level.items():
                if rng.random() < (0.6 if level in high else 0.08):
                    at = self.moment(self.case_opened[i], min(self.case_opened[i] + timedelta(days=45), NOW))
                    yield (
                        self.first_case + i,
                        plan,
                        rng.random() < 0.5,
                        rng.random() < 0.3,
                        rng.choice(self.case_team[i]),
                        at,
                        at,
                    )

        self.copier.copy(
            SafetyPlan,
            [
                "case_id",
                "safe_places",
                "documents_ready",
                "money_ready",
                "updated_by_id",
                "updated_at",
                "created_at",
            ],
            plans(),
        )

    def protection(self) -> None:
        from violeta.violence.models import ProtectionOrder

        rng = self.rng
        measures = self.copier.sealed(ProtectionOrder, "measures", "Prohibición de acercarse")

        def rows():
            for i in sorted(rng.sample(range(self.n_cases), k=self.size["protection_orders"])):
                requested = self.moment(
                    self.case_opened[i], min(self.case_opened[i] + timedelta(days=60), NOW)
                )
                status = _weighted(rng, {"granted": 70, "requested": 10, "denied": 15, "revoked": 5}, 1)[0]
                granted = expires = extended = None
                if status in ("granted", "revoked"):
                    granted = requested.date() + timedelta(days=rng.randint(0, 5))
                    expires = granted + timedelta(days=60)
                    if rng.random() < 0.2:
                        extended = expires + timedelta(days=30)
                yield (
                    self.first_case + i,
                    rng.choice(["administrative", "judicial"]),
                    "Fiscalía",
                    measures,
                    status,
                    requested.date(),
                    granted,
                    expires,
                    extended,
                    rng.choice(self.legal_staff),
                    requested,
                    requested,
                )

        self.copier.copy(
            ProtectionOrder,
            [
                "case_id",
                "kind",
                "authority",
                "measures",
                "status",
                "requested_on",
                "granted_on",
                "expires_on",
                "extended_until",
                "recorded_by_id",
                "recorded_at",
                "updated_at",
            ],
            rows(),
        )

    def legal(self) -> None:
        from violeta.legal.models import LegalMatter, MatterKind, MatterStage, MatterStageChange

        rng = self.rng
        kinds = [k.value for k in MatterKind]
        stages = [s.value for s in MatterStage]
        first = next_id(LegalMatter)
        changes = []

        def rows():
            for pk, i in enumerate(
                sorted(rng.sample(range(self.n_cases), k=self.size["legal_matters"])), start=first
            ):
                opened = self.moment(self.case_opened[i], min(self.case_opened[i] + timedelta(days=90), NOW))
                path = stages[: rng.randint(1, len(stages) - 1)]
                if rng.random() < 0.1:
                    path = [*path[:2], "withdrawn"]
                at = opened
                for stage in path:
                    changes.append((pk, stage, at, rng.choice(self.legal_staff)))
                    at = min(at + timedelta(days=rng.expovariate(1 / 60)), NOW)
                yield (
                    pk,
                    self.first_case + i,
                    rng.choice(kinds),
                    rng.choice(self.legal_staff),
                    path[-1],
                    opened,
                    rng.choice(self.legal_staff),
                )

        self.copier.copy(
            LegalMatter,
            ["id", "case_id", "kind", "responsible_id", "stage", "opened_at", "opened_by_id"],
            rows(),
        )
        self.copier.copy(MatterStageChange, ["matter_id", "stage", "at", "by_id"], iter(changes))

    def referrals(self) -> None:
        from bench import scale_data
        from violeta.core.tokens import token_hash
        from violeta.referrals.models import Institution, Referral

        rng = self.rng
        institutions = list(Institution.objects.values_list("pk", flat=True)) or [
            Institution.objects.create(
                code=f"inst-{k}", name=f"Institución {k}", short_name=f"I{k}", kind="other"
            ).pk
            for k in range(12)
        ]
        weights = [1 / (r + 1) for r in range(len(institutions))]
        statuses = {
            "attended": 45,
            "in_attention": 10,
            "received": 8,
            "sent": 10,
            "rejected": 5,
            "closed_no_contact": 12,
            "cancelled": 3,
            "draft": 2,
        }
        outcomes = ["service_given", "ongoing", "referred_on", "declined", "not_applicable"]
        first = next_id(Referral)
        folios = scale_data.referral_folios()

        def rows():
            for pk, i in enumerate(
                sorted(rng.sample(range(self.n_cases), k=self.size["referrals"])), start=first
            ):
                created = self.moment(
                    self.case_opened[i], min(self.case_opened[i] + timedelta(days=120), NOW)
                )
                status = _weighted(rng, statuses, 1)[0]
                sent = due = answered = closed = None
                outcome = ""
                if status not in ("draft", "cancelled"):
                    sent = created + timedelta(hours=rng.randint(0, 48))
                    due = sent + timedelta(days=5)
                    if status != "sent":
                        answered = min(sent + timedelta(days=rng.expovariate(1 / 6)), NOW)
                    if status in ("attended", "rejected", "closed_no_contact"):
                        closed = min(answered + timedelta(days=rng.randint(1, 60)), NOW)
                        outcome = rng.choice(outcomes) if status == "attended" else ""
                person = self.case_holder[i]
                folio = folios.next(created)
                yield (
                    pk,
                    folio,
                    self.first_case + i,
                    person,
                    rng.choices(institutions, weights)[0],
                    rng.choice(["ordinary", "ordinary", "priority", "urgent"]),
                    status,
                    self.care_consent[person],
                    rng.choice(self.case_team[i]),
                    created,
                    sent,
                    due,
                    answered,
                    closed,
                    outcome,
                    token_hash(Referral(folio=folio).verify_token),  # as Referral.save derives it
                )

        self.copier.copy(
            Referral,
            [
                "id",
                "folio",
                "case_id",
                "person_id",
                "institution_id",
                "urgency",
                "status",
                "consent_id",
                "created_by_id",
                "created_at",
                "sent_at",
                "due_at",
                "answered_at",
                "closed_at",
                "outcome",
                "verify_token_hash",
            ],
            rows(),
        )
        folios.save()

    # --- MIA -----------------------------------------------------------------------------------------------------

    def mia(self) -> None:
        from violeta.alerts.models import Alert, AlertMessage, AlertRecipient, EmergencyContact, MiaAccount
        from violeta.messaging.models import Message

        rng = self.rng
        n_accounts = self.size["mia_accounts"]
        first_account = next_id(MiaAccount)
        account_case = {}

        def accounts():
            for k in range(n_accounts):
                pk = first_account + k
                i = rng.randrange(self.n_cases)
                linked = rng.random() < 0.6
                if linked:
                    account_case[pk] = i
                created = self.moment(self.case_opened[i], min(self.case_opened[i] + timedelta(days=30), NOW))
                yield (
                    pk,
                    f"+52614{pk:07d}",
                    "Yo",
                    "!",
                    self.case_holder[i] if linked else None,
                    created if linked else None,
                    created,
                )

        self.copier.copy(
            MiaAccount,
            ["id", "phone", "display_name", "pin_hash", "person_id", "linked_at", "created_at"],
            accounts(),
        )
        first_contact = next_id(EmergencyContact)
        self.copier.copy(
            EmergencyContact,
            ["id", "account_id", "name", "phone", "confirm_token_hash", "confirmed_at"],
            (
                (
                    first_contact + 2 * k + c,
                    first_account + k,
                    f"Contacto {c}",
                    f"+52656{2 * k + c:07d}",
                    _token("contact", k, c),
                    NOW - timedelta(days=400),
                )
                for k in range(n_accounts)
                for c in range(2)
            ),
        )
        first_alert = next_id(Alert)
        first_recipient = next_id(AlertRecipient)
        first_message = next_id(Message)
        recipients, messages, alert_links = [], [], []
        outcomes = {
            "false_alarm": 45,
            "helped_by_contact": 20,
            "police_attended": 10,
            "staff_contacted": 15,
            "unreachable": 5,
            "other": 5,
        }

        def alerts():
            for k in range(self.size["alerts"]):
                pk = first_alert + k
                account = first_account + rng.randrange(n_accounts)
                started = datetime.combine(self.opening_day(), datetime.min.time(), UTC) + timedelta(
                    seconds=rng.randrange(86400)
                )
                ended = started + timedelta(minutes=rng.randint(1, 90))
                cancelled = rng.random() < 0.3
                escalated = started + timedelta(minutes=2) if rng.random() < 0.12 else None
                case = account_case.get(account)
                for c in range(2):
                    rid = first_recipient + 2 * k + c
                    ack = started + timedelta(seconds=rng.randint(20, 600)) if rng.random() < 0.7 else None
                    recipients.append(
                        (
                            rid,
                            pk,
                            first_contact + 2 * (account - first_account) + c,
                            _token("rcpt", rid),
                            ack,
                            "link" if ack else "",
                        )
                    )
                    mid = first_message + 2 * k + c
                    sent = started + timedelta(seconds=rng.uniform(0.5, 8))
                    messages.append(
                        (mid, "alert", "+526560000000", "delivered", 1, started, started, sent, sent)
                    )
                    alert_links.append((mid, pk, rid))
                yield (
                    pk,
                    uuid.UUID(int=rng.getrandbits(128)),
                    f"c{pk}",
                    account,
                    "cancelled" if cancelled else "closed",
                    rng.random() < 0.03,
                    started,
                    ended,
                    escalated,
                    "no_ack" if escalated else "",
                    "" if cancelled else _weighted(rng, outcomes, 1)[0],
                    None if cancelled else rng.choice(self.monitors),
                    self.first_case + case if case is not None else None,
                )

        self.copier.copy(
            Alert,
            [
                "id",
                "public_id",
                "client_id",
                "account_id",
                "status",
                "is_duress",
                "started_at",
                "ended_at",
                "escalated_at",
                "escalation_reason",
                "outcome",
                "closed_by_id",
                "case_id",
            ],
            alerts(),
        )
        self.copier.copy(
            AlertRecipient,
            ["id", "alert_id", "contact_id", "token_hash", "acknowledged_at", "acknowledged_via"],
            iter(recipients),
        )
        self.copier.copy(
            Message,
            [
                "id",
                "kind",
                "to_phone",
                "status",
                "attempt",
                "next_attempt_at",
                "created_at",
                "sent_at",
                "delivered_at",
            ],
            iter(messages),
        )
        self.copier.copy(AlertMessage, ["message_id", "alert_id", "recipient_id"], iter(alert_links))

    # --- The card --------------------------------------------------------------------------------------------

    def cards(self) -> None:
        from violeta.card.models import Branch, Card, CardApplication, CardUse, Merchant, MerchantCategory
        from violeta.card.numbers import luhn_check_digit
        from violeta.core.tokens import token_hash

        rng = self.rng
        categories = list(MerchantCategory.objects.values_list("pk", flat=True)) or [
            MerchantCategory.objects.create(code=f"cat-{k}", name=f"Categoría {k}").pk for k in range(8)
        ]
        merchants = Merchant.objects.bulk_create(
            Merchant(
                name=f"Comercio {k}",
                category_id=rng.choice(categories),
                discount="10%",
                agreement_start=FIRST_DAY,
                status="active",
            )
            for k in range(200)
        )
        branches = Branch.objects.bulk_create(
            Branch(merchant=m, name="Matriz", address="Calle 2", neighborhood_id=rng.choice(self.colonias))
            for m in merchants
        )
        first_app = next_id(CardApplication)
        first_card = next_id(Card)
        n = self.size["card_applications"]
        issued = []

        # Women with a case file who applied: each once (one open application per CURP).
        applicants = rng.sample(range(len(self.person_ids)), k=min(len(self.person_ids), n // 2 + 1))

        def applications():
            for k in range(n):
                pk = first_app + k
                submitted = self.day_time(self.opening_day())
                status = _weighted(
                    rng, {"delivered": 80, "rejected": 8, "received": 6, "missing_documents": 6}, 1
                )[0]
                # Half the applicants are women with a case file (the same CURP), half are not.
                if rng.random() < 0.5 and applicants:
                    h = applicants.pop()
                    curp, birth = (
                        f"BNCH{self.first_person + h:010d}MCHR",
                        self.person_birth[h] or date(1985, 5, 5),
                    )
                else:
                    curp, birth = (
                        f"XAPP{pk:010d}MCHR",
                        date(1960, 1, 1) + timedelta(days=rng.randrange(16000)),
                    )
                if status == "delivered":
                    issued.append((pk, submitted))
                yield (
                    pk,
                    "Usuaria",
                    "Bench",
                    "",
                    birth,
                    curp,
                    rng.choices(self.colonias, self.colonia_weights)[0],
                    "31000",
                    "+526140000000",
                    rng.choice(["online", "desk"]),
                    status,
                    submitted,
                )

        self.copier.copy(
            CardApplication,
            [
                "id",
                "given_names",
                "first_surname",
                "second_surname",
                "birth_date",
                "curp",
                "neighborhood_id",
                "postal_code",
                "phone",
                "channel",
                "status",
                "submitted_at",
            ],
            applications(),
        )
        card_issued = []
        numbers_seen = set()

        def rng_number() -> str:
            """A random 16-digit number with its Luhn check digit, as card.numbers draws them (seeded here)."""
            while True:
                body = str(rng.randint(1, 9)) + f"{rng.randrange(10**14):014d}"
                if body not in numbers_seen:
                    numbers_seen.add(body)
                    return body + luhn_check_digit(body)

        def cards():
            for k, (app, submitted) in enumerate(issued):
                pk = first_card + k
                at = min(submitted + timedelta(days=rng.randint(3, 20)), NOW)
                status = _weighted(rng, {"active": 88, "replaced": 4, "cancelled": 8}, 1)[0]
                ended = self.moment(at, NOW) if status != "active" else None
                card_issued.append((pk, at, ended))
                number = rng_number()
                card = Card(number=number)  # its tokens as Card.save derives them (keyed HMAC of the number)
                yield (
                    pk,
                    app,
                    number,
                    token_hash(card.verify_token),
                    token_hash(card.holder_token),
                    status,
                    at,
                    rng.choice(self.card_office),
                    at.date(),
                    at.date() + timedelta(days=730),
                    at,
                    ended,
                )

        self.copier.copy(
            Card,
            [
                "id",
                "application_id",
                "number",
                "verify_token_hash",
                "holder_token_hash",
                "status",
                "issued_at",
                "issued_by_id",
                "valid_from",
                "valid_until",
                "delivered_at",
                "ended_at",
            ],
            cards(),
        )

        def uses():
            for _k in range(self.size["card_uses"]):
                card, at, ended = rng.choice(card_issued)
                m = rng.randrange(len(merchants))
                when = self.moment(at, ended or NOW)
                result = _weighted(rng, {"valid": 92, "not_valid": 5, "expired": 3}, 1)[0]
                yield (
                    card,
                    merchants[m].pk,
                    branches[m].pk,
                    rng.choice(self.merchant_users),
                    when,
                    result,
                    rng.choice(["qr", "number"]),
                )

        self.copier.copy(
            CardUse, ["card_id", "merchant_id", "branch_id", "by_id", "at", "result", "method"], uses()
        )

    # --- Calls ---------------------------------------------------------------------------------------------------

    def calls(self) -> None:
        from violeta.agenda.models import PhoneCall, PhoneLine

        rng = self.rng
        lines = list(PhoneLine.objects.values_list("pk", flat=True)) or [
            PhoneLine.objects.create(code=f"linea-{k}", number=f"61400000{k}", name=f"Línea {k}").pk
            for k in range(3)
        ]
        # Hours of the day in Chihuahua (UTC−6): most calls in office hours, a tail at night.
        hour_weights = [1, 1, 1, 1, 1, 2, 3, 5, 9, 11, 12, 12, 11, 10, 10, 9, 8, 7, 5, 4, 3, 3, 2, 1]
        by = self.reception + self.monitors

        def rows():
            for _k in range(self.size["calls"]):
                day = self.opening_day()
                hour = rng.choices(range(24), hour_weights)[0]
                local = datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=UTC)
                at = local + timedelta(hours=6)
                out = hour < 8 or hour >= 19 or day.weekday() >= 5
                case = self.first_case + rng.randrange(self.n_cases) if rng.random() < 0.15 else None
                yield (
                    rng.choice(lines),
                    at,
                    "anónima",
                    rng.random() < 0.4,
                    _weighted(rng, {"orientation": 60, "appointment": 25, "referral": 10, "emergency": 5}, 1)[
                        0
                    ],
                    out,
                    case,
                    rng.choice(by),
                    at,
                )

        self.copier.copy(
            PhoneCall,
            [
                "line_id",
                "at",
                "caller_name",
                "violence",
                "action",
                "out_of_hours",
                "case_id",
                "taken_by_id",
                "created_at",
            ],
            rows(),
        )

    def appointments(self) -> None:
        from bench.scale_data import appointments

        appointments(self)

    # --- Programs ------------------------------------------------------------------------------------------------

    def programs(self) -> None:
        from violeta.programs.models import (
            Attendance,
            Attendee,
            Campaign,
            CampaignEvent,
            Certificate,
            Cohort,
            CohortSession,
            CompanyVisit,
            Course,
            Enrollment,
            EnrollmentAttendance,
            EventReach,
            Organization,
            Program,
            QuestionnaireResponse,
            Topic,
            Training,
            TrainingSession,
        )

        rng = self.rng
        creator = self.trainers[0]
        courses = Course.objects.bulk_create(
            Course(trade=f"Oficio {k}", instructor="Instructora", created_by_id=creator) for k in range(20)
        )
        cohorts = []
        for year in range(FIRST_DAY.year, LAST_DAY.year + 1):
            for k, course in enumerate(courses):
                starts = date(year, 1 + (k % 10), 1)
                cohorts.append(
                    Cohort(
                        course=course,
                        name=f"{year}-{k}",
                        starts_on=starts,
                        ends_on=starts + timedelta(days=60),
                        coordinator_id=creator,
                        created_by_id=creator,
                    )
                )
        cohorts = [c for c in Cohort.objects.bulk_create(cohorts) if c.starts_on <= LAST_DAY]
        statuses = {"completed": 55, "not_completed": 15, "withdrawn": 10, "enrolled": 15, "waiting": 5}
        outcomes = ["employed", "own_business", "studies", "other", ""]

        first_enrollment = next_id(Enrollment)
        seated = []

        def enrollments():
            seen = set()
            pk = first_enrollment
            for _k in range(self.size["enrollments"]):
                cohort = rng.choice(cohorts)
                h = rng.randrange(len(self.person_ids))
                person = self.first_person + h
                if (cohort.pk, person) in seen:
                    continue
                seen.add((cohort.pk, person))
                status = _weighted(rng, statuses, 1)[0]
                pk += 1
                if status in ("completed", "not_completed", "enrolled"):
                    seated.append((pk - 1, cohort.pk, status))
                at = datetime.combine(cohort.starts_on, datetime.min.time(), UTC) - timedelta(
                    days=rng.randint(1, 30)
                )
                yield (
                    pk - 1,
                    cohort.pk,
                    person,
                    status,
                    self.care_consent[person],
                    at,
                    rng.choice(self.trainers),
                    at + timedelta(days=10) if status == "withdrawn" else None,
                    rng.choice(outcomes) if status == "completed" else "",
                )

        self.copier.copy(
            Enrollment,
            [
                "id",
                "cohort_id",
                "person_id",
                "status",
                "consent_id",
                "enrolled_at",
                "enrolled_by_id",
                "withdrawn_at",
                "outcome",
            ],
            enrollments(),
        )
        # Eight classes a group, weekly; the seated women were present at 80 % of them (the completed at more).
        first_class = next_id(CohortSession)
        classes = {}

        def class_rows():
            pk = first_class
            for cohort in cohorts:
                classes[cohort.pk] = []
                for week in range(8):
                    start = self.day_time(cohort.starts_on + timedelta(days=7 * week))
                    classes[cohort.pk].append(pk)
                    yield (pk, cohort.pk, start, start + timedelta(hours=3))
                    pk += 1

        self.copier.copy(CohortSession, ["id", "cohort_id", "starts_at", "ends_at"], class_rows())

        def presence():
            for enrollment, cohort, status in seated:
                rate = {"completed": 0.95, "not_completed": 0.4, "enrolled": 0.8}[status]
                for session in classes[cohort]:
                    yield (session, enrollment, rng.random() < rate, rng.choice(self.trainers))

        self.copier.copy(
            EnrollmentAttendance, ["session_id", "enrollment_id", "present", "recorded_by_id"], presence()
        )
        organizations = Organization.objects.bulk_create(
            Organization(
                name=f"Organización {k}",
                kind=rng.choice(["company", "government", "school", "association", "municipal"]),
                created_by_id=creator,
            )
            for k in range(100)
        )
        CompanyVisit.objects.bulk_create(
            CompanyVisit(
                organization=rng.choice(organizations),
                visited_on=self.opening_day(),
                offered_talk=True,
                offered_legal=rng.random() < 0.5,
                women_reached=rng.randint(5, 80),
                created_by_id=creator,
            )
            for _k in range(max(10, self.n_cases // 600))
        )
        topics = list(Topic.objects.values_list("pk", flat=True)) or [
            Topic.objects.create(code=f"tema-{k}", name=f"Tema {k}").pk for k in range(6)
        ]
        programs = [p.value for p in Program]
        n_trainings = max(10, self.size["attendees"] // 25)
        trainings = Training.objects.bulk_create(
            Training(
                program=rng.choice(programs),
                topic_id=rng.choice(topics),
                title=f"Capacitación {k}",
                organization=rng.choice(organizations) if organizations else None,
                trainer_id=rng.choice(self.trainers),
                created_by_id=creator,
            )
            for k in range(n_trainings)
        )
        first_session = next_id(TrainingSession)
        sessions = {}

        def session_rows():
            pk = first_session
            for t in trainings:
                day = self.opening_day()
                sessions[t.pk] = []
                for s in range(rng.randint(1, 3)):
                    start = self.day_time(day + timedelta(days=7 * s))
                    sessions[t.pk].append(pk)
                    yield (pk, t.pk, start, start + timedelta(hours=2), t.trainer_id)
                    pk += 1

        self.copier.copy(
            TrainingSession, ["id", "training_id", "starts_at", "ends_at", "trainer_id"], session_rows()
        )
        first_attendee = next_id(Attendee)
        attendance, certificates = [], []
        sexes = {"mujer": 70, "hombre": 27, "otro": 1, "no_dice": 2}
        ages = {"0-17": 8, "18-29": 30, "30-44": 35, "45-59": 20, "60+": 7}

        def attendees():
            for k in range(self.size["attendees"]):
                pk = first_attendee + k
                t = trainings[k % len(trainings)]
                present = [rng.random() < 0.85 for _ in sessions[t.pk]]
                for s, p in zip(sessions[t.pk], present, strict=True):
                    attendance.append((s, pk, p, rng.choice(self.trainers)))
                if all(present):
                    certificates.append(
                        (pk, f"CB{pk:09d}", 2, LAST_DAY, rng.choice(self.trainers), _token("cert", pk))
                    )
                yield (pk, t.pk, f"Asistente {pk}", _weighted(rng, sexes, 1)[0], _weighted(rng, ages, 1)[0])

        self.copier.copy(Attendee, ["id", "training_id", "full_name", "sex", "age_group"], attendees())
        self.copier.copy(
            Attendance, ["session_id", "attendee_id", "present", "recorded_by_id"], iter(attendance)
        )
        self.copier.copy(
            Certificate,
            ["attendee_id", "folio", "hours", "completed_on", "issued_by_id", "verify_token_hash"],
            iter(certificates),
        )
        # Questionnaires before and after, for 40 % of the attendees (some answered only the first).
        answers = []
        for k in range(self.size["attendees"]):
            if rng.random() < 0.4:
                before = rng.randint(2, 8)
                answers.append((first_attendee + k, "pre", before, 10, rng.choice(self.trainers)))
                if rng.random() < 0.85:
                    after = min(10, before + rng.randint(0, 4))
                    answers.append((first_attendee + k, "post", after, 10, rng.choice(self.trainers)))
        self.copier.copy(
            QuestionnaireResponse,
            ["attendee_id", "phase", "score", "out_of", "recorded_by_id"],
            iter(answers),
        )
        campaigns = Campaign.objects.bulk_create(
            Campaign(
                name=f"Campaña {year}-{k}",
                starts_on=date(year, 3 * k + 1, 1),
                ends_on=date(year, 3 * k + 3, 28),
                created_by_id=creator,
            )
            for year in range(FIRST_DAY.year, LAST_DAY.year + 1)
            for k in range(4)
        )
        events = CampaignEvent.objects.bulk_create(
            CampaignEvent(
                campaign=c,
                title="Feria",
                kind=rng.choice(["fair", "talk", "march", "other"]),
                held_on=c.starts_on + timedelta(days=rng.randrange(60)),
                place="Plaza",
                created_by_id=creator,
            )
            for c in campaigns
            for _ in range(10)
        )
        self.copier.copy(
            EventReach,
            ["event_id", "sex", "age_group", "people"],
            (
                (e.pk, sex, age, rng.randint(0, 40))
                for e in events
                for sex in ("mujer", "hombre")
                for age in ages
            ),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", choices=SCALES, help="a named scale (sizes and database): " + ", ".join(SCALES)
    )
    parser.add_argument(
        "--db", help=f"the benchmark's PostgreSQL database (created if missing; {DEFAULT_DB})"
    )
    parser.add_argument("--cases", type=int, help="default 300,000 (or what the database holds)")
    parser.add_argument("--consultations", type=int, help="default 1,000,000 (or what the database holds)")
    parser.add_argument("--rebuild", action="store_true", help="drop the database first and build it again")
    parser.add_argument("--no-check", action="store_true", help="skip the person-search check of a --scale")
    args = parser.parse_args()
    print(ensure(args.db, args.cases, args.consultations, args.rebuild, args.scale))
    if args.scale:
        from bench.scale_data import check_search

        staff = staff_for_bench()
        print(
            f"staff (password {staff['password']}): director {staff['director']}, known professional "
            f"{staff['known']} ({KNOWN_CASES} active case files, appointments this week)"
        )
        for area, users in staff["coordinators"].items():
            print(
                f"  coordinator {area}: {', '.join(users)}; {len(staff['professionals'][area])} professionals"
            )
        if not args.no_check:
            started = time.perf_counter()
            found, searched = check_search()
            print(
                f"person search as the director: {found} of {searched} generated women in the first 10 "
                f"({time.perf_counter() - started:.1f} s)"
            )
            if found < searched:
                raise SystemExit(
                    "person search misses generated women: the name index is not as the services write it"
                )


if __name__ == "__main__":
    main()
