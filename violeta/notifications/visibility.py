"""Notices about a case follow the case's visibility rule. The notifications app sits below cases and may not
import it, so the cases app registers its rule here from its ``AppConfig.ready`` (``register_case_rule``):
``rule(user)`` returns the queryset of the cases she may see (``cases.selectors.visible_cases``).

Until a rule is registered every notice about a case is refused (fail closed), never shown to everyone.
"""

from django.db.models import Q

_rule = None


def register_case_rule(rule) -> None:
    global _rule  # one process-wide hook, set once at start-up
    _rule = rule


def case_filter(user) -> Q:
    """Notices about no case, or about a case ``user`` may see."""
    if _rule is None:
        return Q(case_id__isnull=True)
    return Q(case_id__isnull=True) | Q(case_id__in=_rule(user).values("pk"))


def may_see_case(user, case_id) -> bool:
    if case_id is None:
        return True
    if _rule is None:
        return False
    return _rule(user).filter(pk=case_id).exists()
