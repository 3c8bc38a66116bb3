"""Demo data of the case plan and approvals: three of the lawyer's active cases get a plan (one service overdue);
two plans wait for the legal coordinator's approval, and one case's closing waits too. Called at the end of
``cases.demo.load``: it draws nothing from the seeded random source, so the rest of the demo does not change."""

from datetime import timedelta

from violeta.cases import approvals
from violeta.cases import plan as plan_services
from violeta.cases.models import ACTIVE_STATUSES, Case
from violeta.core.demo import Demo

GOALS = (
    ("Obtener la pensión alimenticia de sus hijos", "Presentar la demanda de alimentos"),
    ("Tramitar el divorcio sin poner en riesgo su seguridad", "Reunir las actas y presentar la solicitud"),
    ("Recuperar sus documentos personales", "Acompañarla a solicitar copia de su acta de nacimiento"),
)


def load(demo: Demo) -> None:
    lawyer = demo["accounts.users"]["abogada"]
    cases = list(
        Case.objects.filter(status__in=ACTIVE_STATUSES, team_members__user=lawyer, is_internal_protocol=False)
        .order_by("-folio")
        .distinct()[:3]
    )
    for index, case in enumerate(cases):
        goal_text, service_text = GOALS[index]
        goal = plan_services.plan_goal_save(case=case, by=lawyer, area=lawyer.area, description=goal_text)
        plan_services.plan_service_save(
            case=case,
            by=lawyer,
            goal=goal,
            description=service_text,
            responsible=lawyer,
            target_date=demo.today + timedelta(days=-5 if index == 0 else 15 + index * 10),
        )
        if index < 2:
            plan_services.plan_submit(case=case, by=lawyer, note="Acordado con ella en la última atención.")
        demo.counts["case_plans"] += 1
    if len(cases) == 3:
        approvals.case_close_request(case=cases[2], by=lawyer, reason="concluded")
        demo.counts["approval_requests"] += 1
    demo.counts["approval_requests"] += min(len(cases), 2)
