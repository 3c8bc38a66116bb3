"""Demo data for social work: needs assessments, applications on her behalf with outcomes, orientation given.

``load`` runs after the case files exist (``violeta/demo/loader.py``), through the services; the case files'
clock (``cases.clock`` in the registry) moves each step to its moment. Deterministic (the demo's seeded random).
"""

from datetime import timedelta

from django.utils import timezone

from violeta.cases.models import ACTIVE_STATUSES, Case
from violeta.core.demo import Demo
from violeta.socialwork import services
from violeta.socialwork.models import Application, NeedDimension, OrientationTopic

CASES = 16

APPLICATIONS = [
    (
        "scholarship",
        "Beca Benito Juárez para sus hijas e hijos",
        "Coordinación Nacional de Becas para el Bienestar",
    ),
    ("program", "Pensión Mujeres Bienestar", "Secretaría de Bienestar"),
    (
        "program",
        "Apoyo para el Bienestar de Niñas y Niños, Hijos de Madres Trabajadoras",
        "Secretaría de Bienestar",
    ),
    ("support", "Apoyo alimentario (despensa)", "DIF Municipal de Chihuahua"),
    (
        "support",
        "Apoyo para mejoramiento de vivienda",
        "Comisión Estatal de Vivienda, Suelo e Infraestructura",
    ),
    ("scholarship", "Beca de transporte", "Dirección de Desarrollo Humano y Educación"),
]
NEED_NOTES = {
    "housing": "Vive con familiares del agresor; busca un lugar propio.",
    "income": "Sin ingresos propios desde la separación.",
    "health": "Requiere seguimiento médico; sin afiliación a servicios de salud.",
    "school": "Sus hijas cambiaron de escuela; falta inscripción.",
    "documents": "Le retuvieron su credencial para votar y actas.",
}
ORIENTATION_NOTES = [
    "Se le explicó dónde tramitar la reposición de su credencial y qué llevar.",
    "Se le orientó sobre requisitos de inscripción y fechas.",
    "Se le informó de sus derechos y de los servicios de salud a los que puede acudir.",
]


def load(demo: Demo) -> None:
    rng, clock = demo.rng, demo["cases.clock"]
    cases = list(
        Case.objects.filter(status__in=ACTIVE_STATUSES, team_members__area__code="trabajo-social")
        .order_by("opened_at", "pk")
        .distinct()
    )
    cases = [c for c in cases if c.opened_at < demo.last_moment - timedelta(days=45)][-CASES:]
    for case in cases:
        worker = case.team_members.filter(area__code="trabajo-social").select_related("user").first().user
        day = timezone.localtime(case.opened_at).date() + timedelta(days=rng.randint(1, 7))
        moment = demo.business_moment(day)
        items = {}
        for dimension in NeedDimension.values:
            level = demo.weighted([("none", 45), ("some", 35), ("urgent", 20)])
            items[dimension] = (level, NEED_NOTES[dimension] if level != "none" else "")
        services.assessment_record(case=case, by=worker, assessed_on=moment.date(), items=items)
        clock.stamp(moment)
        demo.counts["socialwork_assessments"] += 1
        for kind, program, institution in rng.sample(APPLICATIONS, rng.randint(1, 2)):
            submitted = moment.date() + timedelta(days=rng.randint(1, 10))
            application = services.application_create(
                case=case,
                by=worker,
                kind=kind,
                program=program,
                institution=institution,
                status="submitted",
                submitted_on=submitted,
                notes="Se integró el expediente con sus documentos.",
            )
            at = demo.business_moment(submitted)
            Application.objects.filter(pk=application.pk).update(created_at=at)
            clock.stamp(at)
            outcome = submitted + timedelta(days=rng.randint(15, 30))
            if outcome <= demo.last_moment.date() and rng.random() < 0.7:
                services.application_outcome(
                    application=application,
                    by=worker,
                    status=demo.weighted([("approved", 65), ("rejected", 35)]),
                    outcome_on=outcome,
                )
                clock.stamp(demo.business_moment(outcome))
            demo.counts["socialwork_applications"] += 1
        for _ in range(rng.randint(1, 2)):
            given = demo.business_moment(moment.date() + timedelta(days=rng.randint(0, 14)))
            services.orientation_record(
                case=case,
                by=worker,
                topic=rng.choice(OrientationTopic.values),
                given_on=given.date(),
                notes=rng.choice(ORIENTATION_NOTES),
            )
            clock.stamp(given)
