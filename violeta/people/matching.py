"""The name matcher behind the staff search box and the intake's duplicate warning (one engine, two callers).

1. The query is cut into words as names are (``people.names``). Each query word is matched against the
   vocabulary of name words (``NameWord``): as typed, through its nicknames and abbreviations (the data file),
   without a glued particle, and by edit distance (rapidfuzz's optimal string alignment: one edit for words of
   4–6 letters, two from 7; the last word of a search may also be the start of a longer word while being typed).
   Each way counts for less than the one before (``names.EXACT`` … ``FUZZY_2``).
2. Candidates are the people who have those word ids in their word index (``PersonNameWord``: an indexed
   query, the same on SQLite and PostgreSQL), needing every query word matched for one or two words and all but
   one from three words on. There is no silent row limit: past ``PEOPLE_SEARCH_CANDIDATE_LIMIT`` candidates only
   the people matching every word are ranked, and the result says so (``every_word_needed``); if they too are
   past the limit, the result says the query is too broad (the caller asks for one more word) instead of
   dropping people.
3. Each candidate is ranked on her fields separately: how well each query word matched (exact above nickname
   above typo), how much of her given names, first surname and second surname the query covers (first surname
   weighs most), and whether the surnames came in her order ("Flores Moreno" ranks Josefina Flores Moreno above
   Josefina Moreno Flores). Birth date, CURP and phone are the callers' evidence (``people.selectors``).

The score is between 0 and 1; ``MIN_SCORE`` is the least worth showing.
"""

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.conf import settings
from django.db.models import Case, IntegerField, Max, QuerySet, Value, When
from rapidfuzz import process
from rapidfuzz.distance import OSA

from violeta.people import names
from violeta.people.models import NameField, NameWord, PersonNameWord

FUZZY_1 = 0.8  # one letter off
FUZZY_2 = 0.65  # two letters off
PREFIX = 0.7  # the start of a longer word (the last word of a search, still being typed)
MIN_SCORE = 0.45
DEFAULT_CANDIDATE_LIMIT = 2000

# How much of her name each field is: the first surname identifies most, the second surname least.
FIELD_WEIGHTS = {NameField.GIVEN: 0.3, NameField.SURNAME1: 0.45, NameField.SURNAME2: 0.25}
SURNAME_ORDER_PENALTY = 0.08
WRONG_FIELD_PENALTY = 0.04


def candidate_limit() -> int:
    return int(getattr(settings, "PEOPLE_SEARCH_CANDIDATE_LIMIT", DEFAULT_CANDIDATE_LIMIT))


@dataclass(frozen=True)
class QueryWord:
    """A typed word, the field it was typed in when known (the intake form), and whether it may be a prefix."""

    text: str
    hint: str | None = None
    prefix: bool = False


def search_words(text: str) -> list[QueryWord]:
    """The words of what was typed in the search box (any order; the last one may be unfinished)."""
    words = names.name_words(text)
    return [QueryWord(w, prefix=(i == len(words) - 1)) for i, w in enumerate(words)]


def form_words(given_names: str = "", first_surname: str = "", second_surname: str = "") -> list[QueryWord]:
    """The words of a name typed field by field (the intake form)."""
    fields = names.analyse(given_names or "", first_surname or "", second_surname or "")
    return [QueryWord(word, hint=field_name) for field_name, _pos, word in fields.items()]


class _Vocabulary:
    """The name words, kept in memory for edit-distance matching and reloaded when words were added."""

    def __init__(self):
        self._key = None
        self.words: list[str] = []

    def invalidate(self) -> None:
        self._key = None

    def current(self) -> list[str]:
        latest = NameWord.objects.order_by("-id").values_list("id", flat=True).first()
        key = (latest, NameWord.objects.count()) if latest is not None else (None, 0)
        if key != self._key:
            self.words = list(NameWord.objects.values_list("word", flat=True))
            self._key = key
        return self.words


VOCABULARY = _Vocabulary()


def _max_edits(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


def _word_strings(qword: QueryWord, vocabulary: list[str]) -> dict[str, float]:
    """Vocabulary strings this query word may stand for, with how much each counts."""
    found = dict(names.word_variants(qword.text))
    for variant, weight in list(found.items()):
        edits = _max_edits(variant)
        if edits:
            for other, distance, _i in process.extract(
                variant, vocabulary, scorer=OSA.distance, score_cutoff=edits, limit=None
            ):
                quality = weight * (FUZZY_1 if distance == 1 else FUZZY_2) if distance else weight
                if quality > found.get(other, 0):
                    found[other] = quality
    if qword.prefix and len(qword.text) >= 4:
        for other in vocabulary:
            if other.startswith(qword.text) and other != qword.text and found.get(other, 0) < PREFIX:
                found[other] = PREFIX
    return found


def _expand(qwords: list[QueryWord]) -> list[dict[int, float]]:
    """For each query word: vocabulary word id → quality of the match."""
    vocabulary = VOCABULARY.current()
    strings = [_word_strings(q, vocabulary) for q in qwords]
    wanted = {s for found in strings for s in found}
    ids = dict(NameWord.objects.filter(word__in=wanted).values_list("word", "id")) if wanted else {}
    return [{ids[s]: quality for s, quality in found.items() if s in ids} for found in strings]


@dataclass
class NameMatch:
    person_id: int
    score: float
    exact: bool  # every query word matched one of her words as typed


@dataclass
class MatchResult:
    matches: list[NameMatch] = field(default_factory=list)
    too_broad: bool = False  # more candidates than the limit: nothing ranked, ask for one more word
    candidates: int = 0
    # Ranked only the people matching every query word: too many matched all but one (see ``match_people``).
    every_word_needed: bool = False


def _chunks(items: list, size: int = 900):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _score(qwords: list[QueryWord], expansions: list[dict[int, float]], words: list[tuple]) -> NameMatch:
    """Rank one candidate. ``words``: her (field, position, word_id) rows."""
    # Best pairs first, each of her words used once: (quality, query index, her word index).
    pairs = sorted(
        (
            (expansions[qi].get(word_id, 0.0), qi, wi)
            for qi in range(len(qwords))
            for wi, (_f, _p, word_id) in enumerate(words)
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    assigned: dict[int, tuple[float, int]] = {}
    used: set[int] = set()
    for quality, qi, wi in pairs:
        if quality <= 0:
            break
        if qi in assigned or wi in used:
            continue
        assigned[qi] = (quality, wi)
        used.add(wi)
    quality_part = sum(q for q, _wi in assigned.values()) / len(qwords)
    per_field: dict[str, list[int]] = {}
    for wi, (field_name, _p, _w) in enumerate(words):
        per_field.setdefault(field_name, []).append(wi)
    weight_total = sum(FIELD_WEIGHTS[f] for f in per_field)
    coverage = (
        sum(FIELD_WEIGHTS[f] * sum(wi in used for wi in wis) / len(wis) for f, wis in per_field.items())
        / weight_total
        if weight_total
        else 0.0
    )
    penalty = 0.0
    where = {words[wi][0]: qi for qi, (_q, wi) in sorted(assigned.items(), reverse=True)}
    if (
        NameField.SURNAME1 in where
        and NameField.SURNAME2 in where
        and where[NameField.SURNAME2] < where[NameField.SURNAME1]
    ):
        penalty += SURNAME_ORDER_PENALTY
    for qi, (_q, wi) in assigned.items():
        if qwords[qi].hint and qwords[qi].hint != words[wi][0]:
            penalty += WRONG_FIELD_PENALTY
    score = max(0.0, min(1.0, 0.55 * quality_part + 0.45 * coverage - penalty))
    exact = len(assigned) == len(qwords) and all(q >= names.EXACT for q, _wi in assigned.values())
    return NameMatch(person_id=0, score=score, exact=exact)


def match_people(
    qwords: list[QueryWord], *, among: QuerySet | None = None, limit: int | None = None
) -> MatchResult:
    """The people whose names match these words, best first (only those scoring ``MIN_SCORE`` or more).

    ``among`` restricts the candidates (e.g. the people a user may see); ``limit`` overrides the candidate
    limit. Past the limit, nothing is ranked and ``too_broad`` is set: never a silently partial answer.
    """
    qwords = [q for q in qwords if q.text]
    if not qwords:
        return MatchResult()
    expansions = _expand(qwords)
    groups = [set(e) for e in expansions if e]
    if not groups:
        return MatchResult()
    needed = len(qwords) if len(qwords) <= 2 else len(qwords) - 1
    if len(groups) < needed:
        return MatchResult()
    postings = PersonNameWord.objects.filter(word_id__in=set().union(*groups))
    if among is not None:
        postings = postings.filter(person_id__in=among.values("id"))
    # One flag per query word (does she have any word it matched?); enough of them make her a candidate.
    flags = [
        Max(Case(When(word_id__in=group, then=Value(1)), default=Value(0), output_field=IntegerField()))
        for group in groups
    ]
    limit = candidate_limit() if limit is None else limit
    by_person = postings.values("person_id").annotate(hits=reduce(operator.add, flags)).order_by()

    def having(hits: int) -> list[int]:
        return list(by_person.filter(hits__gte=hits).values_list("person_id", flat=True)[: limit + 1])

    candidates, strict = having(needed), False
    if len(candidates) > limit and needed < len(groups):
        # Too many match all but one word: rank those who match every word (they rank above them anyway,
        # but for a typo past the edit distance), and say so.
        candidates, strict = having(len(groups)), True
    if len(candidates) > limit:
        return MatchResult(too_broad=True, candidates=len(candidates))
    words_of: dict[int, list[tuple]] = {}
    for chunk in _chunks(candidates):
        for person_id, field_name, position, word_id in (
            PersonNameWord.objects.filter(person_id__in=chunk)
            .order_by("person_id", "field", "position")
            .values_list("person_id", "field", "position", "word_id")
        ):
            words_of.setdefault(person_id, []).append((field_name, position, word_id))
    matches = []
    for person_id, words in words_of.items():
        match = _score(qwords, expansions, words)
        if match.score >= MIN_SCORE:
            match.person_id = person_id
            matches.append(match)
    matches.sort(key=lambda m: (-m.score, m.person_id))
    return MatchResult(matches=matches, candidates=len(candidates), every_word_needed=strict)
