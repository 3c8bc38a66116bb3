from allauth.account.adapter import DefaultAccountAdapter

from violeta.core.middleware import client_ip


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by the system administrator: there is no public sign-up."""

    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        # Wrong passwords are counted by django-axes (per account and address); allauth's per-e-mail count
        # would lock an account from anywhere. Its "login_failed" limit still guards the second factor.
        self._login_failed_rl_usage = None

    def get_client_ip(self, request):
        # The same client address as the audit log and django-axes (the trusted proxy header, if configured).
        return client_ip(request) or "0.0.0.0"  # noqa: S104 - a key for rate limits, not an address to bind
