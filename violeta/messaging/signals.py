"""What the outbox tells the apps above it (they connect in their ``AppConfig.ready()``; the outbox imports none).

``message_status_changed(sender=Message, message=, provider_status=)``: a provider's report changed a message's
state (sent → delivered, read, undelivered, failed…), from a status callback, an early report or the sender asking
about a silent message. Sent inside the transaction that holds the message's row locked: a receiver writes in it
(MIA records a voice call's outcome on the alert's timeline). ``message`` is loaded without its body.
"""

from django.dispatch import Signal

message_status_changed = Signal()
