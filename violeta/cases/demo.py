"""Demo data for case files: a year and a half of an institute's work, built through the services.

150 women (all but six with a case file), some of them coming back with a second case; the areas that attend
each case and who attends it; consultations, colleagues joining, children brought into the case, closures; the
folios numbered by the year each case was opened. Everything goes through the services (person_create,
intake_register, consultation_record, case_team_add, case_party_add, case_close); the services stamp the
present time, and ``Clock`` then moves each step's rows to the past moment it stands for (the audit log keeps
the true time: it is append-only).

The women are made up by ``people/demo.py`` at the moment of their intake, from the shared random source, in
the order of the story: who they are is drawn between the other choices of their case, so the six women
without a case (registered for a course or the card) are registered here too, at the end, as they always were.

Leaves in the registry ``cases.clock``, which the area apps loaded later use for their own steps.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from violeta.accounts.models import Area, User
from violeta.cases.models import (
    AreaNote,
    ArrivalChannel,
    Case,
    CaseEvent,
    CaseParty,
    CaseTeamMember,
    CloseReason,
    Consultation,
    FolioCounter,
    Modality,
    Relation,
)
from violeta.cases.services import (
    case_close,
    case_party_add,
    case_team_add,
    consultation_record,
    intake_register,
)
from violeta.core.demo import Demo
from violeta.people.demo import child_data, woman_data
from violeta.people.models import Consent, Gender, Person
from violeta.people.services import person_create

WOMEN = 150  # women registered; all but WITHOUT_CASE of them hold a case
WITHOUT_CASE = 6
RETURNING = 6  # women with an earlier case, closed in 2025, and a new one in 2026
CLOSED = 20  # closed cases in all, the returning women's first cases among them
FIRST_DAY = date(2025, 1, 6)
LAST_DAY = date(2026, 11, 13)  # the last case opened

# --- What the staff write: generic, realistic, never graphic ------------------------------------------------

REASONS = {
    "juridica": [
        "Solicita asesoría para divorcio y pensión alimenticia para sus hijas e hijos.",
        "Requiere orientación para la rectificación de su acta de nacimiento.",
        "Solicita apoyo para el reconocimiento de paternidad de su hija.",
        "Refiere violencia económica por parte de su expareja; pide orientación sobre pensión alimenticia.",
        "Pide información sobre guarda y custodia y régimen de convivencia.",
    ],
    "psicologia": [
        "Solicita apoyo psicológico tras la separación de su pareja.",
        "Refiere violencia psicológica en su relación de pareja; solicita acompañamiento.",
        "Canalizada para atención psicológica por ansiedad y dificultades para dormir.",
        "Solicita acompañamiento emocional para ella y orientación para sus hijos.",
    ],
    "trabajo-social": [
        "Busca orientación sobre becas escolares y empleo; vive en situación de vulnerabilidad.",
        "Solicita apoyo para gestionar servicios de salud y programas sociales.",
        "Requiere orientación para acceder a vivienda y a la bolsa de trabajo municipal.",
    ],
    "violencia": [
        "Refiere violencia familiar; solicita orientación sobre una orden de protección.",
        "Refiere violencia psicológica y económica de su pareja; solicita orientación integral.",
        "Refiere violencia en el ámbito laboral; solicita orientación jurídica y psicológica.",
    ],
}

SUMMARIES = {
    "juridica": [
        (
            "Asesoría sobre el procedimiento de divorcio; se explicaron requisitos, etapas y tiempos.",
            "Traer acta de matrimonio y actas de nacimiento de sus hijas e hijos.",
        ),
        (
            "Orientación sobre pensión alimenticia; se revisaron los documentos que presentó.",
            "Reunir comprobantes de gastos escolares y médicos.",
        ),
        (
            "Revisión de documentos para la rectificación de acta de nacimiento ante el Registro Civil.",
            "Solicitar copia certificada del acta y una identificación vigente.",
        ),
        (
            "Se explicó el trámite de reconocimiento de paternidad y las pruebas que pueden ofrecerse.",
            "Cita en dos semanas para revisar el escrito inicial.",
        ),
        (
            "Orientación sobre las órdenes de protección y cómo solicitarlas ante el Ministerio Público.",
            "Se acuerda acompañamiento a la Fiscalía si ella lo decide.",
        ),
        (
            "Se elaboró el escrito de demanda de pensión alimenticia; pendiente de firma.",
            "Firmar el escrito y presentarlo en oficialía de partes.",
        ),
        (
            "Acompañamiento a la audiencia; se le informó el siguiente paso del juicio.",
            "Esperar notificación del juzgado; llamar para informar.",
        ),
        ("Asesoría sobre guarda y custodia y régimen de convivencia de sus hijos.", ""),
    ],
    "psicologia": [
        (
            "Primera sesión: contención emocional y encuadre del proceso terapéutico.",
            "Sesiones cada quince días.",
        ),
        (
            "Sesión de seguimiento; refiere mejoría en el sueño y en su rutina diaria.",
            "Continuar con los ejercicios.",
        ),
        ("Se trabajó en el reconocimiento de señales de riesgo y en fortalecer su red de apoyo.", ""),
        ("Sesión enfocada en autoestima y toma de decisiones.", "Registro diario de emociones."),
        (
            "Se practicaron técnicas de respiración y manejo de la ansiedad.",
            "Practicar en casa dos veces al día.",
        ),
        (
            "Revisión de avances del plan de tratamiento; se acuerda continuar.",
            "Próxima sesión en tres semanas.",
        ),
        ("Sesión de cierre del proceso; se revisaron logros y recursos con los que cuenta.", ""),
    ],
    "trabajo-social": [
        (
            "Entrevista de trabajo social; se identificaron necesidades de vivienda y empleo.",
            "Integrar documentos para la solicitud de apoyo.",
        ),
        (
            "Orientación para solicitar beca escolar para sus hijos.",
            "Entregar constancia de estudios y comprobante de domicilio.",
        ),
        ("Canalización a la bolsa de trabajo municipal; se le entregaron los requisitos.", ""),
        ("Seguimiento telefónico; confirma que recibió el apoyo gestionado.", ""),
        (
            "Se gestionó una cita en el DIF para orientación familiar.",
            "Acudir a la cita y comentar el resultado.",
        ),
        ("Visita de seguimiento; la situación familiar se mantiene estable.", ""),
    ],
}

PSYCHOLOGY_NOTES = [
    "Presenta síntomas de ansiedad moderada; valorar canalización a psiquiatría si persisten.",
    "Buena adherencia al proceso. Se refuerza su red de apoyo familiar.",
    "Refiere culpa y temor; se trabaja en resignificación. Sin indicadores de riesgo en la sesión.",
    "Mejoría en el estado de ánimo; se espacian las sesiones.",
    "Se identifican recursos personales y metas a corto plazo.",
]

REFERRED_BY = ["DIF Municipal", "Policía Municipal (DSPM)", "CAPPSI", "Fiscalía (FEM)", "Centro de Salud"]
COMPANIES = ["Empresa maquiladora afiliada a INDEX", "Planta manufacturera del Complejo Industrial Chihuahua"]
CLOSE_REASONS = [
    (CloseReason.CONCLUDED, 8),
    (CloseReason.REFERRED, 3),
    (CloseReason.NO_CONTACT, 3),
    (CloseReason.DECLINED, 2),
    (CloseReason.MOVED, 1),
]
# Which areas attend a case, and how often.
AREA_MIXES = [
    (("juridica",), 30),
    (("psicologia",), 20),
    (("juridica", "psicologia"), 25),
    (("juridica", "trabajo-social"), 10),
    (("psicologia", "trabajo-social"), 5),
    (("juridica", "psicologia", "trabajo-social"), 10),
]
ARRIVALS = [
    (ArrivalChannel.OWN, 45),
    (ArrivalChannel.PHONE, 20),
    (ArrivalChannel.REFERRED, 20),
    (ArrivalChannel.COMPANY, 8),
    (ArrivalChannel.MIA, 4),
    (ArrivalChannel.OTHER, 3),
]


# --- Building -----------------------------------------------------------------------------------------------


@dataclass
class Step:
    at: datetime
    kind: str  # consultation, team_add, close
    area: str = ""
    user: User | None = None
    extra: dict = field(default_factory=dict)


class Clock:
    """Moves what the services just wrote (stamped "now") to the past moment it stands for."""

    MODELS = (
        (Person, "created_at"),
        (Consent, "recorded_at"),
        (Case, "opened_at"),
        (CaseParty, "added_at"),
        (CaseTeamMember, "added_at"),
        (CaseEvent, "at"),
        (Consultation, "created_at"),
        (AreaNote, "created_at"),
    )

    def __init__(self):
        self.seen = {model: model.objects.aggregate(m=Max("pk"))["m"] or 0 for model, _ in self.MODELS}

    def stamp(self, at: datetime) -> None:
        for model, field_name in self.MODELS:
            new = model.objects.filter(pk__gt=self.seen[model])
            values = {field_name: at}
            if model is Consent:
                values["given_on"] = timezone.localtime(at).date()
            if model is Case:
                values["updated_at"] = at
            if new.update(**values):
                if model is Person:
                    new.filter(approximate_age__isnull=False).update(
                        age_recorded_on=timezone.localtime(at).date()
                    )
                self.seen[model] = new.aggregate(m=Max("pk"))["m"]


def load(demo: Demo) -> None:
    _CaseFiles(demo).build()
    _intake_fields(demo)
    # The case plan and approvals (issue 20): after the case files, drawing nothing from the random source.
    from violeta.cases import demo_plan

    demo_plan.load(demo)


class _CaseFiles:
    def __init__(self, demo: Demo):
        self.demo = demo
        self.rng = demo.rng
        self.users = demo["accounts.users"]
        self.staff_by_area = demo["accounts.staff_by_area"]
        self.areas = {area.code: area for area in Area.objects.filter(code__in=self.staff_by_area)}
        self.clock = demo["cases.clock"] = Clock()

    def build(self) -> None:
        demo, rng = self.demo, self.rng
        last_day = min(LAST_DAY, demo.today - timedelta(days=7))
        with_case = WOMEN - WITHOUT_CASE
        # The returning women (the first RETURNING) came first in 2025; the others any day of the period.
        days = [
            demo.random_day(FIRST_DAY, date(2025, 5, 30) if index < RETURNING else last_day)
            for index in range(WOMEN)
        ]
        old_enough = [i for i in range(RETURNING, with_case) if days[i] < last_day - timedelta(days=90)]
        closing = set(range(RETURNING)) | set(rng.sample(old_enough, CLOSED - RETURNING))
        for index, day in enumerate(days):
            opened_at = demo.business_moment(day)
            data = woman_data(demo, day)
            if index >= with_case:
                # Registered (e.g. for a course or the card) without a case file.
                person_create(by=self.users["recepcion"], safe_contact=data[1], **data[0])
                self.clock.stamp(opened_at)
                demo.counts["people"] += 1
                continue
            close_by = None
            if index in closing:
                close_by = demo.business_moment(date(2025, 10, 31) if index < RETURNING else last_day)
            staff = self.pick_staff()
            case = self.open_case(woman=None, data=data, opened_at=opened_at, staff=staff)
            demo.counts["people"] += 1
            self.run_steps(case, self.plan_case(opened_at, staff, close_by))
            if index < RETURNING:
                # She comes back in 2026 with a new matter: a new case, her record reused.
                again = demo.business_moment(demo.random_day(date(2026, 1, 12), last_day))
                staff = self.pick_staff()
                second = self.open_case(woman=case.holder, data=None, opened_at=again, staff=staff)
                self.run_steps(second, self.plan_case(again, staff, None))
        number_folios()
        demo.counts["people"] += demo.counts["children"]

    def pick_staff(self) -> dict[str, User]:
        """The areas that attend a case and who attends it for each (area code -> staff member)."""
        return {area: self.rng.choice(self.staff_by_area[area]) for area in self.demo.weighted(AREA_MIXES)}

    def plan_case(self, opened_at: datetime, staff: dict, close_by: datetime | None) -> list[Step]:
        """The case's life after intake: consultations, perhaps a colleague joining, perhaps closure."""
        demo, rng = self.demo, self.rng
        areas = tuple(staff)
        steps: list[Step] = []
        moment = opened_at + timedelta(minutes=40)
        limit = min(close_by, demo.last_moment) if close_by else demo.last_moment
        for index in range(rng.randint(1, 6)):
            if moment > limit:
                break
            area = areas[0] if index == 0 else rng.choice(areas)
            user = staff[area]
            if area == "juridica" and rng.random() < 0.05:
                user = self.users["coordinacion.juridica"]
            steps.append(Step(moment, "consultation", area, user))
            moment = demo.business_moment(moment.date() + timedelta(days=rng.randint(7, 35)))
        if "trabajo-social" not in areas and len(steps) >= 2 and rng.random() < 0.15:
            # A colleague of social work joins after a consultation and attends her later.
            joined = steps[1].at + timedelta(hours=1)
            first_on_team = steps[0].user
            social_worker = self.users["trabajo.social"]
            steps.insert(2, Step(joined, "team_add", "trabajo-social", social_worker, {"by": first_on_team}))
            later = demo.business_moment(joined.date() + timedelta(days=rng.randint(3, 10)))
            if later <= limit:
                steps.insert(3, Step(later, "consultation", "trabajo-social", self.users["trabajo.social"]))
            steps.sort(key=lambda step: step.at)
        if close_by:
            last = steps[-1].at if steps else opened_at
            closing = min(demo.business_moment(last.date() + timedelta(days=rng.randint(7, 30))), close_by)
            steps.append(
                Step(max(closing, last + timedelta(hours=1)), "close", user=steps[0].user if steps else None)
            )
        return steps

    def open_case(
        self, *, woman: Person | None, data: tuple | None, opened_at: datetime, staff: dict
    ) -> Case:
        demo, rng = self.demo, self.rng
        areas = tuple(staff)
        team_members = list(staff.values())
        by_reception = rng.random() < 0.55
        by = self.users["recepcion"] if by_reception else team_members[0]
        arrival = demo.weighted(ARRIVALS)
        detail = ""
        if arrival == ArrivalChannel.REFERRED:
            detail = rng.choice(REFERRED_BY)
        elif arrival == ArrivalChannel.COMPANY:
            detail = rng.choice(COMPANIES)
        topic = "violencia" if rng.random() < 0.35 else areas[0]
        kwargs = {
            "by": by,
            "privacy_notice_accepted": True,
            "privacy_notice_sha256": demo["people.privacy_notice_sha256"],
            "arrival_channel": arrival,
            "arrival_detail": detail,
            "reason": rng.choice(REASONS[topic]),
            "team": tuple(team_members),
            # Most agree to the statistical use of their data; some refuse, some were not asked. Drawn apart from
            # ``rng`` so the rest of the demo stays the same.
            "statistics_consent": random.Random(opened_at.isoformat()).choices(  # noqa: S311
                (True, False, None), weights=(75, 10, 15)
            )[0],
        }
        if woman is None:
            kwargs["person_data"], kwargs["safe_contact"] = data
        else:
            kwargs["person"] = woman
        case = intake_register(**kwargs)
        self.clock.stamp(opened_at)
        case.refresh_from_db()
        demo.counts["cases"] += 1
        return case

    def run_steps(self, case: Case, steps: list[Step]) -> None:
        demo, rng = self.demo, self.rng
        if rng.random() < 0.25:
            # Her children come into the case at the first interview.
            opened = timezone.localtime(case.opened_at)
            by = steps[0].user if steps else case.opened_by
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                data, in_care = child_data(demo, case.holder, opened.date())
                relation = (
                    Relation.MINOR_IN_CARE
                    if in_care
                    else (Relation.DAUGHTER if data["gender"] == Gender.WOMAN else Relation.SON)
                )
                case_party_add(case=case, by=by, relation=relation, person_data=data)
                demo.counts["children"] += 1
            self.clock.stamp(opened + timedelta(minutes=20))
        for step in steps:
            if step.kind == "consultation":
                summary, next_steps = rng.choice(SUMMARIES[step.area])
                note = ""
                if step.area == "psicologia" and rng.random() < 0.45:
                    note = rng.choice(PSYCHOLOGY_NOTES)
                modality = demo.weighted(
                    [
                        (Modality.IN_PERSON, 70),
                        (Modality.PHONE, 15),
                        (Modality.VIDEO, 12),
                        (Modality.COMPANY, 3),
                    ]
                )
                duration = (
                    rng.choice((30, 45, 50, 60, 90))
                    if step.area == "psicologia"
                    else rng.choice((20, 30, 45))
                )
                consultation_record(
                    case=case,
                    by=step.user,
                    area=self.areas[step.area],
                    modality=modality,
                    started_at=step.at,
                    duration_minutes=duration,
                    summary=summary,
                    next_steps=next_steps,
                    area_note=note,
                )
                self.clock.stamp(step.at + timedelta(minutes=duration))
                demo.counts["consultations"] += 1
            elif step.kind == "team_add":
                case_team_add(case=case, user=step.user, by=step.extra["by"])
                self.clock.stamp(step.at)
            elif step.kind == "close":
                case_close(case=case, by=step.user or case.opened_by, reason=demo.weighted(CLOSE_REASONS))
                self.clock.stamp(step.at)
                Case.objects.filter(pk=case.pk).update(closed_at=step.at, updated_at=step.at)
                demo.counts["closed"] += 1
                return
        last = max([step.at for step in steps] + [case.opened_at])
        Case.objects.filter(pk=case.pk).update(updated_at=last)


def number_folios() -> None:
    """Folios by the year each case was opened, in order of opening, as if issued on the day."""
    prefix = settings.INSTITUTE["folio_prefix"]
    cases = list(Case.objects.order_by("opened_at", "pk"))
    for case in cases:
        case.folio = f"TMP-{case.pk}"
    Case.objects.bulk_update(cases, ["folio"])
    per_year: dict[int, int] = defaultdict(int)
    for case in cases:
        year = timezone.localtime(case.opened_at).year
        per_year[year] += 1
        case.folio = f"{prefix}-{year}-{per_year[year]:06d}"
    Case.objects.bulk_update(cases, ["folio"])
    for year, last in per_year.items():
        FolioCounter.objects.update_or_create(year=year, defaults={"last": last})


# The institute's own intake field (issue 20): one of its own, answered in some active case files. No random
# draws, so the data of the loaders after this one does not move.
MIGRATION_OPTIONS = (
    "Nacional",
    "Migrante en tránsito",
    "Migrante residente",
    "Refugiada o solicitante de asilo",
)


def _intake_fields(demo: Demo) -> None:
    from violeta.cases import field_services
    from violeta.cases.models import ACTIVE_STATUSES

    migration = field_services.custom_field_create(
        by=demo["accounts.users"]["direccion"],
        label="Situación migratoria",
        kind="choice",
        options="\n".join(MIGRATION_OPTIONS),
        help_text="Como ella la describe.",
    )
    active = Case.objects.filter(status__in=ACTIVE_STATUSES).select_related("opened_by").order_by("pk")
    for index, case in enumerate(active[::4]):
        value = MIGRATION_OPTIONS[0] if index % 3 else MIGRATION_OPTIONS[1 + index % 3]
        field_services.intake_values_record(case=case, by=case.opened_by, values={migration.pk: value})
