"""Demo data for violence, risk and protection, built through the services (``load``, after the case files).

Six active cases of the demo lawyer "abogada": incidents and aggressors, EPV-R assessments (three high, so
three priority cases, one of them with a rising trend), a safety plan, protection orders (one about to
expire, so its reminder is in the lawyer's inbox) and two trafficking screenings (one flagged).
"""

from datetime import timedelta

from violeta.cases.models import ACTIVE_STATUSES, Case, CaseTeamMember
from violeta.core.demo import Demo
from violeta.violence.models import ProtectionOrder, RiskInstrument
from violeta.violence.services.incidents import (
    aggressor_record,
    incident_record,
    trafficking_screening_record,
)
from violeta.violence.services.orders import protection_order_record
from violeta.violence.services.risk import risk_assessment_record
from violeta.violence.services.safety_plan import safety_plan_save

INCIDENTS = [
    (
        ["psychological", "physical"],
        "family",
        "shared_home",
        "Durante una discusión la empujó y la amenazó con quitarle a sus hijos.",
    ),
    (
        ["economic", "psychological"],
        "family",
        "her_home",
        "Le retiene el sueldo y le revisa el teléfono todos los días.",
    ),
    (["physical", "sexual"], "family", "shared_home", "La golpeó y la obligó a tener relaciones."),
    (["psychological", "sexual"], "digital", "online", "Publicó fotos íntimas sin su consentimiento."),
    (["patrimonial"], "family", "aggressor_home", "Se quedó con sus documentos y las escrituras de la casa."),
    (["psychological"], "work_school", "workplace", "Su jefe la humilla frente a sus compañeros."),
]
# EPV-R items answered "yes" (codes): high, high, low then high, low raised to high by the professional,
# low with an unknown answer, low.
ANSWERS = [
    ("4", "5", "6", "7", "8", "9", "11", "16", "18"),
    ("2", "3", "6", "7", "9", "11", "12", "14", "17", "18"),
    ("4", "11", "14", "17"),
    ("11", "14", "3", "18"),
    ("11", "2"),
    ("13",),
]


def load(demo: Demo) -> None:
    users = demo["accounts.users"]
    lawyer, psychologist = users["abogada"], users["psicologa"]
    epv = RiskInstrument.objects.get(code="epv-r", is_default=True)
    cases = list(
        Case.objects.filter(status__in=ACTIVE_STATUSES, team_members__user=lawyer).order_by("folio")[:6]
    )
    with_psychologist = set(
        CaseTeamMember.objects.filter(user=psychologist).values_list("case_id", flat=True)
    )
    today = demo.today
    counts = demo.counts
    for index, case in enumerate(cases):
        aggressor = aggressor_record(
            case=case,
            by=lawyer,
            relationship="boss" if index == 5 else ("ex_partner" if index % 2 else "partner"),
            age_range="30_44",
            schooling=("secondary", "upper_secondary", "primary", "higher", "unknown", "secondary")[index],
            lives_with_her="no" if index % 2 else "yes",
            weapons_access="yes" if index == 0 else "unknown",
            substance_use="yes" if index in (0, 2) else "no",
        )
        by = psychologist if case.pk in with_psychologist else lawyer
        incident_record(
            case=case,
            by=lawyer,
            occurred_on=today - timedelta(days=10 + index * 7),
            date_precision="exact" if index % 3 else "approximate",
            types=INCIDENTS[index][0],
            modality=INCIDENTS[index][1],
            place_kind=INCIDENTS[index][2],
            narrative=INCIDENTS[index][3],
            injuries="minor" if index in (0, 2) else "none",
            reported_to_prosecutor=index == 0,
            reported_where="Centro de Justicia para las Mujeres" if index == 0 else "",
            children_witnessed=index in (0, 2),
            aggressors=[aggressor],
        )
        counts["violence_incidents"] += 1
        answers = {item["code"]: "no" for item in epv.items}
        answers.update(dict.fromkeys(ANSWERS[index], "yes"))
        if index == 4:
            answers["15"] = "unknown"
        if index == 2:
            # a first assessment, then a worse one: the trend rises
            risk_assessment_record(
                case=case, by=by, instrument=epv, answers={**answers, "4": "no", "17": "no"}
            )
            answers.update({"6": "yes", "7": "yes", "9": "yes", "18": "yes", "12": "yes"})
            counts["risk_assessments"] += 1
        extra = {}
        if index == 3:
            extra = {
                "final_level": "high",
                "override_reason": "Amenaza de muerte reciente que ella no refirió al inicio.",
            }
        risk_assessment_record(case=case, by=by, instrument=epv, answers=answers, **extra)
        counts["risk_assessments"] += 1
    if cases:
        safety_plan_save(
            case=cases[0],
            by=lawyer,
            safe_places="Casa de su hermana en la colonia Centro.",
            people_who_know="Su hermana y una vecina.",
            code_word="girasol",
            documents_ready=True,
            how_to_leave="Salir por la puerta trasera con sus hijos cuando él no esté; llamar al 9-1-1.",
            children_plan="Los niños saben ir con la vecina si escuchan la palabra clave.",
            digital_safety="Cambió su contraseña y desactivó la ubicación compartida.",
        )
        # about to expire: granted 55 days ago, so its reminder is already in the lawyer's inbox
        granted = today - timedelta(days=55)
        protection_order_record(
            case=cases[0],
            by=lawyer,
            kind=ProtectionOrder.Kind.ADMINISTRATIVE,
            authority="Fiscalía Especializada en Atención a Mujeres Víctimas del Delito por Razones de Género",
            measures="Prohibición de acercarse a su domicilio, trabajo y escuela de sus hijos.",
            status=ProtectionOrder.Status.GRANTED,
            requested_on=granted,
            granted_on=granted,
            expires_on=granted + timedelta(days=60),
        )
        counts["protection_orders"] += 1
    if len(cases) > 2:
        granted = today - timedelta(days=12)
        protection_order_record(
            case=cases[2],
            by=lawyer,
            kind=ProtectionOrder.Kind.JUDICIAL,
            authority="Juzgado Primero de lo Familiar, Distrito Morelos",
            measures="Separación del agresor del domicilio; prohibición de comunicarse con ella.",
            status=ProtectionOrder.Status.GRANTED,
            requested_on=granted - timedelta(days=1),
            granted_on=granted,
            expires_on=granted + timedelta(days=60),
        )
        protection_order_record(
            case=cases[1],
            by=lawyer,
            kind=ProtectionOrder.Kind.ADMINISTRATIVE,
            authority="Ministerio Público, Centro de Justicia para las Mujeres",
            requested_on=today - timedelta(days=1),
        )
        counts["protection_orders"] += 2
        trafficking_screening_record(
            case=cases[1],
            by=lawyer,
            indicators=["documents_held", "controlled_pay"],
            notes="Refiere deuda con su empleador.",
        )
        trafficking_screening_record(case=cases[3], by=lawyer, indicators=[])
