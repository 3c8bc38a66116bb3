"""Benchmark: does person search find the right woman however her name was typed, and how fast (issue 15).

1. Builds a database of ``--people`` people with realistic Mexican names (violeta/testing/names.py, fixed seed),
   as bulk rows with the fields the search reads (names, birth date, ``name_normalized``); encrypted fields stay
   empty. A database of its own: a temporary SQLite file, or, when DATABASE_URL is PostgreSQL, a database
   created next to it and dropped at the end.
2. Draws, with the same seed, up to ``--queries`` variant queries of each kind (exact, no accents, upper case,
   one and two typos, nicknames — every nickname of the data file at least once when someone bears its name —,
   "Ma."/"Ma", surnames first, one surname only, a missing second given name, particles dropped and glued, "y"
   between surnames) for people of that database.
3. Runs each query through each ADAPTER: a function ``search(variant) -> ranked person ids`` (None when the kind
   does not apply to it). Today's are ``staff_box`` (``people.selectors.person_search`` as the director, who
   sees everyone: the search box, its audit events included) and ``intake`` (``duplicate_candidates`` with the
   three fields and the birth date, as the intake's duplicate warning gets them). ``--adapter module:function``
   plugs in another (e.g. the new matcher) without touching this file.
4. Prints recall@1, @5 and @10 per kind and overall — a result counts as her if it is her or a person with
   exactly the same names and birth date — and the latency per query (p50, p95) beside a plain-SQL bound measured
   in the same run, query by query: the exact-name equality lookup on the indexed ``name_normalized``.

Run:

    .venv/bin/python bench/person_search.py --people 20000 --queries 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/person_search.py
"""

import argparse
import importlib
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import percentile, psql
from violeta.testing import names

KS = (1, 5, 10)


def _own_database(seed_pid: int, reuse: str | None = None) -> tuple[str, str | None]:
    """Point DATABASE_URL at a database of the benchmark's own; returns (description, PostgreSQL db to drop).

    ``reuse``: a PostgreSQL database name or a SQLite directory kept between runs (built on the first run)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        db = reuse or f"violeta_bench_search_{seed_pid}"
        parts = urlsplit(url)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{db}"))
        query = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc"]
        exists = (
            reuse
            and subprocess.run(
                [*query, f"SELECT 1 FROM pg_database WHERE datname = '{db}'"], capture_output=True, text=True
            ).stdout.strip()
        )
        if not exists:
            psql(f'CREATE DATABASE "{db}"')
        return f"PostgreSQL ({db})", None if reuse else db
    if reuse:
        os.makedirs(reuse, exist_ok=True)
        os.environ["VIOLETA_VAR_DIR"] = reuse
        os.environ.pop("DATABASE_URL", None)
        return f"SQLite ({reuse}/violeta.sqlite3, kept)", None
    var = tempfile.mkdtemp(prefix="violeta-bench-search-")
    os.environ["VIOLETA_VAR_DIR"] = var
    os.environ.pop("DATABASE_URL", None)
    return f"SQLite ({var}/violeta.sqlite3)", None


# --- Adapters: search(variant) -> ranked person ids, or None when the kind does not apply --------------------
# Module-level and small, so that the new matcher is measured by the same code (--adapter module:function).

_STATE = {}


def staff_box(variant: names.Variant) -> list[int]:
    """The staff search box today: ``person_search`` as the director (everyone visible), audit included."""
    from violeta.people.selectors import person_search

    return [p.pk for p in person_search(_STATE["director"], variant.text)]


def staff_box_born(variant: names.Variant) -> list[int]:
    """The staff search box with her birth date typed after the name (day/month/year), as the page suggests."""
    from violeta.people.selectors import person_search

    born = variant.person.birth_date.strftime("%d/%m/%Y")
    return [p.pk for p in person_search(_STATE["director"], f"{variant.text} {born}")]


def search_page(variant: names.Variant) -> list[int]:
    """The search page itself, as the browser POSTs it (the whole page: middleware, view, template), with her
    birth date after the name; the people in the order the page lists them."""
    import re

    if "client" not in _STATE:
        from django.test import Client

        _STATE["client"] = Client(HTTP_HOST="127.0.0.1")
        _STATE["client"].force_login(_STATE["director"])
    born = variant.person.birth_date.strftime("%d/%m/%Y")
    response = _STATE["client"].post("/personas/", {"q": f"{variant.text} {born}"})
    if response.status_code != 200:
        raise RuntimeError(f"the search page answered {response.status_code}")
    return [int(pk) for pk in re.findall(r'href="/personas/(\d+)/"', response.content.decode())]


def matcher_born(variant: names.Variant) -> list[int]:
    """The engine alone (``people.matching``), as the search box calls it with her birth date: no audit, no
    fetching of the people shown; what the issue's "query" latency is about."""
    from violeta.people import matching

    words = matching.search_words(variant.text)
    found = matching.match_people(words, born=variant.person.birth_date, top=20)
    return [m.person_id for m in found.matches]


def intake(variant: names.Variant) -> list[int] | None:
    """The intake's duplicate warning today: ``duplicate_candidates`` with the three fields and the birth date."""
    from violeta.people.selectors import duplicate_candidates

    if variant.fields is None:  # one box per field: word order in one box does not arise
        return None
    given, first, second = variant.fields
    found = duplicate_candidates(
        given_names=given,
        first_surname=first,
        second_surname=second,
        birth_date=variant.person.birth_date,
        limit=10,
    )
    return [c.person.pk for c in found]


def intake_names(variant: names.Variant) -> list[int] | None:
    """The intake's duplicate warning with the names alone (no birth date): the name matching by itself."""
    from violeta.people.selectors import duplicate_candidates

    if variant.fields is None:
        return None
    given, first, second = variant.fields
    found = duplicate_candidates(given_names=given, first_surname=first, second_surname=second, limit=10)
    return [c.person.pk for c in found]


ADAPTERS = {
    "staff_box": staff_box,
    "staff_box_born": staff_box_born,
    "search_page": search_page,
    "matcher_born": matcher_born,
    "intake": intake,
    "intake_names": intake_names,
}


def adapter(spec: str):
    if spec in ADAPTERS:
        return spec, ADAPTERS[spec]
    module, _, func = spec.partition(":")
    return spec, getattr(importlib.import_module(module), func)


# --- Data ----------------------------------------------------------------------------------------------------


def build(n: int, seed: int) -> tuple[list[names.PersonName], list[int]]:
    """``n`` people as bulk rows; returns them and their ids (same order)."""
    from violeta.core.text import normalize_name
    from violeta.people.models import Gender, Person

    try:  # the matcher's word index (issue 15), when the engine has one: bulk rows bypass the services
        from violeta.people.name_index import index_people
    except ImportError:
        index_people = None
    drawn = names.people(n, seed=seed)
    ids = []
    batch = 2000
    for start in range(0, n, batch):
        rows = [
            Person(
                given_names=p.given_names,
                first_surname=p.first_surname,
                second_surname=p.second_surname,
                birth_date=p.birth_date,
                gender=Gender.WOMAN if p.sex == "M" else Gender.MAN,
                name_normalized=normalize_name(p.full_name),
            )
            for p in drawn[start : start + batch]
        ]
        ids += [row.pk for row in Person.objects.bulk_create(rows)]
        if index_people is not None:
            index_people(rows, contiguous=True)
    if None in ids:
        raise RuntimeError("bulk_create did not return primary keys")
    return drawn, ids


def draw_queries(drawn, ids, per_kind: int, seed: int) -> list[tuple[names.Variant, int]]:
    """Up to ``per_kind`` variants of each kind, (variant, target id), deterministic for ``seed``: first one
    variant for each nickname of the data file whose name someone bears (all of them, even past ``per_kind``),
    then people in a seeded random order."""
    rng = random.Random(seed)
    order = list(range(len(drawn)))
    rng.shuffle(order)
    nicknames = names.load_nicknames()
    chosen, count = [], defaultdict(int)
    wanted = {f"{nickname} → {name}" for nickname, name in nicknames}
    borne = {}
    for nickname, name in nicknames:
        borne.setdefault(names._fold(name), set()).add(f"{nickname} → {name}")
    for i in order:
        if not wanted:
            break
        given = drawn[i].given_names
        bears = {names._fold(w) for w in given.split()} | {names._fold(given)}
        if not any(borne.get(word, set()) & wanted for word in bears):
            continue  # her given names have no nickname still wanted: skip drawing her variants
        for v in names.variants(drawn[i], seed=seed, nicknames=nicknames):
            if v.kind == "nickname" and v.detail in wanted:
                wanted.discard(v.detail)
                chosen.append((v, ids[i]))
                count["nickname"] += 1
    for i in order:
        if all(count[kind] >= per_kind for kind in names.KINDS):
            break
        for v in names.variants(drawn[i], seed=seed, nicknames=nicknames):
            if count[v.kind] < per_kind and (v.kind != "nickname" or (v, ids[i]) not in chosen):
                chosen.append((v, ids[i]))
                count[v.kind] += 1
    return chosen


# --- Measurement ---------------------------------------------------------------------------------------------


def plain_sql_ms(name_normalized: str) -> float:
    """The floor: one exact-name equality query on the indexed column, through a raw cursor."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM people_person WHERE name_normalized = %s", [name_normalized])
        cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def run(search, queries, identity, misses: int = 0) -> dict:
    """Each query through ``search``: rank of her (or her identical twin on paper) and time, and the floor."""
    from violeta.core.text import normalize_name

    for variant, _target in queries[:5]:  # warm up (connections, caches)
        search(variant)
    per_kind = defaultdict(lambda: {"n": 0, "hits": dict.fromkeys(KS, 0), "ms": [], "sql_ms": []})
    skipped = 0
    for variant, target in queries:
        started = time.perf_counter()
        ranked = search(variant)
        elapsed = (time.perf_counter() - started) * 1000
        if ranked is None:
            skipped += 1
            continue
        sql = plain_sql_ms(normalize_name(variant.person.full_name))
        rank = next((r for r, pk in enumerate(ranked) if identity.get(pk) == identity[target]), None)
        if misses and (rank is None or rank >= 10):
            misses -= 1
            print(
                f"  missed ({variant.kind}): {variant.text!r} born {variant.person.birth_date}, rank {rank}"
            )
        for bucket in (per_kind[variant.kind], per_kind["overall"]):
            bucket["n"] += 1
            bucket["ms"].append(elapsed)
            bucket["sql_ms"].append(sql)
            for k in KS:
                bucket["hits"][k] += rank is not None and rank < k
    return {"per_kind": per_kind, "skipped": skipped}


def report(label: str, result: dict) -> None:
    print(f"\n{label}" + (f"  ({result['skipped']} queries not applicable)" if result["skipped"] else ""))
    print(
        f"  {'kind':<18} {'n':>5} {'@1':>7} {'@5':>7} {'@10':>7}   {'p50 ms':>8} {'p95 ms':>8}"
        f"   {'SQL p50':>8} {'SQL p95':>8}"
    )
    per_kind = result["per_kind"]
    for kind in [*names.KINDS, "overall"]:
        if kind not in per_kind:
            continue
        b = per_kind[kind]
        recall = "".join(f" {b['hits'][k] / b['n'] * 100:6.1f}%" for k in KS)
        print(
            f"  {kind:<18} {b['n']:>5}{recall}   {percentile(b['ms'], 50):8.2f} {percentile(b['ms'], 95):8.2f}"
            f"   {percentile(b['sql_ms'], 50):8.3f} {percentile(b['sql_ms'], 95):8.3f}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=50, help="variant queries per kind (at most)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--adapter",
        action="append",
        help="staff_box, intake, intake_names or module:function taking a Variant (repeatable;"
        " default: staff_box and intake)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    parser.add_argument(
        "--misses", type=int, default=0, help="print up to this many queries missed (not in the top 10)"
    )
    parser.add_argument(
        "--reuse",
        metavar="NAME",
        help="a PostgreSQL database name (or a SQLite directory) kept between runs: built if empty, else reused",
    )
    args = parser.parse_args()
    adapters = [adapter(spec) for spec in (args.adapter or ["staff_box", "intake"])]

    where, pg_db = _own_database(os.getpid(), args.reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "violeta.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from violeta.accounts.models import Role, User

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrated = time.perf_counter()
        from violeta.people.models import Person

        if args.reuse and Person.objects.count() == args.people:
            drawn = names.people(args.people, seed=args.seed)
            ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
        else:
            drawn, ids = build(args.people, args.seed)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE people_person, people_personnameword, people_personnamepair")
        built = time.perf_counter()
        _STATE["director"] = User.objects.filter(
            email="directora@bench.test"
        ).first() or User.objects.create_user(
            "directora@bench.test", None, full_name="Directora", role=Role.DIRECTOR
        )
        identity = {pk: p.identity for pk, p in zip(ids, drawn, strict=True)}
        queries = draw_queries(drawn, ids, args.queries, args.seed)
        print(
            f"Person search, {where}: {args.people} people (seed {args.seed}; built in {built - migrated:.1f} s,"
            f" migrations {migrated - started:.1f} s), {len(queries)} queries (≤ {args.queries} per kind),"
            f" {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
        )
        for label, search in adapters:
            began = time.perf_counter()
            result = run(search, queries, identity, args.misses)
            report(f"{label} ({time.perf_counter() - began:.0f} s)", result)
        print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")
        print(
            "recall@k: her (or a person with exactly her names and birth date) among the first k results;"
            " SQL: exact-name equality on the indexed name_normalized, same query, same run"
        )
    finally:
        if pg_db and not args.keep:
            connection.close()
            psql(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
