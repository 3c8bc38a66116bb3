"""The signals through which higher apps react to role grants (accounts never imports them): the notifications
app tells the directors of a new request and the requester of the decision. Sent inside the service's
transaction with ``grant`` (a RoleGrant)."""

from django.dispatch import Signal

role_grant_requested = Signal()
role_grant_decided = Signal()
