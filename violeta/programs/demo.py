"""Demo data for the programs (issue 17), built through their services: the last twelve months of trainings at
schools, companies of Grupo INDEX, civil associations and municipal offices, with sessions, attendees and their
attendance; the coming weeks' sessions of the demo trainer, so her home page has something to do."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from violeta.core.demo import Demo
from violeta.programs import course_demo, services
from violeta.programs.models import AgeGroup, Modality, OrganizationKind, Program, Sex, Topic

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
ROLES = [
    "Docente",
    "Operadora de producción",
    "Supervisora",
    "Recursos humanos",
    "Servidora pública",
    "Estudiante",
]


def load(demo: Demo) -> None:
    rng, fake, users = demo.rng, demo.fake, demo["accounts.users"]
    trainer, coordinator = users["capacitacion"], users["coordinacion.juridica"]
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
