"""Which lines of a case's history a reader may see: each line only to those who may read the section it comes
from (a risk assessment's line only to those who see the violence section, a hearing's only to those who read
legal matters). The cases app cannot import the area apps (they sit above it), so each area app registers its
rule here from its ``AppConfig.ready``::

    timeline.register_section(kinds={EventKind.RISK, ...}, rule=lambda user, case: can_view_violence(user))

A kind nobody registered is read by everyone who may see the case (opened, team, status, appointments...).
"""

from collections.abc import Callable, Iterable

_RULES: dict[str, list[Callable]] = {}


def register_section(*, kinds: Iterable[str], rule: Callable) -> None:
    """``rule(user, case) -> bool`` decides whether ``user`` may read the lines of these kinds on ``case``."""
    for kind in kinds:
        rules = _RULES.setdefault(str(kind), [])
        if rule not in rules:
            rules.append(rule)


def hidden_kinds(user, case) -> set[str]:
    """The event kinds of ``case`` that ``user`` may not read (every registered rule must allow a kind)."""
    hidden = set()
    verdicts: dict[Callable, bool] = {}
    for kind, rules in _RULES.items():
        for rule in rules:
            if rule not in verdicts:
                verdicts[rule] = bool(rule(user, case))
            if not verdicts[rule]:
                hidden.add(kind)
                break
    return hidden
