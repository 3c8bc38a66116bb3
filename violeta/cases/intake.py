"""Where an intake interview comes from: the registry of intake sources.

An intake (``services.intake_register``) is opened at the front desk, or from something another app keeps: a
phone call logged in the agenda, a referral a partner institution sent to the institute. The cases app sits
below those apps and cannot import them, so each one registers its source here from its ``AppConfig.ready()``::

    intake.register_source(
        "call",
        access=lambda user, key: access_call(user, key, detail="entrevista desde llamada"),
        prefill=call_intake_initial,
        link=lambda *, origin, case, by: phone_call_link_case(call=origin, case=case, by=by),
    )

- ``access(user, key)`` returns the origin object (the call, the inbound referral) if ``user`` may open an intake
  from it, and otherwise raises ``Http404`` (audited, as every ``access_*`` selector does).
- ``prefill(origin)`` returns an ``IntakeInitial``: what she already told, so it is not typed again.
- ``linked_message``: what the intake page says when the origin was linked to the active case file she already
  has (she was found by "Es ella"; ``services.intake_origin_link``), with ``%(folio)s``.
- ``link(origin=, case=, by=)`` links the origin back to the new case. It runs inside the intake's transaction:
  a ``ValidationError`` (the call was meanwhile linked to another case) refuses the intake and nothing of it is
  saved. It must lock and re-read its row (``select_for_update``) so that two intakes cannot take one origin.

The intake page opens a source's origin by ``?<name>=<key>`` (``cases:intake?call=12``) or by the source's own
URL routed to ``cases.views.intake`` with ``source=`` (``referrals:inbound_intake``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

# The intake with no origin: she came to the front desk (or the worker typed it all).
FRONT_DESK = "front_desk"


@dataclass(frozen=True)
class IntakeInitial:
    """The initial values of the intake page's three forms (person, safe contact, case)."""

    person: dict = field(default_factory=dict)
    safe_contact: dict = field(default_factory=dict)
    case: dict = field(default_factory=dict)


@dataclass(frozen=True)
class IntakeSource:
    name: str
    access: Callable[..., object]
    prefill: Callable[[object], IntakeInitial]
    link: Callable[..., object]
    linked_message: str = ""


_SOURCES: dict[str, IntakeSource] = {}


def register_source(
    name: str,
    *,
    access: Callable[..., object],
    prefill: Callable[[object], IntakeInitial],
    link: Callable[..., object],
    linked_message: str = "",
) -> None:
    """Register (or replace) the intake source ``name``; see the module docstring for the three callables."""
    if name == FRONT_DESK:
        raise ValueError(f"{FRONT_DESK!r} is the intake without an origin")
    _SOURCES[name] = IntakeSource(
        name=name, access=access, prefill=prefill, link=link, linked_message=linked_message
    )


def source(name: str) -> IntakeSource:
    """The registered source ``name``; ``LookupError`` when no app registered it."""
    try:
        return _SOURCES[name]
    except KeyError:
        raise LookupError(f"no intake source {name!r} is registered") from None


def sources() -> list[IntakeSource]:
    return list(_SOURCES.values())
