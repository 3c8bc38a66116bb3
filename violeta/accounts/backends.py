"""Sign-in by e-mail only with the account's verified primary address (never one added later, verified or not)."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model


class VerifiedPrimaryEmailBackend(AuthenticationBackend):
    def _authenticate_by_email(self, email, password):
        if not email:
            return None
        user = (
            get_user_model()
            .objects.filter(
                emailaddress__email__iexact=email.strip(),
                emailaddress__verified=True,
                emailaddress__primary=True,
            )
            .first()
        )
        return self._check_password(user, password)
