"""Re-authentication before sensitive acts (exports, role changes, break-glass)."""

import time
from functools import wraps

from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings


def authenticated_recently(request) -> bool:
    """Whether her last sign-in or re-authentication (password, code or key) is within the timeout."""
    records = get_authentication_records(request, request.user)
    last = max((record.get("at", 0) for record in records), default=0)
    return time.time() - last < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT


def recent_authentication_required(view):
    """Asks for her password or second factor again when she last authenticated more than 15 minutes ago.

    allauth's middleware sends her to re-authenticate and then replays the request. Put it under the role
    check (``@staff_required``) so an unauthorised role still gets its refusal, not a password prompt.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not authenticated_recently(request):
            raise ReauthenticationRequired()
        return view(request, *args, **kwargs)

    return wrapped
