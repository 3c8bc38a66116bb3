"""What the cases app announces to the apps above it (violence, psychology, ...), which may not be imported here.

The cases app sits below the area apps: it cannot call them. When something happens to a case that an area app
must follow, ``cases.services`` sends one of these signals and the area app connects its receiver in its
``AppConfig.ready()``::

    signals.case_closed.connect(receiver, dispatch_uid="psychology.plans_pending_discharge")

Receivers run synchronously, inside the transaction of the service that sends the signal (``send``, not
``send_robust``): what they write is committed or rolled back with the case, and an exception in a receiver
propagates and rolls the whole service back. Receivers must therefore be quick and must not reach outside the
database (enqueue tasks with ``core.tasks.enqueue``, which runs them on commit).
"""

from django.dispatch import Signal

# Someone joined or left the case's team (``case_team_add``, ``case_team_remove``, the opener or a professional
# recording a consultation put on it). Sent with ``case=`` (the Case). Violence moves the protection orders'
# expiry reminders to the new team.
case_team_changed = Signal()

# The case was just closed (``case_close``), after its status, audit record and timeline line are written. Sent
# with ``case=`` (the Case) and ``by=`` (who closed it). Psychology tells the plan's psychologist to record the
# discharge of a treatment plan still in progress.
case_closed = Signal()
