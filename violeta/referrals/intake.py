"""The inbound referral as an intake source (``cases.intake``): reception opens the intake interview from a
partner institution's referral (``referrals:inbound_intake``, routed to ``cases.views.intake``), prefilled from
it, and the referral is converted (it points at the new case) in the intake's transaction."""

from django.http import Http404
from django.utils.translation import gettext_lazy

from violeta.cases.intake import IntakeInitial
from violeta.cases.models import ArrivalChannel
from violeta.referrals import inbound as inbound_referrals
from violeta.referrals import selectors
from violeta.referrals.models import InboundStatus

SOURCE = "inbound_referral"


def access(user, key):
    """The pending inbound referral for reception; a handled one is no longer an intake to open (404)."""
    inbound = selectors.access_inbound(user, key)
    if inbound.status != InboundStatus.PENDING:
        raise Http404
    return inbound


def prefill(inbound) -> IntakeInitial:
    return IntakeInitial(
        person={
            "given_names": inbound.given_names,
            "first_surname": inbound.first_surname,
            "second_surname": inbound.second_surname,
            "phone": inbound.phone,
        },
        safe_contact={"may_call": inbound.safe_to_call},
        case={
            "arrival_channel": ArrivalChannel.REFERRED,
            "arrival_detail": inbound.institution.name[:150],
            "reason": inbound.reason,
        },
    )


def link(*, origin, case, by) -> None:
    inbound_referrals.inbound_referral_convert(inbound=origin, case=case, by=by)


def register() -> None:
    from violeta.cases import intake

    intake.register_source(
        SOURCE,
        access=access,
        prefill=prefill,
        link=link,
        linked_message=gettext_lazy("The referral was linked to her case file %(folio)s."),
    )
