"""Reads of people. Anything that shows a person's data goes through ``access_person`` or is audited here.

Who may see a person is decided by the cases she is in; that rule belongs to the cases app, above this one, and
reaches these reads through the hook ``people.visibility`` (see its docstring for why a hook and not a move).
"""

import contextlib
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.core.validators import parse_curp, parse_phone
from violeta.people import matching, signature, visibility
from violeta.people.models import Consent, Person


@dataclass
class Candidate:
    """A person who may be the one being registered, with why we think so (shown to staff at intake)."""

    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)


class Candidates(list):
    """The candidates, best first; ``too_broad`` when the name alone matched more people than can be ranked
    (``people.matching``): then only CURP, phone and, when given, birth date narrowed the name."""

    too_broad: bool = False


class DuplicateMatches(list):
    """What the desk is shown, best first; ``too_broad`` as in ``Candidates``: the desk is told that the name
    alone is too common to check, rather than shown an empty warning that reads as "not registered"."""

    too_broad: bool = False


# The search box shows the 20 people most like what was typed: enough to find her when the name is common (with
# her birth date, she is first), and no more people's names on the screen than that takes (each one shown is
# an audited view of her data).
SEARCH_LIMIT = 20


class SearchResults(list):
    """The people found, best first; ``too_broad`` when the name matched more people than can be ranked (the
    page asks for one more word: nobody is silently left out); ``narrowed_by_birth`` when it did, and the birth
    date typed with it narrowed the ranking to the people born within a year of it (the page says so)."""

    too_broad: bool = False
    narrowed_by_birth: bool = False
    limit: int = 0  # how many may be shown: when that many are, the page suggests narrowing the search


def duplicate_candidates(
    *,
    given_names: str = "",
    first_surname: str = "",
    second_surname: str = "",
    curp: str | None = None,
    phone: str | None = None,
    birth_date: date | None = None,
    limit: int = 8,
) -> Candidates:
    """The people already registered who are likely the one about to be registered, best first.

    Exact on CURP and phone; names through ``people.matching`` (the same engine as the search box: accents,
    case, abbreviations, nicknames, particles, typos, surname order); close on birth date. This is a pure read:
    the caller audits what it shows.
    """
    found: dict[int, Candidate] = {}

    def bump(pk: int, score: float, reason: str) -> None:
        cand = found.setdefault(pk, Candidate(person=None, score=0.0))
        cand.score = max(cand.score, score)
        if reason and reason not in cand.reasons:
            cand.reasons.append(reason)

    if curp:
        try:
            curp = parse_curp(curp)
        except ValidationError:
            curp = None
    if curp:
        for pk in Person.objects.filter(curp=curp).values_list("id", flat=True):
            bump(pk, 1.0, _("same CURP"))
    if phone:
        try:
            phone = parse_phone(phone)
        except ValidationError:
            phone = None
    if phone:
        for pk in Person.objects.filter(Q(phone=phone) | Q(phone_alt=phone)).values_list("id", flat=True):
            bump(pk, 0.9, _("same phone"))
    qwords = matching.form_words(given_names, first_surname, second_surname)
    # Her birth date is evidence in the ranking and, when the name alone is too common, narrows it to the
    # people born within a year of it (``people.matching``).
    result = matching.match_people(qwords, born=birth_date, top=limit + 5)
    for match in result.matches:
        bump(match.person_id, match.name_score * matching.NAME_WEIGHT, _("similar name"))

    # A blocked record (her ARCO cancellation) is out of every processing but the director's: never offered.
    people = (
        Person.objects.filter(blocked_at__isnull=True).select_related("neighborhood").in_bulk(found.keys())
    )
    results = []
    for pk, cand in found.items():
        if pk not in people:
            continue
        cand.person = people[pk]
        delta, reason = matching.birth_date_evidence(birth_date, cand.person.birth_date)
        cand.score = max(0.0, min(1.0, cand.score + delta))
        if reason:
            cand.reasons.append(reason)
        if cand.score >= matching.MIN_SCORE * matching.NAME_WEIGHT:
            results.append(cand)
    results.sort(key=lambda c: (-c.score, c.person.full_name))
    shown = Candidates(results[:limit])
    shown.too_broad = result.too_broad
    return shown


DUPLICATE_KEYS = ("given_names", "first_surname", "second_surname", "curp", "phone", "birth_date")


@dataclass(frozen=True)
class DuplicateMatch:
    """What the intake desk is shown of a possible existing record: enough to tell two women apart, no more.

    Any intake role may type a name, a CURP or a phone, so this is a window on the whole registry: it carries
    her name, her age (never the birth date), her colonia and, only when the phone typed is one of hers, the
    last digits of that phone. Never her CURP, address, other phone, e-mail, cases or safe-contact rules; the
    template gets this and not the Person, so it cannot show more by mistake.
    """

    person_id: int
    name: str
    age: int | None
    neighborhood: str
    phone_tail: str
    reasons: tuple[str, ...]


def _matched_phone_tail(person: Person, typed_phone: str | None) -> str:
    if not typed_phone:
        return ""
    try:
        typed_phone = parse_phone(typed_phone)
    except ValidationError:
        return ""
    return typed_phone[-4:] if typed_phone in (person.phone, person.phone_alt) else ""


def duplicate_matches(user, candidates: list[Candidate], *, phone: str | None = None) -> DuplicateMatches:
    """What the desk is shown of ``duplicate_candidates``, audited: one lookup event for the search (how many
    were shown, never what was typed) and one per person shown."""
    matches = DuplicateMatches(
        DuplicateMatch(
            person_id=c.person.pk,
            name=c.person.full_name,
            age=c.person.age(),
            neighborhood=c.person.neighborhood.name if c.person.neighborhood_id else "",
            phone_tail=_matched_phone_tail(c.person, phone),
            reasons=tuple(c.reasons),
        )
        for c in candidates
    )
    matches.too_broad = getattr(candidates, "too_broad", False)
    audit_record(
        actor=user,
        action=Action.LOOKUP,
        object_type="people.duplicate_check",
        detail=f"verificación de duplicados en entrevista: {len(matches)} coincidencias",
    )
    audit_many(
        actor=user,
        action=Action.LOOKUP,
        objects=[c.person for c in candidates],
        detail="posible duplicado en entrevista",
    )
    return matches


def intake_duplicate_check(user, **typed) -> DuplicateMatches:
    """The people already registered who may be the one at the desk, as the desk may see them (audited)."""
    typed = {k: typed.get(k) for k in DUPLICATE_KEYS}
    return duplicate_matches(user, duplicate_candidates(**typed), phone=typed["phone"])


def visible_people(user) -> QuerySet[Person]:
    """People in the cases the user may see (the director: everyone). The cases rule comes through
    ``people.visibility``, which the cases app fills (people sits below cases)."""
    if not user.is_authenticated:
        return Person.objects.none()
    if user.is_director:
        return Person.objects.all()
    cases = visibility.visible_cases(user)
    if cases is None:
        return Person.objects.none()
    # A blocked person (ARCO cancellation) is seen by the director only.
    return Person.objects.filter(case_parties__case__in=cases, blocked_at__isnull=True).distinct()


def visible_people_among(user, person_ids) -> QuerySet[Person]:
    """Those of ``person_ids`` the user may see (``visible_people``'s rule), asked of these people only: each of
    their cases probed by id against the cases rule. ``visible_people(user)`` as a subquery made PostgreSQL hash
    every case she may see and every person (2-3 s for 25 flags at a state's scale); this one stays bounded by
    the ids, as a subquery too."""
    ids = {pk for pk in person_ids if pk}
    if not (ids and user.is_authenticated):
        return Person.objects.none()
    if user.is_director:
        return Person.objects.filter(pk__in=ids)
    cases = visibility.visible_cases(user)
    if cases is None:
        return Person.objects.none()
    # ``pk <= case`` is true; being no equality, it keeps the probe from being turned into a hash of every case.
    case = OuterRef("case_parties__case")
    return Person.objects.filter(pk__in=ids, blocked_at__isnull=True).filter(
        Exists(cases.filter(pk=case, pk__lte=case))
    )


def access_person(user, pk: int, *, detail: str = "") -> Person:
    """The person, if the user may see her; otherwise 404 (never 403), and the refusal is audited."""
    person = visible_people(user).filter(pk=pk).select_related("neighborhood", "safe_contact").first()
    if person is None:
        audit_denied(actor=user, object_type="people.person", object_id=pk)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=person, detail=detail)
    return person


def person_search(user, query: str, *, limit: int = SEARCH_LIMIT) -> SearchResults:
    """Search the people the user may see, by CURP, phone or name (``people.matching``, the engine of the
    intake's duplicate warning too), best first. A birth date typed with the name (12/03/1985, 1985-03-12)
    ranks as it does at intake. Audits the search (never what was typed) and the people shown.
    ``too_broad`` on the result: the name matched more people than can be ranked; ask for one more word."""
    query = (query or "").strip()
    results = SearchResults()
    results.limit = limit
    if len(query) < 3:
        return results
    try:
        words, born = matching.split_birth_date(query)
    except ValidationError:  # an impossible date: the form says so; here, search the words as typed
        words, born = query, None
    base = visible_people(user).select_related("neighborhood")
    with contextlib.suppress(ValidationError):
        results.extend(base.filter(curp=parse_curp(query))[:limit])
    if not results and sum(ch.isdigit() for ch in query) >= 7:
        try:
            phone = parse_phone(query)
            results.extend(base.filter(Q(phone=phone) | Q(phone_alt=phone))[:limit])
        except ValidationError:
            pass
    if not results:
        found = matching.match_people(
            matching.search_words(words),
            among=None if user.is_director else visible_people(user),
            born=born,
            top=limit,
        )
        results.too_broad = found.too_broad
        results.narrowed_by_birth = found.narrowed_by_birth
        ids = [m.person_id for m in found.matches[:limit]]
        people = base.in_bulk(ids)
        results.extend(people[pk] for pk in ids if pk in people)
    audit_record(
        actor=user,
        action=Action.LOOKUP,
        object_type="people.search",
        detail=f"búsqueda de personas: {len(results)} resultados"
        + (" (demasiado amplia)" if results.too_broad else ""),
    )
    audit_many(actor=user, action=Action.VIEW, objects=results, detail="resultado de búsqueda")
    return results


def access_consent(user, person_pk: int, consent_pk: int, *, detail: str = "consentimiento") -> Consent:
    """One of her consents, if the user may see her; otherwise 404 (audited). The read is audited."""
    person = access_person(user, person_pk, detail=detail)
    consent = (
        Consent.objects.filter(person=person, pk=consent_pk)
        .select_related("recorded_by", "witness", "revoked_by")
        .first()
    )
    if consent is None:
        audit_denied(actor=user, object_type="people.consent", object_id=consent_pk)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=consent, detail=detail)
    consent.person = person
    return consent


def access_consent_signature(user, person_pk: int, consent_pk: int) -> bytes:
    """Her signature on a consent (PNG bytes), read through the audit log; 404 if there is none to see."""
    consent = access_consent(user, person_pk, consent_pk, detail="firma del consentimiento")
    if not consent.signature_png:
        raise Http404
    return signature.decode(consent.signature_png)
