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

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _
from rapidfuzz import process
from rapidfuzz.distance import OSA

from violeta.people import names
from violeta.people.models import NameField, NameWord, Person, PersonNamePair, PersonNameWord
from violeta.people.name_index import pair_key

FUZZY_1 = 0.8  # one letter off
FUZZY_2 = 0.65  # two letters off
PREFIX = 0.7  # the start of a longer word (the last word of a search, still being typed)
MIN_SCORE = 0.45
DEFAULT_CANDIDATE_LIMIT = 2000
RANK_CHUNK = 100  # candidates read and scored at a time, best first, until no one left can enter the results

# How much of her name each field is: the first surname identifies most, the second surname least.
FIELD_WEIGHTS = names.FIELD_WEIGHTS
# A name alone, however exact, is not as sure as the same CURP (1.0) or phone (0.9) at intake.
NAME_WEIGHT = 0.85
SAME_BIRTH_DATE, CLOSE_BIRTH_DATE, FAR_BIRTH_DATE = 0.15, 0.05, -0.25
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


_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)")
_YEAR_FIRST = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def split_birth_date(text: str) -> tuple[str, date | None]:
    """A birth date typed in the search box with the name ("María López 12/03/1985", day first as in Mexico, or
    1985-03-12; two-digit years are the last century's when past this year's): (the rest, the date).
    Raises ValidationError, in Spanish, for a date that does not exist or is in the future."""
    for pattern, order in ((_YEAR_FIRST, "ymd"), (_DAY_FIRST, "dmy")):
        found = pattern.search(text)
        if not found:
            continue
        parts = dict(zip(order, (int(g) for g in found.groups()), strict=True))
        if parts["y"] < 100:
            this_year = date.today().year % 100
            parts["y"] += 1900 if parts["y"] > this_year else 2000
        try:
            born = date(parts["y"], parts["m"], parts["d"])
        except ValueError:
            raise ValidationError(
                _("The date %(date)s does not exist. Type it as day/month/year, e.g. 12/03/1985.")
                % {"date": found.group(0)},
                code="invalid_date",
            ) from None
        if born > date.today():
            raise ValidationError(
                _("The date %(date)s is in the future.") % {"date": found.group(0)}, code="future_date"
            )
        return (text[: found.start()] + " " + text[found.end() :]).strip(), born
    return text, None


def form_words(given_names: str = "", first_surname: str = "", second_surname: str = "") -> list[QueryWord]:
    """The words of a name typed field by field (the intake form)."""
    fields = names.analyse(given_names or "", first_surname or "", second_surname or "")
    return [QueryWord(word, hint=field_name) for field_name, _pos, word in fields.items()]


class _Vocabulary:
    """The name words, kept in memory for edit-distance matching. Words are only ever added: the copy is reloaded
    when the newest word id changes (another process added one) or when this process added one (``invalidate``)."""

    def __init__(self):
        self._latest = None
        self.words: list[str] = []

    def invalidate(self) -> None:
        self._latest = None

    def current(self) -> list[str]:
        latest = NameWord.objects.aggregate(latest=Max("id"))["latest"]
        if latest is None or latest != self._latest:
            self.words = list(NameWord.objects.values_list("word", flat=True))
            self._latest = latest
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
    score: float  # what results are ordered by: the name, weighed with her birth date when one was given
    exact: bool  # every query word matched one of her words as typed
    name_score: float = 0.0  # the name alone (0–1)
    born_reason: str = ""  # "same date of birth", "close date of birth" or ""


@dataclass
class MatchResult:
    matches: list[NameMatch] = field(default_factory=list)
    too_broad: bool = False  # more candidates than the limit: nothing ranked, ask for one more word
    candidates: int = 0
    # Ranked only the people matching every query word: too many matched all but one (see ``match_people``).
    every_word_needed: bool = False
    # The name alone was too broad: ranked only the people born within a year of the birth date given.
    narrowed_by_birth: bool = False


def birth_date_evidence(wanted: date | None, found: date | None) -> tuple[float, str]:
    """How much her recorded birth date adds to (or takes from) a name match, and why (shown to staff)."""
    if not wanted or not found:
        return 0.0, ""
    if wanted == found:
        return SAME_BIRTH_DATE, _("same date of birth")
    swapped = wanted.month == found.day and wanted.day == found.month and wanted.year == found.year
    if swapped or abs((wanted - found).days) <= 366:
        return CLOSE_BIRTH_DATE, _("close date of birth")
    if abs(wanted.year - found.year) > 5:
        return FAR_BIRTH_DATE, ""
    return 0.0, ""


def _chunks(items: list, size: int = 900):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _score(qwords: list[QueryWord], expansions: list[dict[int, float]], words: list[tuple]) -> NameMatch:
    """Rank one candidate. ``words``: her (field, position, word_id) rows."""
    # Best pairs first, each of her words used once: (quality, query index, her word index).
    pairs = sorted(
        (
            (quality, qi, wi)
            for qi in range(len(qwords))
            for wi, (_f, _p, word_id) in enumerate(words)
            if (quality := expansions[qi].get(word_id, 0.0)) > 0
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    assigned: dict[int, tuple[float, int]] = {}
    used: set[int] = set()
    for quality, qi, wi in pairs:
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
    return NameMatch(person_id=0, score=score, exact=exact, name_score=score)


def _best_possible(words_matched: int, words_typed: int, shape: tuple[int, float] | None) -> float:
    """The highest score a person matching that many of the typed words can reach by her name (every match
    exact): people below it need not be read once enough people are above it. ``shape``: how many words her name
    has, and the least share of it one of them uncovers when unmatched (its field's weight over the words in
    that field; the pair index has both)."""
    coverage = 1.0
    if shape:
        her_words, least = shape
        coverage = max(0.0, 1.0 - least * max(0, her_words - min(words_matched, words_typed)))
    return min(1.0, 0.55 * words_matched / words_typed + 0.45 * coverage) * NAME_WEIGHT


def _words_matched_at_most(pairs_found: int) -> int:
    """A person who matches m typed words with m of her words has at least m·(m−1)/2 of the query's pairs."""
    m = 1
    while (m + 1) * m // 2 <= pairs_found:
        m += 1
    return m


def _distinct_sets(key_sets: list[list[int]]) -> int:
    """How many of these pair sets share no key with another (sets that share keys count once: a person may have
    one pair that is in both, as when a word is typed twice, "López López")."""
    groups: list[set[int]] = []
    for keys in key_sets:
        keys = set(keys)
        for group in [g for g in groups if g & keys]:
            keys |= group
            groups.remove(group)
        groups.append(keys)
    return len(groups)


class _Search:
    """One search: finds the candidates in the word and pair index, then ranks them (see ``match_people``)."""

    def __init__(self, qwords, expansions, groups, *, among, limit, born):
        self.qwords, self.expansions, self.groups = qwords, expansions, groups
        self.among, self.limit, self.born = among, limit, born
        self.years = None
        # What the pair index says of the candidates: birth year; how many words her name has, and the least
        # share of it one of them uncovers when unmatched.
        self.born_years: dict[int, int | None] = {}
        self.name_shapes: dict[int, tuple[int, float]] = {}

    def _rows(self, model, **lookup):
        rows = model.objects.filter(**lookup)
        if self.years and model is PersonNamePair:
            rows = rows.filter(born_year__range=self.years)
        elif self.years:
            rows = rows.filter(person__birth_date__year__range=self.years)
        if self.among is not None:
            rows = rows.filter(person_id__in=self.among.values("id"))
        return rows

    def one_word(self) -> Counter | None:
        """People with a word matching the only word that matched anything (None: more than the limit)."""
        ids = set()
        rows = self._rows(PersonNameWord, word_id__in=self.groups[0]).values_list("person_id", flat=True)
        for person_id in rows.distinct()[: self.limit + 1]:
            ids.add(person_id)
        return None if len(ids) > self.limit else Counter(dict.fromkeys(ids, 0))

    def _pairs_where(self, keys: list[int]) -> tuple[str, list]:
        """The WHERE of a read of the pair index: these keys, the birth years, the people the user may see. Raw
        SQL, as the two reads below run on every search and Django's row converters were a third of their time."""
        sql, params = f"pair IN ({', '.join(['%s'] * len(keys))})", list(keys)
        if self.years:
            sql, params = sql + " AND born_year BETWEEN %s AND %s", [*params, *self.years]
        if self.among is not None:
            among, among_params = self.among.order_by().values("id").query.sql_with_params()
            sql, params = sql + f" AND person_id IN ({among})", [*params, *among_params]
        return sql, params

    def pair_sizes(self) -> dict[tuple[int, int], tuple[list[int], int]]:
        """For each two typed words: the pair keys and how many people have them (counted up to the limit), in
        one statement."""
        table = PersonNamePair._meta.db_table
        keys_of = {
            (i, j): sorted({pair_key(a, b) for a in self.groups[i] for b in self.groups[j]})
            for i, j in combinations(range(len(self.groups)), 2)
        }
        parts, params = [], []
        for n, keys in enumerate(keys_of.values()):
            if keys:
                where, where_params = self._pairs_where(keys)
                parts.append(
                    f"SELECT {n}, COUNT(*) FROM (SELECT 1 FROM {table} WHERE {where} LIMIT %s) AS probe{n}"  # noqa: S608
                )
                params += [*where_params, self.limit + 1]
        counted = {}
        if parts:
            with connection.cursor() as cursor:
                cursor.execute(" UNION ALL ".join(parts), params)
                counted = dict(cursor.fetchall())
        return {pair: (keys, counted.get(n, 0)) for n, (pair, keys) in enumerate(keys_of.items())}

    def people_with(self, keys: list[int]) -> Counter:
        """Person id → how many of these pairs she has; what the same rows say of her birth year and her name's
        shape goes to ``born_years`` and ``name_shapes``."""
        table = PersonNamePair._meta.db_table
        found = Counter()
        with connection.cursor() as cursor:
            for chunk in _chunks(keys):
                where, params = self._pairs_where(chunk)
                cursor.execute(
                    f"SELECT person_id, COUNT(*), MAX(born_year), MAX(words), MAX(least_loss) FROM {table}"  # noqa: S608
                    f" WHERE {where} GROUP BY person_id",
                    params,
                )
                for person_id, hits, year, words, loss in cursor.fetchall():
                    found[person_id] += hits
                    self.born_years[person_id] = year
                    self.name_shapes[person_id] = (words, loss / 1000)
        return found

    def candidates(self, need: int) -> tuple[Counter | None, bool]:
        """People matching at least ``need`` of the typed words that matched anything (person → pairs found),
        or None when more than the limit; and whether only those matching every word are ranked."""
        m = len(self.groups)
        if m == 1:
            return self.one_word(), False
        sizes = self.pair_sizes()
        small = {pair: keys for pair, (keys, size) in sizes.items() if size <= self.limit}
        if need < m:
            # A person missing one typed word has every pair of the others: for three words each pair counts;
            # from four, two pairs without a word in common cover her (whichever word she misses).
            covers = (
                [list(sizes)]
                if m == 3
                else [
                    [a, b]
                    for a, b in combinations(sizes, 2)
                    if not set(a) & set(b) and a in small and b in small
                ]
            )
            if any(all(pair in small for pair in cover) for cover in covers):
                found = self.people_with([k for keys in small.values() for k in keys])
                # She has at least need − 1 distinct pairs of the query (fewer than all need·(need−1)/2 when a
                # word is repeated: "López López" is one pair).
                least = max(1, need - 1)
                found = Counter({pk: hits for pk, hits in found.items() if hits >= least})
                if len(found) <= self.limit:
                    return found, False
        # Every word needed: the smallest pairs that together cover every typed word.
        cover, covered = [], set()
        for pair, _keys in sorted(small.items(), key=lambda item: sizes[item[0]][1]):
            if not set(pair) <= covered:
                cover.append(pair)
                covered |= set(pair)
        if covered != set(range(m)):
            return None, True
        found = self.people_with([k for pair in cover for k in small[pair]])
        found = Counter(
            {pk: hits for pk, hits in found.items() if hits >= _distinct_sets([small[p] for p in cover])}
        )
        return (found if len(found) <= self.limit else None), True

    def _date_at_most(self, person_id: int) -> float:
        """The most her birth date can add, known from her birth year alone (the pair index has it)."""
        if not self.born or person_id not in self.born_years:
            return SAME_BIRTH_DATE if self.born else 0.0
        year = self.born_years[person_id]
        if year is None:
            return 0.0
        apart = abs(year - self.born.year)
        if apart > 5:
            return FAR_BIRTH_DATE
        return SAME_BIRTH_DATE if apart == 0 else CLOSE_BIRTH_DATE if apart <= 2 else 0.0

    def _date_evidence(self, person_ids: list[int]) -> dict[int, tuple[float, str]]:
        """Her birth date's evidence; read from her record only when her birth year is within two years."""
        if not self.born:
            return {}
        evidence, read = {}, []
        for pk in person_ids:
            year = self.born_years.get(pk, -1)
            if year is None:
                evidence[pk] = (0.0, "")
            elif year == -1 or abs(year - self.born.year) <= 2:
                read.append(pk)
            else:
                evidence[pk] = (FAR_BIRTH_DATE if abs(year - self.born.year) > 5 else 0.0, "")
        for pk, found in Person.objects.filter(id__in=read).values_list("id", "birth_date"):
            evidence[pk] = birth_date_evidence(self.born, found)
        return evidence

    def rank(self, found: Counter, top: int | None) -> list[NameMatch]:
        """Score the candidates, the most promising first (most pairs, closest birth year); stop when no one left
        can enter the first ``top``."""
        typed = len(self.qwords)
        bounds: dict[tuple, float] = {}  # many candidates share a bound: compute each once
        best = {}
        for pk, hits in found.items():
            key = (hits, self.name_shapes.get(pk), self.born_years.get(pk, -1))
            if key not in bounds:
                matched = _words_matched_at_most(hits) if hits else 1
                bounds[key] = _best_possible(matched, typed, key[1]) + self._date_at_most(pk)
            best[pk] = bounds[key]
        order = sorted(best, key=lambda pk: (-best[pk], pk))
        ranked: list[NameMatch] = []
        for chunk in _chunks(order, RANK_CHUNK):
            if top and len(ranked) >= top:
                ranked.sort(key=lambda match: (-match.score, match.person_id))
                if ranked[top - 1].score > best[chunk[0]]:
                    break
            rows = PersonNameWord.objects.filter(person_id__in=chunk).order_by(
                "person_id", "field", "position"
            )
            words_of: dict[int, list[tuple]] = {}
            for person_id, *word in rows.values_list("person_id", "field", "position", "word_id"):
                words_of.setdefault(person_id, []).append(tuple(word))
            scored = []
            for person_id, words in words_of.items():
                match = _score(self.qwords, self.expansions, words)
                if match.score >= MIN_SCORE:
                    match.person_id = person_id
                    scored.append(match)
            evidence = self._date_evidence([match.person_id for match in scored])
            for match in scored:
                delta, match.born_reason = evidence.get(match.person_id, (0.0, ""))
                match.score = max(0.0, min(1.0, match.name_score * NAME_WEIGHT + delta))
                ranked.append(match)
        ranked.sort(key=lambda match: (-match.score, match.person_id))
        return ranked[:top] if top else ranked


def match_people(
    qwords: list[QueryWord],
    *,
    among: QuerySet | None = None,
    limit: int | None = None,
    born: date | None = None,
    top: int | None = None,
) -> MatchResult:
    """The people whose names match these words, best first (only those whose name scores ``MIN_SCORE`` or more).

    ``among`` restricts the candidates (e.g. the people a user may see); ``limit`` overrides the candidate
    limit; ``born``, a birth date typed with the name: evidence in the ranking, and when the name alone has too
    many candidates, the ranking is among the people born within a year of it (``narrowed_by_birth``); ``top``:
    how many results the caller shows (the rest need not be ranked). Past the limit, nothing is ranked and
    ``too_broad`` is set: never a silently partial answer.
    """
    qwords = [q for q in qwords if q.text]
    if not qwords:
        return MatchResult()
    expansions = _expand(qwords)
    kept = [(q, e) for q, e in zip(qwords, expansions, strict=True) if e]
    needed = len(qwords) if len(qwords) <= 2 else len(qwords) - 1
    if len(kept) < needed:
        return MatchResult()
    groups = [set(e) for _q, e in kept]
    search = _Search(
        qwords,
        expansions,
        groups,
        among=among,
        limit=candidate_limit() if limit is None else limit,
        born=born,
    )
    found, strict = search.candidates(needed)
    narrowed = False
    if born and (found is None or (strict and needed < len(groups))):
        # Too many for the name alone (or for all but one of its words): among the people born within a year
        # of the date typed, as many as the name's words allow.
        search.years = (born.year - 1, born.year + 1)
        near, near_strict = search.candidates(needed)
        if near is not None:
            for pk, hits in (found or {}).items():
                near[pk] = max(near[pk], hits)
            found, strict, narrowed = near, near_strict, True
    if found is None:
        return MatchResult(too_broad=True, candidates=search.limit + 1)
    return MatchResult(
        matches=search.rank(found, top),
        candidates=len(found),
        every_word_needed=strict and needed < len(groups),
        narrowed_by_birth=narrowed,
    )
