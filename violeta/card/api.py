"""Card validation for a till's own software at /api/v1/card/: the same answer as the validation page.

Signed in as the merchant's till account (session). The body carries the number or the QR's token, never the
URL. The answer is ``valid`` / ``not_valid`` / ``expired`` and the holder's first name, nothing else.
Rate-limited like the page (429 with code ``card_rate``).
"""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.security import django_auth

from violeta.card.models import Branch
from violeta.card.services.validation import card_validate, merchant_account_of
from violeta.core.errors import ApiError
from violeta.core.middleware import client_ip
from violeta.core.schemas import Integer

router = Router(tags=["tarjeta"], auth=django_auth)


class ValidateIn(Schema):
    number: str = Field("", max_length=25, description="The 16 digits printed on the card (spaces allowed)")
    token: str = Field("", max_length=64, description="The token the card's QR carries")
    branch_id: Integer | None = Field(
        None, description="The branch validating, when the account has no fixed one"
    )


class ValidateOut(Schema):
    result: Literal["valid", "not_valid", "expired"]
    first_name: str = Field(description="The holder's first name (empty when the card is not valid)")


class Error(Schema):
    detail: str
    code: str


@router.post(
    "/validate",
    response={200: ValidateOut, 400: Error, 401: Error, 403: Error, 429: Error},
    url_name="card_validate",
    summary="Validar una tarjeta",
)
def validate(request, payload: ValidateIn):
    try:
        account = merchant_account_of(request.user)
    except PermissionDenied as exc:
        raise ApiError(403, _("Only an affiliated business can validate cards."), code="forbidden") from exc
    if not (payload.number or payload.token):
        raise ApiError(400, _("Send the card number or the QR token."), code="number")
    branch = None
    if payload.branch_id:
        branch = Branch.objects.filter(pk=payload.branch_id, merchant_id=account.merchant_id).first()
        if branch is None:
            raise ApiError(400, _("That branch does not belong to your business."), code="branch_id")
    outcome = card_validate(
        user=request.user,
        account=account,
        number=payload.number,
        token=payload.token,
        branch=branch,
        ip=client_ip(request),
    )
    if outcome.result == "not_valid":
        return {"result": outcome.result, "first_name": ""}
    return {"result": outcome.result, "first_name": outcome.first_name}
