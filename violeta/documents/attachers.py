"""Who, besides the staff who may see the case, may attach a document to a record of another app.

A document always belongs to a case; it may also point at a record of an app above documents (a referral's
counter-referral letter). Whoever may see the case may attach it. The apps above may let someone else attach to
their records (the liaison of the institution a referral was sent to, who never sees the case) by registering a
rule here from their ``AppConfig.ready()``; documents cannot import them::

    attachers.register("referrals.Referral", lambda user, referral: is_liaison_of(user, referral))

A record whose model registered no rule is attached to by the case's staff only.
"""

from collections.abc import Callable

_RULES: dict[str, Callable[[object, object], bool]] = {}


def register(model_label: str, rule: Callable[[object, object], bool]) -> None:
    """``rule(user, owner) -> bool``: whether ``user`` may attach a document to ``owner`` (an instance of the
    model ``model_label``, "app_label.ModelName"), without seeing its case. Registering again replaces it."""
    _RULES[model_label] = rule


def may_attach(user, owner) -> bool:
    """Whether a registered rule lets ``user`` attach to ``owner``; False when its model registered none."""
    rule = _RULES.get(owner._meta.label)
    return bool(rule is not None and rule(user, owner))
