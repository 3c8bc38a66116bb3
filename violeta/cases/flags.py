"""What the case file puts beside her name (``people.flags``): an internal-protocol case, children in the case;
and her reminders in "Mis pendientes" (``cases.pending``: notices are an app below cases, which cannot register
there itself). Registered from ``CasesConfig.ready``."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.cases import pending
from violeta.cases.models import ACTIVE_STATUSES, CaseParty, Relation
from violeta.cases.selectors import visible_cases
from violeta.notifications.models import Notification
from violeta.people import flags

CHILD_RELATIONS = (Relation.DAUGHTER, Relation.SON, Relation.MINOR_IN_CARE)
# A notice delivered at least this long after it was written was scheduled: a reminder.
REMINDER_MIN_DELAY = timezone.timedelta(minutes=5)


@dataclass(frozen=True)
class CaseFacts:
    """Facts about her cases that an app above cases puts beside her name, asked within ``case_flags``' one
    query rather than in a query of its own (each query of a flag source cost a page 3-5 ms of ORM work for
    ~1 ms of SQL: issue 22).

    ``annotate(today)``: ``{name: expression}`` over a case (``OuterRef("pk")`` is the case); ``flags(row)``:
    her flags from one row (the case's ``holder_id``, ``status``, ``is_priority``, ``is_internal_protocol`` and
    the names), deciding from the row alone: every case of hers the user may see is a row."""

    annotate: Callable[..., dict]
    flags: Callable[[dict], list[flags.Flag]]


_FACTS: dict[str, CaseFacts] = {}


def register_facts(name: str, facts: CaseFacts) -> None:
    """Add (or replace) an app's facts about her cases (from its ``AppConfig.ready``)."""
    _FACTS[name] = facts


# Her safe-contact preferences, read with her cases (``people.flags.Answer``): the holder of a case the user may
# see is someone she may see (she is a party of it; the rule leaves out blocked holders as the people rule does).
SAFE_CONTACT_FIELDS = tuple(
    f"holder__safe_contact__{name}" for name in ("phone_choice", "may_call", "may_leave_message", "may_sms")
)


def case_flags(user, person_ids) -> flags.Answer:
    """For the holders of the cases the user may see (one query, whatever the number of people and of facts
    registered): "Protocolo interno" for an internal-protocol case (seen only by its designated staff and the
    director), "Con hijas o hijos" for an active case with children or adolescents in it, the flags of the
    facts other apps registered (``register_facts``: "Riesgo alto", "Orden de protección"), and her safe-contact
    flags ("No llamar": answered for ``people.flags``' own source, which is then asked about the others only)."""
    today = timezone.localdate()
    children = CaseParty.objects.filter(case=OuterRef("pk"), relation__in=CHILD_RELATIONS)
    annotations = {"children": Exists(children)}
    for facts in _FACTS.values():
        annotations.update(facts.annotate(today))
    # Every case of theirs she may see is a row (a few per person), each flag decided in Python: a filter on the
    # annotations would have Django write (and PostgreSQL run) each subquery twice, and no order is needed.
    rows = (
        visible_cases(user)
        .filter(holder_id__in=person_ids)
        .annotate(**annotations)
        .order_by()
        .values(
            "holder_id", "is_internal_protocol", "status", "is_priority", *SAFE_CONTACT_FIELDS, *annotations
        )
    )
    found: dict[int, list[flags.Flag]] = {}
    for row in rows:
        if row["holder_id"] not in found:  # her first case: her safe contact, once
            found[row["holder_id"]] = flags.safe_contact_of(*(row[name] for name in SAFE_CONTACT_FIELDS))
        mine = found[row["holder_id"]]
        if row["is_internal_protocol"]:
            mine.append(
                flags.Flag(
                    code="internal_protocol",
                    label=_("Internal protocol"),
                    level=flags.WARNING,
                    title=_(
                        "A case under the municipality's internal protocol: only designated staff see it"
                    ),
                )
            )
        if row["children"] and row["status"] in ACTIVE_STATUSES:
            mine.append(
                flags.Flag(
                    code="children",
                    label=_("Children in the case"),
                    level=flags.INFO,
                    title=_("Daughters, sons or minors in her care are part of the case"),
                )
            )
        for facts in _FACTS.values():
            mine.extend(facts.flags(row))
    return flags.Answer(found, answered={flags.SAFE_CONTACT: set(found)})


def reminders_due(user, *, scope, today, limit=None) -> list[pending.PendingItem]:
    """Her own reminders (notices given at a time set in advance: a hearing's eve, a plan's review) that have
    come and she has not read, without those about a case she may no longer see. One query, two when any is about
    a case. Only ``mine``: a reminder is nobody else's."""
    if scope != pending.MINE or not user.is_authenticated:
        return []
    rows = (
        Notification.objects.visible()
        .filter(
            recipient_id=user.pk, read_at__isnull=True, deliver_at__gte=F("created_at") + REMINDER_MIN_DELAY
        )
        .only("id", "message", "url", "deliver_at", "case_id")
        .order_by("deliver_at", "id")
    )
    notices = list(rows)
    # The folio and holder of the cases they are about, among those she may see (one query, only if any is
    # about a case): the line links to her case with her flags, and a reminder about a case she may no longer
    # see is left out. The cases rule (the one notifications.visibility is given) is asked of these cases only:
    # as a filter of the first query it cost every "Mis pendientes" ~2 ms of ORM work, reminders or not.
    about = {n.case_id for n in notices if n.case_id}
    cases = (
        {
            pk: (folio, holder_id)
            for pk, folio, holder_id in visible_cases(user)
            .filter(pk__in_ids=sorted(about))
            .values_list("pk", "folio", "holder_id")
        }
        if about
        else {}
    )
    notices = [n for n in notices if n.case_id is None or n.case_id in cases]
    return [
        pending.PendingItem(
            kind="reminder",
            kind_label=_("Reminder"),
            title=notice.message,
            due=notice.deliver_at,
            url=notice.url,
            folio=cases.get(notice.case_id, ("", None))[0],
            case_id=notice.case_id,
            person_id=cases.get(notice.case_id, ("", None))[1],
            weight=3,
        )
        for notice in notices
    ]


def register() -> None:
    flags.register("cases.case", for_people=case_flags, answers=(flags.SAFE_CONTACT,))
    pending.register("notifications.reminders", items=reminders_due)
