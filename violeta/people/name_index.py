"""The word index of people's names (``NameWord``, ``PersonNameWord``, ``PersonNamePair``), kept current with the
names themselves.

``index_person`` is called by the people services that create or change a person (name or birth date), inside
their transaction, so the index never lags her record. ``index_people`` (re)builds it for many people at once:
the migrations that introduced it, and any bulk load. Both take the model classes as arguments so a migration
can pass its own.

The words are cut in Python (``people.names``); the pairs are derived from the words in one INSERT … SELECT per
batch, so rebuilding the index for a million people is a few minutes, not an hour of Python objects.
"""

from collections.abc import Iterable

from django.db import connection

from violeta.people.names import FIELD_WEIGHTS, analyse

PAIR_SHIFT = 1 << 32  # pair = smaller word id * 2**32 + larger word id (word ids stay below 2**31)


def pair_key(a: int, b: int) -> int:
    return a * PAIR_SHIFT + b if a <= b else b * PAIR_SHIFT + a


def _word_ids(word_model, words: set[str]) -> dict[str, int]:
    known = dict(word_model.objects.filter(word__in=words).values_list("word", "id"))
    missing = [word_model(word=w) for w in sorted(words - known.keys())]
    if missing:
        word_model.objects.bulk_create(missing, ignore_conflicts=True)
        from violeta.people.matching import VOCABULARY  # the matcher's copy of the vocabulary is stale now

        VOCABULARY.invalidate()
        known = dict(word_model.objects.filter(word__in=words).values_list("word", "id"))
    return known


def insert_pairs(person_word_model, pair_model, person_model, person_ids: list[int] | range) -> None:
    """Every two words of each of these people (each pair once per person), with her birth year, how many words
    her name has and the least share of it one word uncovers (what the ranking needs to know who cannot reach
    the first places). A ``range`` of
    ids (a rebuild: everyone from one id to another) is one range scan, however many people it holds."""
    words = person_word_model._meta.db_table
    pairs = pair_model._meta.db_table
    people = person_model._meta.db_table
    if connection.vendor == "postgresql":
        low, high, year = "LEAST", "GREATEST", "EXTRACT(YEAR FROM p.birth_date)::smallint"
    else:
        low, high, year = "MIN", "MAX", "CAST(strftime('%%Y', p.birth_date) AS INTEGER)"
    # The field's weight in the ranking, per thousand (people.matching.FIELD_WEIGHTS), for the least a word of
    # hers left unmatched uncovers of her name: the weight of its field divided by the words in that field.
    weight = "CASE t.field " + " ".join(
        f"WHEN '{f}' THEN {round(w * 1000)}" for f, w in FIELD_WEIGHTS.items()
    )
    weight += " END"
    if isinstance(person_ids, range):
        where, params = "a.person_id BETWEEN %s AND %s", [person_ids.start, person_ids.stop - 1]
    else:
        where, params = f"a.person_id IN ({', '.join(['%s'] * len(person_ids))})", list(person_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {pairs} (person_id, pair, born_year, words, least_loss)"  # noqa: S608 (table names from the models)
            f" SELECT DISTINCT a.person_id, {low}(a.word_id, b.word_id) * {PAIR_SHIFT} + {high}(a.word_id, b.word_id),"
            f" {year}, (SELECT COUNT(*) FROM {words} c WHERE c.person_id = a.person_id),"
            f" (SELECT MIN({weight} / t.n) FROM (SELECT c.field, COUNT(*) AS n FROM {words} c"
            f" WHERE c.person_id = a.person_id GROUP BY c.field) t)"
            f" FROM {words} a JOIN {words} b ON b.person_id = a.person_id"
            f" AND (a.field < b.field OR (a.field = b.field AND a.position < b.position))"
            f" JOIN {people} p ON p.id = a.person_id"
            f" WHERE {where}",
            params,
        )


def index_people(
    people: Iterable, *, word_model=None, person_word_model=None, pair_model=None, contiguous: bool = False
) -> int:
    """Write the name words (and their pairs) of these people, replacing what they had. Returns how many word
    rows were written. Without ``pair_model`` (a migration from before the pairs), only the words.
    ``contiguous``: these are everyone between the first and the last id (a rebuild in id order)."""
    if word_model is None or person_word_model is None:
        from violeta.people.models import NameWord, Person, PersonNamePair, PersonNameWord

        word_model, person_word_model, pair_model = NameWord, PersonNameWord, PersonNamePair
        person_model = Person
    else:
        person_model = person_word_model._meta.get_field("person").related_model
    people = list(people)
    if not people:
        return 0
    analysed = {p.pk: list(analyse(p.given_names, p.first_surname, p.second_surname).items()) for p in people}
    ids = _word_ids(word_model, {word for items in analysed.values() for _f, _p, word in items})
    person_ids = list(analysed)
    person_word_model.objects.filter(person_id__in=person_ids).delete()
    rows = [
        person_word_model(person_id=pk, word_id=ids[word], field=field, position=position)
        for pk, items in analysed.items()
        for field, position, word in items
    ]
    person_word_model.objects.bulk_create(rows, batch_size=5000)
    if pair_model is None:
        return len(rows)
    if contiguous:
        span = range(min(person_ids), max(person_ids) + 1)
        pair_model.objects.filter(person_id__gte=span.start, person_id__lt=span.stop).delete()
        insert_pairs(person_word_model, pair_model, person_model, span)
        return len(rows)
    pair_model.objects.filter(person_id__in=person_ids).delete()
    for start in range(0, len(person_ids), 900):  # SQLite's limit on query parameters
        insert_pairs(person_word_model, pair_model, person_model, person_ids[start : start + 900])
    return len(rows)


def index_person(person) -> None:
    """Keep one person's name words current (call inside the transaction that writes her name or birth date)."""
    index_people([person])
