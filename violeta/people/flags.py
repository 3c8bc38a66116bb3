"""Flags beside her name wherever it appears to staff: high risk, a protection order in force, "no llamar",
"no dejar mensaje", the internal protocol, children in the case. So nobody phones her the wrong way or misses a
risk. A registry the people app owns.

The facts behind the flags belong to apps above people (cases, violence), which people never imports. Each
registers its source here from its ``AppConfig.ready``::

    flags.register("violence.protection_orders", for_people=orders_in_force)

``for_people(user, person_ids) -> dict[int, list[Flag]]``:

- only facts ``user`` may know: a flag that comes from a case is shown only to those who may see that case
  (``cases.selectors.case_visible_q``), so a flag never tells anyone about a case hidden from them (an
  internal-protocol case, a blocked record);
- a **bounded number of queries** for any number of people (a list of 500 names costs the same queries as one).

``flags_for(user, people)`` asks every source once and returns ``{person_id: [Flag, ...]}`` in a fixed order
(most serious first); ``annotate(user, people)`` sets ``person.flags`` on each object for the templates
(``people/_flags.html``). Registering a name again replaces it.

A source may also answer for another one about some of the people, within its own query
(``register(..., answers=(SAFE_CONTACT,))``, returning an ``Answer``): the cases source reads the safe contact
of the holders of the cases the user may see, who are people she may see, so this module's own source is asked
only about the others (on a list of cases, nobody: one query less per page, issue 22).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

DANGER = "danger"
WARNING = "warning"
INFO = "info"
_LEVEL_ORDER = {DANGER: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Flag:
    code: str  # "high_risk", "protection_order", "no_call", "no_message", "internal_protocol", "children"
    label: str  # short, shown beside her name ("Riesgo alto", "No llamar")
    level: str = INFO  # DANGER, WARNING or INFO: its colour and its place in the row
    title: str = ""  # a longer explanation for the tooltip and screen readers, no detail of her story

    def sort_key(self):
        return (_LEVEL_ORDER.get(self.level, 9), self.code)


# This module's own source: her safe-contact rules.
SAFE_CONTACT = "people.safe_contact"


class Answer(dict):
    """A source's ``{person_id: [Flag, ...]}``, and the people about whom it also gave other sources' flags:
    ``answered[name]`` (the ids it answered for source ``name``, even those with no flag)."""

    def __init__(self, found=(), answered: dict[str, set[int]] | None = None):
        super().__init__(found)
        self.answered = answered or {}


_SOURCES: dict[str, Callable[..., dict[int, list[Flag]]]] = {}
_ANSWERS: dict[str, tuple[str, ...]] = {}


def register(
    name: str, *, for_people: Callable[..., dict[int, list[Flag]]], answers: tuple[str, ...] = ()
) -> None:
    """Add (or replace) a source of flags. ``answers``: the other sources it may answer for (its ``Answer``
    says about whom); it is asked before them."""
    _SOURCES[name] = for_people
    _ANSWERS[name] = tuple(answers)


def registered() -> list[str]:
    return list(_SOURCES)


def _ids(people: Iterable) -> list[int]:
    ids = []
    for p in people:
        pk = p if isinstance(p, int) else getattr(p, "pk", None)
        if pk is not None and pk not in ids:
            ids.append(pk)
    return ids


def html_for(found: dict[int, list[Flag]]) -> dict[int, str]:
    """``{person_id: her flags as people/_flags.html renders them}`` for those with any: a long list renders each
    person's once instead of including the template on every line, and each distinct set of flags once."""
    from django.template.loader import render_to_string

    # Many people carry the same flags ("No llamar" alone, say): each set is rendered once for all of them.
    rendered: dict[tuple[Flag, ...], str] = {}
    html = {}
    for pk, flags in found.items():
        if flags:
            key = tuple(flags)
            if key not in rendered:
                rendered[key] = render_to_string("people/_flags.html", {"flags": flags})
            html[pk] = rendered[key]
    return html


def flags_for(user, people: Iterable) -> dict[int, list[Flag]]:
    """``{person_id: flags}`` for people (objects or ids), each list in a fixed order, no flag twice."""
    ids = _ids(people)
    result: dict[int, list[Flag]] = {pk: [] for pk in ids}
    if not ids:
        return result
    answered: dict[str, set[int]] = {}
    # The sources that answer for others first, so that those are asked only about the rest.
    for name in sorted(_SOURCES, key=lambda name: not _ANSWERS.get(name)):
        ask = [pk for pk in ids if pk not in answered.get(name, ())]
        if not ask:
            continue
        found = _SOURCES[name](user, ask)
        for other, among in getattr(found, "answered", {}).items():
            if other in _ANSWERS.get(name, ()):
                answered.setdefault(other, set()).update(among)
        for pk, flags in found.items():
            if pk in result:
                result[pk].extend(flags)
    for pk, flags in result.items():
        seen: dict[str, Flag] = {}
        for flag in sorted(flags, key=Flag.sort_key):
            seen.setdefault(flag.code, flag)
        result[pk] = list(seen.values())
    return result


def annotate(user, people: Iterable) -> None:
    """Set ``flags`` on each person object, and ``flags_html`` (people/_flags.html rendered once per person, for
    lists that would include it on every line); a bounded number of queries for the lot."""
    people = [p for p in people if p is not None]
    flags = flags_for(user, people)
    rendered = html_for(flags)
    for person in people:
        person.flags = flags.get(person.pk, [])
        person.flags_html = rendered.get(person.pk, "")


# --- Her safe-contact rules (people's own source) -------------------------------------------------------------


def safe_contact_flags(user, person_ids) -> dict[int, list[Flag]]:
    """ "No llamar", "No dejar mensaje", "No enviar SMS" from her ``SafeContactPreference``, for the people the
    user may see (one query). No flag without preferences recorded: the intake records them for everyone."""
    from violeta.people.models import SafeContactPreference
    from violeta.people.selectors import visible_people_among

    rows = SafeContactPreference.objects.filter(
        person_id__in=visible_people_among(user, person_ids).values("pk")
    )
    # Tuples, not model objects: ~1 ms less for a page's 35 people.
    fields = ("person_id", "phone_choice", "may_call", "may_leave_message", "may_sms")
    return {person_id: safe_contact_of(*prefs) for person_id, *prefs in rows.values_list(*fields)}


def safe_contact_of(phone_choice, may_call, may_leave_message, may_sms) -> list[Flag]:
    """Her safe-contact flags from her recorded preferences (``phone_choice`` None: none recorded, no flag).
    Also used by the sources that read her preferences within their own query (``Answer``)."""
    from django.utils.translation import gettext as _

    from violeta.people.models import PhoneChoice

    if phone_choice is None:
        return []
    no_phone = phone_choice == PhoneChoice.NONE
    mine = []
    if no_phone or not may_call:
        mine.append(Flag("no_call", _("Do not call"), DANGER, _("It is not safe to phone her")))
    elif not may_leave_message:
        mine.append(
            Flag("no_message", _("Do not leave a message"), WARNING, _("Do not leave her a voice message"))
        )
    if no_phone or not may_sms:
        mine.append(Flag("no_sms", _("Do not send SMS"), WARNING, _("It is not safe to send her SMS")))
    return mine
