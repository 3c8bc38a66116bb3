"""The hand-off to 9-1-1 / C4: the console's button, and the dispatcher's own live page.

The button is for the console roles (``access_alert``: 404 and audit for anyone else); the service audits the
hand-off itself. The dispatcher's page is public on purpose, like a contact's: the unguessable link in the hand-off
is the only way in, and it shows what a contact sees (her chosen name, her latest location, who is on the way)
while the alert is active.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from violeta.accounts.permissions import staff_required
from violeta.alerts import selectors
from violeta.alerts.selectors import CONSOLE_ROLES
from violeta.alerts.services import dispatch as dispatch_services
from violeta.alerts.views import HTMX_STOP_POLLING, _live_context, _private


@staff_required(CONSOLE_ROLES)
@require_POST
def console_dispatch(request, public_id):
    """Hand the alert to 9-1-1 (once; ``again=1`` after the monitor confirmed a resend). Back to the alert's page:
    for htmx, its timeline partial (the redirect is followed), so the timeline shows the hand-off at once."""
    alert = selectors.access_alert(request.user, public_id)
    try:
        dispatch_services.alert_dispatch(alert=alert, by=request.user, again=request.POST.get("again") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The alert was handed to 9-1-1."))
    return redirect("alerts:console_detail", public_id=alert.public_id)


def _dispatch_context(token: str) -> dict:
    dispatch = selectors.dispatch_by_token(token)
    dispatch.acknowledged_at = (
        None  # _live_context reads a contact's acknowledgement: a dispatcher gives none
    )
    return {**_live_context(dispatch, token), "dispatcher": True}


@login_not_required
@require_GET
def dispatch_live(request, token):
    """What the 9-1-1 / C4 dispatcher sees when opening the link of the hand-off."""
    return _private(TemplateResponse(request, "alerts/live/dispatch.html", _dispatch_context(token)))


@login_not_required
@require_GET
def dispatch_live_state(request, token):
    """htmx: the changing part of the dispatcher's page; once the alert ends, says so and stops the polling."""
    try:
        context = _dispatch_context(token)
    except Http404:
        if not request.htmx:
            raise
        return _private(
            TemplateResponse(request, "alerts/live/live.html#ended", {}, status=HTMX_STOP_POLLING)
        )
    return _private(TemplateResponse(request, "alerts/live/live.html#state", context))
