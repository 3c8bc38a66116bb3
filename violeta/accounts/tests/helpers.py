from allauth.account.internal.flows.login import record_authentication
from django.test import RequestFactory


def sign_in(client, user):
    """Signed in, and with her password confirmed just now (what allauth's re-authentication records), as
    role changes and their approval require."""
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session, request.user = client.session, user
    record_authentication(request, user, method="password", reauthenticated=True)
    request.session.save()
