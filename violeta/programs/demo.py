"""Demo data for the programs (issue 17), built through their services: the last twelve months of trainings at
schools, companies of Grupo INDEX, civil associations and municipal offices, with sessions, attendees and their
attendance; the coming weeks' sessions of the demo trainer, so her home page has something to do."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from violeta.core.demo import Demo
from violeta.programs import course_demo, services
from violeta.programs.models import AgeGroup, Modality, OrganizationKind, Phase, Program, Sex, Topic

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
    # Superación en acción: its groups, built after the case files (programs/course_demo.py).
    course_demo.load(demo)
