"""Writes about violence in a case: keyword-only, one transaction each, audit record and timeline line inside.

A high or extreme risk level marks the case as priority, tells the coordinators of the case's areas and asks
the team for a safety plan and, if she wants one, a protection order. Protection orders remind the case's
lawyers before they expire (keyed notices, rescheduled or withdrawn when the order changes).

Split by concern: ``incidents`` (aggressors, incidents, trafficking), ``risk`` (assessments and priority),
``safety_plan``, ``orders`` (protection orders and their reminders), ``common`` (the guard and who is told).
Who may write is in ``violence.permissions``. The services are named here too, so ``violence.services.<name>``
keeps working for callers.
"""

from violeta.violence.services.incidents import (
    aggressor_record,
    incident_record,
    trafficking_screening_record,
)
from violeta.violence.services.orders import (
    case_team_changed,
    order_reminders_schedule,
    protection_order_record,
    protection_order_update,
)
from violeta.violence.services.risk import case_priority_lift, case_priority_mark, risk_assessment_record
from violeta.violence.services.safety_plan import (
    SAFETY_PLAN_FIELDS,
    safety_plan_print_record,
    safety_plan_save,
)

__all__ = [
    "SAFETY_PLAN_FIELDS",
    "aggressor_record",
    "case_priority_lift",
    "case_priority_mark",
    "case_team_changed",
    "incident_record",
    "order_reminders_schedule",
    "protection_order_record",
    "protection_order_update",
    "risk_assessment_record",
    "safety_plan_print_record",
    "safety_plan_save",
    "trafficking_screening_record",
]
