"""Demo data for psychological care: treatment plans with goals, weekly sessions, PHQ-9/GAD-7 and some discharges.

``load`` runs after the case files exist (``violeta/demo/loader.py``); everything goes through the services,
then the case files' clock (``cases.clock`` in the registry) moves what they stamped "now" to the moment it
stands for. Deterministic (the demo's seeded random source).
"""

from datetime import timedelta

from django.utils import timezone

from violeta.cases.models import ACTIVE_STATUSES, Case
from violeta.core.demo import Demo
from violeta.psychology import services
from violeta.psychology.models import Approach, DischargeReason, Frequency, Scale, ScaleResult, TreatmentPlan

PLANS = 14

FOCUS = [
    "Afectación emocional por violencia psicológica sostenida en la relación de pareja.",
    "Ansiedad y dificultades de sueño tras la separación; temor a represalias.",
    "Duelo por la ruptura y baja autoestima; culpa asociada a la violencia vivida.",
    "Síntomas de estrés postraumático tras un episodio de violencia física.",
]
GOALS = [
    "Reconocer las formas de violencia vividas y sus efectos.",
    "Fortalecer su autoestima y la toma de decisiones propias.",
    "Construir una red de apoyo con familiares y amistades.",
    "Manejar la ansiedad con técnicas de respiración y regulación.",
    "Identificar señales de riesgo y acciones de su plan de seguridad.",
    "Recuperar rutinas de sueño y autocuidado.",
]
SESSION_SUMMARIES = [
    "Acudió a su sesión; continúa el proceso terapéutico.",
    "Sesión de seguimiento; se acuerdan tareas para la semana.",
    "Sesión realizada; se revisan avances del plan.",
]
PROGRESS = [
    "Refiere menos episodios de angustia; aplica técnicas de respiración.",
    "Se trabaja culpa y autoestima; buena disposición al proceso.",
    "Identifica apoyos en su hermana y una vecina; se refuerza la red.",
    "Reporta mejor descanso; persiste temor al encontrarse con el agresor.",
    "Expresa enojo y tristeza; se valida y se trabaja regulación emocional.",
]
DISCHARGES = [
    "Alcanzó los objetivos del plan; cuenta con red de apoyo y recursos para manejar la ansiedad.",
    "Dejó de asistir tras varias citas; se le deja abierta la posibilidad de regresar.",
]


def _answers(rng, scale: Scale, level: float) -> list[int]:
    """Answers that lean towards ``level`` (0 = none, 1 = all at the top)."""
    return [
        min(scale.item_max, max(scale.item_min, round(rng.gauss(level * scale.item_max, 0.7))))
        for _ in range(scale.item_count)
    ]


def load(demo: Demo) -> None:
    rng, clock = demo.rng, demo["cases.clock"]
    scales = {s.code: s for s in Scale.objects.prefetch_related("bands")}
    cases = list(
        Case.objects.filter(status__in=ACTIVE_STATUSES, team_members__area__code="psicologia")
        .order_by("opened_at", "pk")
        .distinct()
    )
    cases = [c for c in cases if c.opened_at < demo.last_moment - timedelta(days=40)][-PLANS:]
    for index, case in enumerate(cases):
        psychologist = case.team_members.filter(area__code="psicologia").select_related("user").first().user
        start = demo.business_moment(
            timezone.localtime(case.opened_at).date() + timedelta(days=rng.randint(3, 10))
        )
        plan = services.plan_create(
            case=case,
            by=psychologist,
            focus=rng.choice(FOCUS),
            approach=rng.choice([Approach.TRAUMA_FOCUSED, Approach.COGNITIVE_BEHAVIOURAL, Approach.BRIEF]),
            frequency=rng.choice([Frequency.WEEKLY, Frequency.WEEKLY, Frequency.BIWEEKLY]),
            started_on=start.date(),
            goals=rng.sample(GOALS, rng.randint(2, 4)),
        )
        clock.stamp(start)
        TreatmentPlan.objects.filter(pk=plan.pk).update(created_at=start)
        scale = scales["phq-9" if index % 2 == 0 else "gad-7"]
        level = rng.uniform(0.35, 0.8)
        services.scale_apply(
            case=case,
            by=psychologist,
            scale=scale,
            answers=_answers(rng, scale, level),
            applied_on=start.date(),
        )
        moment = start
        for _ in range(rng.randint(2, 6)):
            moment = demo.business_moment(timezone.localtime(moment).date() + timedelta(days=7))
            if moment > demo.last_moment:
                break
            services.session_record(
                case=case,
                by=psychologist,
                modality=rng.choice(["in_person", "in_person", "video"]),
                started_at=moment,
                duration_minutes=50,
                summary=rng.choice(SESSION_SUMMARIES),
                progress_note=rng.choice(PROGRESS),
            )
            clock.stamp(moment + timedelta(minutes=50))
            demo.counts["psychology_sessions"] += 1
        goals = list(plan.goals.all())
        for goal in goals[: rng.randint(0, len(goals))]:
            services.goal_status_set(
                goal=goal, by=psychologist, status=rng.choice(["in_progress", "achieved"])
            )
        if moment > start:
            services.scale_apply(
                case=case,
                by=psychologist,
                scale=scale,
                answers=_answers(rng, scale, level * 0.6),
                applied_on=timezone.localtime(moment).date(),
            )
        if index % 3 == 0 and moment > start:
            end = timezone.localtime(moment).date()
            services.plan_discharge(
                plan=plan,
                by=psychologist,
                reason=DischargeReason.GOALS_MET if index % 2 == 0 else DischargeReason.DROPPED_OUT,
                summary=DISCHARGES[0] if index % 2 == 0 else DISCHARGES[1],
                ended_on=end,
            )
            clock.stamp(moment + timedelta(hours=1))
            demo.counts["psychology_discharges"] += 1
        demo.counts["psychology_plans"] += 1
    demo.counts["psychology_scales"] = ScaleResult.objects.count()
