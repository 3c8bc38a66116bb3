"""The word index of people's names (``NameWord``, ``PersonNameWord``), kept current with the names themselves.

``index_person`` is called by the people services that create or rename a person, inside their transaction, so
the index never lags the name. ``index_people`` (re)builds it for many people at once: the migration that
introduced it, and any bulk load. Both take the model classes as arguments so the migration can pass its own.
"""

from collections.abc import Iterable

from violeta.people.names import analyse


def _word_ids(word_model, words: set[str]) -> dict[str, int]:
    known = dict(word_model.objects.filter(word__in=words).values_list("word", "id"))
    missing = [word_model(word=w) for w in sorted(words - known.keys())]
    if missing:
        word_model.objects.bulk_create(missing, ignore_conflicts=True)
        from violeta.people.matching import VOCABULARY  # the matcher's copy of the vocabulary is stale now

        VOCABULARY.invalidate()
        known = dict(word_model.objects.filter(word__in=words).values_list("word", "id"))
    return known


def index_people(people: Iterable, *, word_model=None, person_word_model=None) -> int:
    """Write the name words of these people (replacing what they had). Returns how many rows were written."""
    if word_model is None or person_word_model is None:
        from violeta.people.models import NameWord, PersonNameWord

        word_model, person_word_model = NameWord, PersonNameWord
    people = list(people)
    if not people:
        return 0
    analysed = {p.pk: list(analyse(p.given_names, p.first_surname, p.second_surname).items()) for p in people}
    ids = _word_ids(word_model, {word for items in analysed.values() for _f, _p, word in items})
    person_word_model.objects.filter(person_id__in=analysed.keys()).delete()
    rows = [
        person_word_model(person_id=pk, word_id=ids[word], field=field, position=position)
        for pk, items in analysed.items()
        for field, position, word in items
    ]
    person_word_model.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def index_person(person) -> None:
    """Keep one person's name words current (call inside the transaction that writes her name)."""
    index_people([person])
