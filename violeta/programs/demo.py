"""Demo data for the programs (issue 17), built through their services: the last twelve months of trainings at
schools, companies of Grupo INDEX, civil associations and municipal offices, with sessions, attendees and their
attendance; the coming weeks' sessions of the demo trainer, so her home page has something to do; two visits of
IMM en tu empresa to the Grupo INDEX companies, with consultations written in existing case files; and this
year's 16 días de activismo with its events and their reach.

The visits and the campaign draw from their own seeded random source, so the loaders after this one (privacy)
get the same draws as before they existed."""

import random
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from violeta.cases.demo import Clock
from violeta.cases.models import ACTIVE_STATUSES
from violeta.cases.selectors import visible_cases
from violeta.core.demo import SEED, Demo
from violeta.programs import course_demo, services, visits
from violeta.programs.models import (
    AgeGroup,
    EventKind,
    Modality,
    OrganizationKind,
    Phase,
    Program,
    Sex,
    Topic,
)
from violeta.programs.training_requests import training_request_handle, training_request_submit

ORGANIZATIONS = [
    ("Escuela Secundaria Técnica 45", OrganizationKind.SCHOOL, "", False),
    ("Preparatoria Municipal Chihuahua", OrganizationKind.SCHOOL, "", False),
    ("Manufacturas del Norte, S.A. de C.V.", OrganizationKind.COMPANY, "Manufactura automotriz", True),
    ("Ensambles Electrónicos de Chihuahua", OrganizationKind.COMPANY, "Manufactura electrónica", True),
    ("Mujeres Unidas por Chihuahua, A.C.", OrganizationKind.ASSOCIATION, "", False),
    ("Instituto de Cultura del Municipio", OrganizationKind.MUNICIPAL, "", False),
    ("DIF Municipal", OrganizationKind.MUNICIPAL, "", False),
]
# (program, topic code, title, organisation index or None, sessions, attendees, months ago)
TRAININGS = [
    (Program.TRANSVERSALIDAD, "prevencion-de-la-violencia", "Noviazgo sin violencia", 0, 2, 18, 10),
    (Program.TRANSVERSALIDAD, "igualdad-sustantiva", "Igualdad sustantiva en el aula", 1, 3, 22, 7),
    (Program.COMPANY, "servicios-del-imm", "IMM en tu empresa: servicios y derechos", 2, 1, 30, 6),
    (Program.COMPANY, "acoso-y-hostigamiento", "Acoso y hostigamiento sexual en el trabajo", 3, 2, 25, 4),
    (Program.TRANSVERSALIDAD, "equidad-de-genero", "Equidad de género para asociaciones", 4, 2, 14, 3),
    (Program.INTERNAL_PROTOCOL, "protocolo-interno", "El protocolo interno, paso a paso", 5, 2, 20, 2),
    (
        Program.INTERNAL_PROTOCOL,
        "protocolo-interno",
        "Protocolo interno para el personal del DIF",
        6,
        2,
        16,
        1,
    ),
    (Program.CAMPAIGN, "prevencion-de-la-violencia", "16 días de activismo: plática abierta", None, 1, 35, 0),
    (
        Program.STAFF,
        "interseccionalidad",
        "Diplomado: interseccionalidad e interculturalidad",
        None,
        5,
        12,
        5,
    ),
]
QUESTIONS = {
    "prevencion-de-la-violencia": [
        ("¿Revisar el celular de la pareja sin permiso es una forma de violencia?", ["Sí", "No"], 0),
        ("¿A qué número se llama en una emergencia?", ["072", "9-1-1", "089"], 1),
        (
            "¿La violencia económica incluye controlar el dinero de la pareja?",
            ["Sí", "No", "Solo si hay golpes"],
            0,
        ),
    ],
    "igualdad-sustantiva": [
        (
            "La igualdad sustantiva es…",
            ["Igualdad en la ley", "Igualdad de hecho, en la vida diaria", "Lo mismo que equidad"],
            1,
        ),
        ("¿Las tareas de cuidado deben repartirse entre todas las personas del hogar?", ["Sí", "No"], 0),
    ],
}
ROLES = [
    "Docente",
    "Operadora de producción",
    "Supervisora",
    "Recursos humanos",
    "Servidora pública",
    "Estudiante",
]


def _questionnaires(training, people, trainer, rng) -> None:
    """Answers before and after for trainings whose topic has a questionnaire: better after than before."""
    questions = services.questionnaire_of(training)
    if not questions:
        return
    for person in people:
        for phase, chance in ((Phase.BEFORE, 0.45), (Phase.AFTER, 0.85)):
            answers = {}
            for question in questions:
                options = list(question.options.all())
                right = next(o for o in options if o.is_correct)
                answers[question.pk] = right.pk if rng.random() < chance else rng.choice(options).pk
            services.questionnaire_record(attendee=person, phase=phase, answers=answers, by=trainer)


def _staff_training(users, rng) -> None:
    """The 5-module diploma with TERFU A.C. that the staff took, and a course or two of their own."""
    start = timezone.localdate() - timedelta(days=200)
    modules = [
        "Interseccionalidad",
        "Interculturalidad",
        "Modelo de atención a la violencia extrema",
        "Factores de riesgo de trata de personas",
        "Atención sin revictimización",
    ]
    for login in (
        "abogada",
        "psicologa",
        "trabajo.social",
        "recepcion",
        "capacitacion",
        "coordinacion.juridica",
    ):
        for n, module in enumerate(modules[: rng.randint(3, 5)]):
            day = start + timedelta(days=21 * n)
            services.staff_training_record(
                staff=users[login],
                by=users[login],
                title=f"Diplomado, módulo {n + 1}: {module}",
                provider="TERFU A.C.",
                started_on=day,
                finished_on=day + timedelta(days=14),
                hours=20,
                certificate_received=True,
            )


def load(demo: Demo) -> None:
    rng, fake, users = demo.rng, demo.fake, demo["accounts.users"]
    trainer, coordinator = users["capacitacion"], users["coordinacion.juridica"]
    for code, items in QUESTIONS.items():
        topic = Topic.objects.get(code=code)
        for text, options, correct in items:
            services.question_add(topic=topic, by=trainer, text=text, options=options, correct=correct)
    _staff_training(users, rng)
    organizations = []
    for name, kind, sector, index in ORGANIZATIONS:
        org = services.organization_create(by=trainer, name=name, kind=kind, sector=sector, grupo_index=index)
        services.organization_contact_add(
            organization=org, by=trainer, name=fake.name_female(), position="Enlace con el Instituto"
        )
        if kind in (OrganizationKind.COMPANY, OrganizationKind.SCHOOL):
            services.agreement_add(
                organization=org,
                by=trainer,
                title="Convenio de colaboración",
                starts_on=timezone.localdate() - timedelta(days=400),
                ends_on=timezone.localdate() + timedelta(days=330),
            )
        organizations.append(org)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for program, topic_code, title, org_index, sessions, attendees, months_ago in TRAININGS:
        training = services.training_create(
            by=trainer,
            program=program,
            topic=Topic.objects.get(code=topic_code),
            title=title,
            trainer=trainer if program != Program.STAFF else coordinator,
            organization=organizations[org_index] if org_index is not None else None,
            modality=Modality.ONLINE if program == Program.STAFF else Modality.IN_PERSON,
            hours=2 * sessions,
            # The internal protocol is renewed every year: its certificates say until when they are valid.
            certificate_valid_months=12 if program == Program.INTERNAL_PROTOCOL else None,
        )
        first = (now - timedelta(days=30 * months_ago)).replace(hour=rng.choice([9, 10, 16]))
        held = []
        for n in range(sessions):
            start = first + timedelta(days=7 * n)
            session = services.session_add(
                training=training,
                by=trainer,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                place="" if program == Program.STAFF else "Sala de usos múltiples",
                link="https://meet.jit.si/imm-diplomado" if program == Program.STAFF else "",
            )
            if start < now:
                held.append(session)
        people = []
        for _n in range(attendees):
            sex = Sex.WOMAN if rng.random() < 0.75 else Sex.MAN
            name = fake.name_female() if sex == Sex.WOMAN else fake.name_male()
            try:
                people.append(
                    services.attendee_register(
                        training=training,
                        by=trainer,
                        full_name=name,
                        sex=sex,
                        age_group=rng.choice(AgeGroup.values[1:]),
                        role=rng.choice(ROLES),
                        organization_name=training.organization.name if training.organization else "",
                    )
                )
            except ValidationError:  # the same fake name twice in one training: skip it
                continue
        for session in held:
            for person in people:
                services.attendance_mark(
                    session=session, attendee=person, present=rng.random() < 0.85, by=trainer
                )
        _questionnaires(training, people, trainer, rng)
        if held and len(held) == sessions and program != Program.CAMPAIGN:
            demo.counts["certificates"] += len(services.certificates_issue(training=training, by=trainer))
        demo.counts["trainings"] += 1
        demo.counts["attendees"] += len(people)
    # The trainer's coming sessions: a training next week, for a school.
    upcoming = services.training_create(
        by=trainer,
        program=Program.TRANSVERSALIDAD,
        topic=Topic.objects.get(code="lenguaje-incluyente"),
        title="Lenguaje incluyente para docentes",
        trainer=trainer,
        organization=organizations[0],
        hours=4,
    )
    for days in (2, 9):
        start = (now + timedelta(days=days)).replace(hour=10)
        services.session_add(
            training=upcoming,
            by=trainer,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Biblioteca",
        )
    for _n in range(8):
        services.attendee_register(
            training=upcoming,
            by=trainer,
            full_name=fake.unique.name_female(),
            sex=Sex.WOMAN,
            age_group=rng.choice(AgeGroup.values[1:]),
            role="Docente",
        )
    demo.counts["trainings"] += 1
    company_visits(demo, trainer, [org for org in organizations if org.grupo_index])
    campaign_16_days(demo, trainer)
    # Superación en acción: its groups, built after the case files (programs/course_demo.py).
    course_demo.load(demo)
    training_requests_demo(trainer)


def training_requests_demo(trainer) -> None:
    """Two requests from the public site (issue 19): one new, one the trainer already called back. No random
    draws: the data of the loaders after this one does not move."""
    training_request_submit(
        organization_name="Preparatoria Comercial del Centro",
        kind=OrganizationKind.SCHOOL,
        contact_name="Lucía Ramírez",
        phone="+526144151234",
        topic=Topic.objects.filter(is_active=True).first(),
        people=60,
        preferred_dates="Mañanas de la próxima semana",
        message="Queremos una plática sobre noviazgo sin violencia para el alumnado de primer semestre.",
    )
    called = training_request_submit(
        organization_name="Asociación Mujeres del Desierto",
        kind=OrganizationKind.ASSOCIATION,
        contact_name="Elena Chávez",
        email="contacto@mujeresdeldesierto.example",
        people=20,
    )
    training_request_handle(request=called, by=trainer, status="contacted", note="Llamamos; esperan fechas.")


# (days ago, what was offered, women reached, consultations: (staff login, summary))
VISITS = [
    (
        62,
        {"offered_talk": True, "offered_legal": True},
        48,
        [
            (
                "abogada",
                "Asesoría sobre pensión alimenticia y guarda de sus hijos; se le explica el procedimiento.",
            ),
            (
                "abogada",
                "Orientación sobre hostigamiento laboral y los pasos para denunciarlo en la empresa.",
            ),
        ],
    ),
    (
        19,
        {"offered_talk": True, "offered_legal": True, "offered_psychology": True},
        36,
        [
            (
                "psicologa",
                "Primera escucha en la empresa; refiere estrés y temor. Se acuerda seguimiento en el IMM.",
            ),
            (
                "abogada",
                "Dudas sobre divorcio y bienes; se agenda cita en el Instituto para iniciar el trámite.",
            ),
        ],
    ),
]


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def company_visits(demo: Demo, trainer, companies) -> None:
    """Two visits of IMM en tu empresa to the Grupo INDEX companies, each with two consultations written in the
    case files (active, opened before the visit) of women the lawyer or psychologist already attends."""
    rng = random.Random(f"{SEED}-visits")  # noqa: S311 - seeded demo data, no secret
    users = demo["accounts.users"]
    clock = Clock()  # from now on: what these consultations write is moved to the visit's day
    used = set()
    for (days_ago, offered, reached, consultations), company in zip(VISITS, companies, strict=False):
        day = _working_day(demo.today - timedelta(days=days_ago))
        visit = visits.visit_create(
            by=trainer,
            organization=company,
            visited_on=day,
            women_reached=reached,
            notes="Plática en el comedor y módulo de atención durante el cambio de turno.",
            **offered,
        )
        for index, (login, summary) in enumerate(consultations):
            staff = users[login]
            cases = list(
                visible_cases(staff)
                .filter(
                    team_members__user=staff,
                    status__in=ACTIVE_STATUSES,
                    is_internal_protocol=False,
                    opened_at__lt=_moment(day, 8),
                )
                .exclude(pk__in=used)
                .order_by("pk")
            )
            if not cases:
                continue
            case = rng.choice(cases)
            used.add(case.pk)
            at = _moment(day, 11 + index, 10 * rng.randrange(5))
            visits.visit_consultation_record(
                visit=visit, case=case, by=staff, started_at=at, duration_minutes=30, summary=summary
            )
            clock.stamp(at)
            demo.counts["consultations at company visits"] += 1
        demo.counts["company visits"] += 1


# (day of the campaign, from 0 on 25 November; kind, title, place)
CAMPAIGN_EVENTS = [
    (0, EventKind.MARCH, "Marcha por la eliminación de la violencia contra las mujeres", "Plaza de Armas"),
    (2, EventKind.TALK, "Plática: violencia en el noviazgo", "Preparatoria Municipal Chihuahua"),
    (5, EventKind.FAIR, "Feria de servicios del Instituto", "Parque El Palomar"),
    (8, EventKind.BROADCAST, "Cápsulas en radio municipal", "Radio municipal"),
    (11, EventKind.WORKSHOP, "Taller de autodefensa", "Centro comunitario Riberas del Sacramento"),
    (15, EventKind.CULTURAL, "Función de teatro: «Ni una más»", "Teatro de los Héroes"),
]


def campaign_16_days(demo: Demo, trainer) -> None:
    """This year's 16 días de activismo (25 November to 10 December; last year's until it begins), with its events
    held so far and the people each reached."""
    rng = random.Random(f"{SEED}-campaign")  # noqa: S311 - seeded demo data, no secret
    year = demo.today.year if demo.today >= date(demo.today.year, 11, 25) else demo.today.year - 1
    starts = date(year, 11, 25)
    campaign = visits.campaign_create(
        by=trainer,
        name=f"16 días de activismo {year}",
        starts_on=starts,
        ends_on=date(year, 12, 10),
        description="Campaña de la ONU contra la violencia hacia las mujeres: del 25 de noviembre al 10 de diciembre.",
    )
    for offset, kind, title, place in CAMPAIGN_EVENTS:
        held_on = starts + timedelta(days=offset)
        if held_on > demo.today:
            break
        scale = {EventKind.MARCH: 60, EventKind.FAIR: 40, EventKind.BROADCAST: 0}.get(kind, 12)
        reach = {}
        if scale:
            for sex, share in ((Sex.WOMAN, 1.0), (Sex.MAN, 0.3)):
                for age in AgeGroup.values:
                    reach[(sex, age)] = int(rng.randint(scale // 2, scale) * share)
        visits.campaign_event_add(
            campaign=campaign, by=trainer, title=title, kind=kind, held_on=held_on, place=place, reach=reach
        )
        demo.counts["campaign events"] += 1
