"""Writes about violence in a case: keyword-only, one transaction each, audit record and timeline line inside.

A high or extreme risk level marks the case as priority, tells the coordinators of the case's areas and asks
the team for a safety plan and, if she wants one, a protection order. Protection orders remind the case's
lawyers before they expire (keyed notices, rescheduled or withdrawn when the order changes).

Split by concern: ``incidents`` (aggressors, incidents, trafficking), ``risk`` (assessments and priority),
``safety_plan``, ``orders`` (protection orders and their reminders), ``common`` (the guard and who is told).
Who may write is in ``violence.permissions``. Callers import from the module (as in ``alerts``, ``card`` and
``privacy``): this package re-exports nothing.
"""
