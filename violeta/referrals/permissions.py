"""Who may act on referrals: predicates only (no queries of personal data, no writes)."""

from violeta.accounts.models import Role
from violeta.referrals.models import Referral


def is_liaison_of(user, referral: Referral) -> bool:
    """Whether ``user`` is a liaison account of the institution ``referral`` was sent to."""
    link = getattr(user, "liaison", None) if user.role == Role.LIAISON else None
    return link is not None and link.institution_id == referral.institution_id
