"""The phone call as an intake source (``cases.intake``): "Turn into an intake" on a logged call opens
``cases:intake?call=<id>``, prefilled with what she said on the phone, and links the new case back to the call."""

from django.utils.translation import gettext_lazy

from violeta.agenda.selectors import access_call
from violeta.agenda.services import phone_call_link_case
from violeta.cases.intake import IntakeInitial
from violeta.cases.models import ArrivalChannel

SOURCE = "call"


def access(user, key):
    return access_call(user, key, detail="entrevista desde llamada")


def prefill(call) -> IntakeInitial:
    """What she said on the phone is not typed again (an anonymous caller's name is not prefilled)."""
    return IntakeInitial(
        person={} if call.is_anonymous else {"given_names": call.caller_name},
        case={"arrival_channel": ArrivalChannel.PHONE, "reason": call.reason},
    )


def link(*, origin, case, by) -> None:
    phone_call_link_case(call=origin, case=case, by=by)


def register() -> None:
    from violeta.cases import intake

    intake.register_source(
        SOURCE,
        access=access,
        prefill=prefill,
        link=link,
        linked_message=gettext_lazy("The call was linked to her case file %(folio)s."),
    )
