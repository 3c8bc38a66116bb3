"""Writes of MIA, one module per concern. Import from the module, not from this package (it re-exports nothing).

- ``accounts``: sign-up by one-time code, the PIN and the duress PIN, device tokens, her settings, and staff
  linking her account to her record.
- ``contacts``: her support network and its invitations.
- ``alerts``: raising an alert, its locations, cancelling, acknowledgements (also by SMS reply) and closing.
- ``escalation``: raising in the console the alerts nobody answered (run every second by the sender).
- ``practice``: test alerts (she checks her network receives it): ending one without the PIN, and by itself.
- ``retention``: deleting locations past their retention period.
- ``common``: what they share (settings, phone parsing, links, queuing an SMS tied to its alert).

Each module's docstring says which of its functions are one transaction and which are not, and why.
"""
