"""Which people a user may see: those in the cases she may see. The hook people owns for that rule.

A person is seen through her case files (``cases.selectors.visible_cases``: the team, the coordination of an area
on the team, break glass, the internal protocol's designated staff). The cases app sits above people and has
the rule; people may not import it, and moving people's pages up into cases would put the registry of people
inside case work. So people keeps its reads and pages and asks this hook, which the cases app fills from its
``AppConfig.ready``::

    visibility.register_case_rule(visible_cases)

``rule(user)`` returns the queryset of the cases ``user`` may see; people filters it by the parties of a case
(``Case.parties``, the ``CaseParty`` rows whose ``person`` points here). Until a rule is registered nobody but
the director sees anyone (fail closed), never everyone.
"""

from django.db.models import QuerySet

_rule = None


def register_case_rule(rule) -> None:
    global _rule  # one process-wide hook, set once at start-up
    _rule = rule


def visible_cases(user) -> QuerySet | None:
    """The cases ``user`` may see, as the registered rule says; None when no rule is registered."""
    if _rule is None:
        return None
    return _rule(user)


def cases_of(user, person) -> list:
    """The case files of ``person`` that ``user`` may see, the newest first (her page lists them)."""
    cases = visible_cases(user)
    if cases is None:
        return []
    return list(cases.filter(parties__person=person).distinct().order_by("-opened_at"))
