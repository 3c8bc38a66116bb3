"""The till account's user kept 10 s per process on the card API: no user row read on every validation.

Django's ``AuthenticationMiddleware`` reads the user's row on every request. For ``/api/v1/card/`` this
middleware (placed right after it) answers from a per-process copy kept ``USER_TTL`` seconds, keyed by what the
session holds: the user's id, the backend that signed her in and the session's password hash. Only till accounts
(role "merchant") are kept; every other user is loaded as Django loads her.

What still takes effect at once: a sign-out or an expired session (the session is read on every request and the
key comes from it), any change to a user or a till's business in this process (``forget_till_users``, connected
to the same signals as the till accounts' cache). What other processes see within ``USER_TTL`` seconds, the same
bound as the till accounts' business: a user deactivated or her password changed.
"""

import copy
import time

from django.contrib import auth
from django.utils.functional import SimpleLazyObject

from violeta.accounts.models import Role

USER_TTL = 10.0
PATH_PREFIX = "/api/v1/card/"
_users: dict[tuple, tuple[float, object]] = {}


def forget_till_users(**_kwargs) -> None:
    _users.clear()


def till_user(request):
    """The request's user: a kept till account when the session still names it, else Django's own load."""
    session = request.session
    key = (
        session.get(auth.SESSION_KEY),
        session.get(auth.BACKEND_SESSION_KEY),
        session.get(auth.HASH_SESSION_KEY),
    )
    if key[0] is None:
        return auth.get_user(request)
    now = time.monotonic()
    kept = _users.get(key)
    if kept is not None and kept[0] > now:
        return copy.copy(kept[1])  # each request its own instance: nothing one request sets leaks to another
    user = auth.get_user(request)
    if user.is_authenticated and user.is_active and user.role == Role.MERCHANT:
        if len(_users) > 10_000:
            _users.clear()
        _users[key] = (now + USER_TTL, copy.copy(user))
    return user


class TillUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(PATH_PREFIX) and hasattr(request, "session"):
            request.user = SimpleLazyObject(lambda: till_user(request))
        return self.get_response(request)
