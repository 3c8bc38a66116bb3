"""What the people app announces to the apps above it, which may not be imported here.

Receivers connect in their ``AppConfig.ready()`` and run synchronously inside the sending service's transaction
(``send``, not ``send_robust``): what they write commits or rolls back with it.
"""

from django.dispatch import Signal

# She withdrew a consent (``people.services.consent_withdraw``, an ARCO opposition included), after the consent
# row and its audit record are written. Sent with ``consent=`` (the Consent) and ``by=`` (who recorded it).
# Programs ends her place in a course held on that consent; the agenda takes back her SMS reminders still queued.
consent_withdrawn = Signal()
