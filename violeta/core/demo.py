"""Demo data for ``make run``: staff accounts, people and case files that look like an institute's real year.

Everything is built through the services (staff_create_direct, person_create, intake_register, consultation_record,
case_team_add, case_party_add, case_close), so the audit log, the consents and the case timelines are the ones
the application itself writes. The services stamp the present time; afterwards the demo moves each step's
timestamps to the past date it stands for (the audit log keeps the true time: it is append-only), and numbers
the folios by the year each case was opened.

Deterministic: Faker (es_MX) and the random choices are seeded, so every run builds the same data.
"""

import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from faker import Faker
from stdnum.mx import curp as stdnum_curp

from violeta.accounts.models import Area, Role, User
from violeta.accounts.services import grant_request, staff_create_direct
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
from violeta.people.models import Consent, Gender, Neighborhood, Person, PhoneChoice
from violeta.people.privacy_notice import current_notice
from violeta.people.services import person_create

DEMO_DOMAIN = "violeta.demo"
# Published on purpose (README, `make run`): it only ever protects demo accounts, which refuse production.
DEMO_PASSWORD = "violeta-demo-2026"  # noqa: S105
DEMO_URL = "http://127.0.0.1:8000/"
SEED = 2026
TZ = ZoneInfo("America/Chihuahua")

WOMEN = 150  # women registered; all but WITHOUT_CASE of them hold a case
WITHOUT_CASE = 6
RETURNING = 6  # women with an earlier case, closed in 2025, and a new one in 2026
CLOSED = 20  # closed cases in all, the returning women's first cases among them
FIRST_DAY = date(2025, 1, 6)
LAST_DAY = date(2026, 11, 13)  # the last case opened
LAST_MOMENT_DAY = date(2026, 11, 20)  # the last consultation or closure


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str
    area: str | None = None


ACCOUNTS = (
    DemoAccount("sistemas", "Silvia Porras Gil", Role.SYSADMIN),
    DemoAccount("direccion", "Diana Chavira Lozano", Role.DIRECTOR),
    DemoAccount("coordinacion.juridica", "Carmen Ornelas Trevizo", Role.COORDINATOR, "juridica"),
    DemoAccount("coordinacion.psicologia", "Patricia Legarreta Muñoz", Role.COORDINATOR, "psicologia"),
    DemoAccount("recepcion", "Rocío Méndez Ortiz", Role.RECEPTION),
    DemoAccount("abogada", "Laura Beltrán Quintana", Role.LEGAL, "juridica"),
    DemoAccount("abogada2", "Andrea Loya Chávez", Role.LEGAL, "juridica"),
    DemoAccount("psicologa", "Paula Rivas Domínguez", Role.PSYCHOLOGY, "psicologia"),
    DemoAccount("psicologa2", "Mariana Terrazas Ochoa", Role.PSYCHOLOGY, "psicologia"),
    DemoAccount("trabajo.social", "Sofía Holguín Armendáriz", Role.SOCIAL_WORK, "trabajo-social"),
    DemoAccount("capacitacion", "Teresa Baeza Prieto", Role.TRAINER),
    DemoAccount("tarjeta", "Tania Villalobos Ruiz", Role.CARD_OFFICE),
    DemoAccount("monitoreo", "Mónica Fierro Salas", Role.ALERT_MONITOR),
    DemoAccount("enlace.dif", "Elena Anchondo Reyes", Role.LIAISON),
    DemoAccount("comercio", "Mario Carrasco Durán", Role.MERCHANT),
)


def demo_email(account: DemoAccount) -> str:
    return f"{account.email}@{DEMO_DOMAIN}"


def logins() -> list[tuple[str, str, str]]:
    """(role in Spanish, e-mail, password) of every demo account, for the table `make run` prints."""
    rows = []
    for account in ACCOUNTS:
        role = str(Role(account.role).label)
        if account.role == Role.COORDINATOR:
            role = f"{role}: {COORDINATED[account.area]}"
        rows.append((role, demo_email(account), DEMO_PASSWORD))
    return rows


COORDINATED = {"juridica": "jurídica", "psicologia": "psicología", "trabajo-social": "trabajo social"}


def demo_exists() -> bool:
    """The marker: the demo accounts are created in the same transaction as everything else."""
    return User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}").exists()


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
BEST_HOURS = [
    "Lunes a viernes de 9:00 a 13:00",
    "Solo por la mañana",
    "Después de las 18:00",
    "Entre semana, de 10:00 a 12:00",
    "",
]
SAFE_NOTES = [
    "Si contesta otra persona, decir que llaman de la escuela de sus hijos.",
    "Usar solo el número de su hermana.",
    "No dejar recado; ella devuelve la llamada.",
    "No llamar; ella se comunica al instituto.",
]
CODE_WORDS = ["pregunte por la tanda", "recado de la escuela", "cita del dentista", "pedido de catálogo"]
DISABILITIES = ["Motriz", "Auditiva", "Visual", "Psicosocial"]
ABBREVIATED_NAMES = ["Ma. Guadalupe", "Ma. de Jesús", "Ma. del Carmen", "Ma. Elena", "Ma. Teresa"]
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


# --- CURP ---------------------------------------------------------------------------------------------------

# Particles RENAPO skips in names ("de la Cruz" counts as Cruz).
_CURP_PARTICLES = "DA DAS DE DEL DER DI DIE DD EL LA LOS LAS LE LES MAC MC VAN VON Y"
_CURP_SKIP = frozenset(_CURP_PARTICLES.split())
_COMMON_FIRST = {"MARIA", "MA", "MA.", "JOSE", "J", "J."}
_VOWELS = "AEIOU"


def _curp_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.upper().replace("Ñ", "X"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return [w for w in plain.replace(".", " ").split() if w not in _CURP_SKIP]


def _first_inner(word: str, vowels: bool) -> str:
    for ch in word[1:]:
        if ch.isalpha() and (ch in _VOWELS) == vowels:
            return ch
    return "X"


def make_curp(
    *,
    given_names: str,
    first_surname: str,
    second_surname: str,
    birth_date: date,
    sex: str = "M",
    state: str = "CH",
) -> str:
    """A CURP built by RENAPO's rules from the name, birth date, sex and state, with its check digit.

    Homonym handling by RENAPO (the 17th character) is not reproduced: pre-2000 births get 0, later ones A.
    """
    first = _curp_words(first_surname) or ["X"]
    second = _curp_words(second_surname) or ["X"]
    names = [w.rstrip(".") for w in _curp_words(given_names)] or ["X"]
    name = names[1] if len(names) > 1 and names[0] in _COMMON_FIRST else names[0]
    f, s = first[0], second[0]
    letters = f[0] + _first_inner(f, vowels=True) + s[0] + name[0]
    body = (
        f"{birth_date:%y%m%d}{sex}{state}"
        + _first_inner(f, vowels=False)
        + (_first_inner(s, vowels=False) if second_surname else "X")
        + _first_inner(name, vowels=False)
        + ("0" if birth_date.year < 2000 else "A")
    )
    candidate = letters + body
    if not stdnum_curp.is_valid(candidate + stdnum_curp.calc_check_digit(candidate)):
        # The four letters make an inconvenient word: RENAPO replaces the second one with X.
        candidate = letters[0] + "X" + letters[2:] + body
    return stdnum_curp.validate(candidate + stdnum_curp.calc_check_digit(candidate))


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


class DemoBuilder:
    def __init__(self, *, seed: int = SEED):
        self.rng = random.Random(seed)  # noqa: S311 - seeded on purpose: the same demo data every time, no secret
        self.fake = Faker("es_MX")
        self.fake.seed_instance(seed)
        # Nothing after the end of the demo period, so the data is the same whatever day it is built.
        self.last_moment = min(
            datetime.combine(LAST_MOMENT_DAY, time(15), tzinfo=TZ), timezone.now() - timedelta(days=1)
        )
        self.curps: set[str] = set()
        self.counts: dict[str, int] = defaultdict(int)
        # Every demo woman "accepted" the privacy notice in force, as at a real intake.
        self.privacy_notice_sha256 = current_notice().sha256

    # -- helpers

    def weighted(self, options):
        values, weights = zip(*options, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def business_moment(self, day: date) -> datetime:
        """A moment of office hours (Monday to Friday, 9:00 to 14:30) on that day or the next working day."""
        while day.weekday() >= 5:
            day += timedelta(days=1)
        minutes = self.rng.randrange(9 * 60, 14 * 60 + 30, 10)
        return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=TZ)

    def random_day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def phone(self) -> str:
        return f"614 {self.rng.randrange(100, 1000)} {self.rng.randrange(10000):04d}"

    # -- accounts

    def create_accounts(self) -> dict[str, User]:
        areas = {area.code: area for area in Area.objects.all()}
        missing = {account.area for account in ACCOUNTS if account.area} - set(areas)
        if missing:
            raise RuntimeError(f"Faltan las áreas {', '.join(sorted(missing))}: ejecute manage.py migrate.")
        users: dict[str, User] = {}
        admin = None
        for account in ACCOUNTS:
            # Setup, not a grant: the demo creates its accounts with their roles at once (still audited and
            # flagged). On a real instance only the first director comes this way (manage.py create_director);
            # every other role that reads personal data waits for a director's approval.
            user = staff_create_direct(
                by=admin,
                email=demo_email(account),
                full_name=account.full_name,
                role=account.role,
                area=areas[account.area] if account.area else None,
                reason="datos de demostración",
            )
            # Set without the validators, which refuse the published demo password for any real account.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            admin = admin or user
            users[account.email] = user
        return users

    def request_a_role(self) -> None:
        """One role request waiting on the director's screen: the trainer is to join social work."""
        grant_request(
            by=self.users["sistemas"],
            user=self.users["capacitacion"],
            role=Role.SOCIAL_WORK,
            area=Area.objects.get(code="trabajo-social"),
        )

    # -- people

    def woman_data(self, opened: date) -> tuple[dict, dict]:
        rng, fake = self.rng, self.fake
        given = rng.choice(ABBREVIATED_NAMES) if rng.random() < 0.06 else fake.first_name_female()
        first, second = fake.last_name(), fake.last_name() if rng.random() > 0.05 else ""
        age = min(75, max(18, round(rng.triangular(18, 72, 33))))
        gender = Gender.TRANS_WOMAN if rng.random() < 0.02 else Gender.WOMAN
        data = {
            "given_names": given,
            "first_surname": first,
            "second_surname": second,
            "gender": gender,
            "phone": self.phone() if rng.random() < 0.93 else "",
        }
        if rng.random() < 0.8:
            birth = opened - timedelta(days=age * 365 + rng.randrange(365))
            data["birth_date"] = birth
            if gender == Gender.WOMAN and rng.random() < 0.5:
                curp = make_curp(
                    given_names=given, first_surname=first, second_surname=second, birth_date=birth
                )
                if curp not in self.curps:
                    self.curps.add(curp)
                    data["curp"] = curp
        else:
            data["approximate_age"] = age
        if data["phone"] and rng.random() < 0.25:
            data["phone_alt"] = self.phone()
        if rng.random() < 0.3:
            user = fake.user_name().replace("_", ".")
            data["email"] = f"{user}{rng.randrange(10, 99)}@example.com"
        if rng.random() < 0.9:
            data["neighborhood"] = rng.choice(self.neighborhoods) if self.neighborhoods else None
            data["address"] = f"{fake.street_name()} {rng.randrange(100, 9999)}"
        if rng.random() < 0.06:
            data["indigenous_people"] = "Rarámuri"
            if rng.random() < 0.7:
                data["indigenous_language"] = "rarámuri"
        if rng.random() < 0.05:
            data["disability"] = rng.choice(DISABILITIES)
        return data, self.safe_contact(data)

    def safe_contact(self, data: dict) -> dict:
        rng = self.rng
        if not data["phone"]:
            return {"phone_choice": PhoneChoice.NONE, "notes": SAFE_NOTES[3]}
        roll = rng.random()
        if roll < 0.55:
            return {
                "phone_choice": PhoneChoice.MAIN,
                "may_call": True,
                "may_leave_message": rng.random() < 0.4,
                "may_sms": rng.random() < 0.5,
                "best_hours": rng.choice(BEST_HOURS),
            }
        if roll < 0.75 and data.get("phone_alt"):
            return {
                "phone_choice": PhoneChoice.ALT,
                "may_call": True,
                "may_sms": rng.random() < 0.3,
                "best_hours": rng.choice(BEST_HOURS),
                "notes": SAFE_NOTES[1],
            }
        if roll < 0.92:
            return {
                "phone_choice": PhoneChoice.MAIN,
                "may_call": True,
                "best_hours": "Solo de 9:00 a 12:00",
                "code_word": rng.choice(CODE_WORDS),
                "notes": rng.choice(SAFE_NOTES[:3]),
            }
        return {"phone_choice": PhoneChoice.NONE, "notes": SAFE_NOTES[3]}

    def child_data(self, mother: Person, on: date) -> tuple[dict, str]:
        rng, fake = self.rng, self.fake
        daughter = rng.random() < 0.5
        age = rng.randrange(0, 18)
        in_care = rng.random() < 0.15
        data = {
            "given_names": fake.first_name_female() if daughter else fake.first_name_male(),
            "first_surname": fake.last_name(),
            "second_surname": fake.last_name() if in_care else mother.first_surname,
            "birth_date": on - timedelta(days=age * 365 + rng.randrange(1, 365)),
            "gender": Gender.WOMAN if daughter else Gender.MAN,
        }
        relation = Relation.MINOR_IN_CARE if in_care else (Relation.DAUGHTER if daughter else Relation.SON)
        return data, relation

    # -- cases

    def pick_staff(self) -> dict[str, User]:
        """The areas that attend a case and who attends it for each (area code -> staff member)."""
        return {area: self.rng.choice(self.staff_by_area[area]) for area in self.weighted(AREA_MIXES)}

    def plan_case(self, opened_at: datetime, staff: dict, close_by: datetime | None) -> list[Step]:
        """The case's life after intake: consultations, perhaps a colleague joining, perhaps closure."""
        rng = self.rng
        areas = tuple(staff)
        steps: list[Step] = []
        moment = opened_at + timedelta(minutes=40)
        limit = min(close_by, self.last_moment) if close_by else self.last_moment
        for index in range(rng.randint(1, 6)):
            if moment > limit:
                break
            area = areas[0] if index == 0 else rng.choice(areas)
            user = staff[area]
            if area == "juridica" and rng.random() < 0.05:
                user = self.users["coordinacion.juridica"]
            steps.append(Step(moment, "consultation", area, user))
            moment = self.business_moment(moment.date() + timedelta(days=rng.randint(7, 35)))
        if "trabajo-social" not in areas and len(steps) >= 2 and rng.random() < 0.15:
            # A colleague of social work joins after a consultation and attends her later.
            joined = steps[1].at + timedelta(hours=1)
            first_on_team = steps[0].user
            social_worker = self.users["trabajo.social"]
            steps.insert(2, Step(joined, "team_add", "trabajo-social", social_worker, {"by": first_on_team}))
            later = self.business_moment(joined.date() + timedelta(days=rng.randint(3, 10)))
            if later <= limit:
                steps.insert(3, Step(later, "consultation", "trabajo-social", self.users["trabajo.social"]))
            steps.sort(key=lambda step: step.at)
        if close_by:
            last = steps[-1].at if steps else opened_at
            closing = min(self.business_moment(last.date() + timedelta(days=rng.randint(7, 30))), close_by)
            steps.append(
                Step(max(closing, last + timedelta(hours=1)), "close", user=steps[0].user if steps else None)
            )
        return steps

    def open_case(
        self, *, woman: Person | None, data: tuple | None, opened_at: datetime, staff: dict
    ) -> Case:
        rng = self.rng
        areas = tuple(staff)
        team_members = list(staff.values())
        by_reception = rng.random() < 0.55
        by = self.users["recepcion"] if by_reception else team_members[0]
        arrival = self.weighted(ARRIVALS)
        detail = ""
        if arrival == ArrivalChannel.REFERRED:
            detail = rng.choice(REFERRED_BY)
        elif arrival == ArrivalChannel.COMPANY:
            detail = rng.choice(COMPANIES)
        topic = "violencia" if rng.random() < 0.35 else areas[0]
        kwargs = {
            "by": by,
            "privacy_notice_accepted": True,
            "privacy_notice_sha256": self.privacy_notice_sha256,
            "arrival_channel": arrival,
            "arrival_detail": detail,
            "reason": rng.choice(REASONS[topic]),
            "team": tuple(team_members),
        }
        if woman is None:
            kwargs["person_data"], kwargs["safe_contact"] = data
        else:
            kwargs["person"] = woman
        case = intake_register(**kwargs)
        self.clock.stamp(opened_at)
        case.refresh_from_db()
        self.counts["cases"] += 1
        return case

    def run_steps(self, case: Case, steps: list[Step]) -> None:
        rng = self.rng
        if rng.random() < 0.25:
            # Her children come into the case at the first interview.
            opened = timezone.localtime(case.opened_at)
            by = steps[0].user if steps else case.opened_by
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                data, relation = self.child_data(case.holder, opened.date())
                case_party_add(case=case, by=by, relation=relation, person_data=data)
                self.counts["children"] += 1
            self.clock.stamp(opened + timedelta(minutes=20))
        for step in steps:
            if step.kind == "consultation":
                summary, next_steps = rng.choice(SUMMARIES[step.area])
                note = ""
                if step.area == "psicologia" and rng.random() < 0.45:
                    note = rng.choice(PSYCHOLOGY_NOTES)
                modality = self.weighted(
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
                self.counts["consultations"] += 1
            elif step.kind == "team_add":
                case_team_add(case=case, user=step.user, by=step.extra["by"])
                self.clock.stamp(step.at)
            elif step.kind == "close":
                case_close(case=case, by=step.user or case.opened_by, reason=self.weighted(CLOSE_REASONS))
                self.clock.stamp(step.at)
                Case.objects.filter(pk=case.pk).update(closed_at=step.at, updated_at=step.at)
                self.counts["closed"] += 1
                return
        last = max([step.at for step in steps] + [case.opened_at])
        Case.objects.filter(pk=case.pk).update(updated_at=last)

    def number_folios(self) -> None:
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

    # -- the whole

    @transaction.atomic
    def build(self) -> dict[str, int]:
        rng = self.rng
        self.users = self.create_accounts()
        self.staff_by_area = {
            "juridica": [self.users["abogada"], self.users["abogada2"]],
            "psicologia": [self.users["psicologa"], self.users["psicologa2"]],
            "trabajo-social": [self.users["trabajo.social"]],
        }
        self.areas = {area.code: area for area in Area.objects.filter(code__in=self.staff_by_area)}
        self.neighborhoods = list(Neighborhood.objects.order_by("postal_code", "name", "pk"))
        self.clock = Clock()
        last_day = min(LAST_DAY, timezone.localdate() - timedelta(days=7))

        with_case = WOMEN - WITHOUT_CASE
        # The returning women (the first RETURNING) came first in 2025; the others any day of the period.
        days = [
            self.random_day(FIRST_DAY, date(2025, 5, 30) if index < RETURNING else last_day)
            for index in range(WOMEN)
        ]
        old_enough = [i for i in range(RETURNING, with_case) if days[i] < last_day - timedelta(days=90)]
        closing = set(range(RETURNING)) | set(rng.sample(old_enough, CLOSED - RETURNING))
        for index, day in enumerate(days):
            opened_at = self.business_moment(day)
            data = self.woman_data(day)
            if index >= with_case:
                # Registered (e.g. for a course or the card) without a case file.
                person_create(by=self.users["recepcion"], safe_contact=data[1], **data[0])
                self.clock.stamp(opened_at)
                self.counts["people"] += 1
                continue
            close_by = None
            if index in closing:
                close_by = self.business_moment(date(2025, 10, 31) if index < RETURNING else last_day)
            staff = self.pick_staff()
            case = self.open_case(woman=None, data=data, opened_at=opened_at, staff=staff)
            self.counts["people"] += 1
            self.run_steps(case, self.plan_case(opened_at, staff, close_by))
            if index < RETURNING:
                # She comes back in 2026 with a new matter: a new case, her record reused.
                again = self.business_moment(self.random_day(date(2026, 1, 12), last_day))
                staff = self.pick_staff()
                second = self.open_case(woman=case.holder, data=None, opened_at=again, staff=staff)
                self.run_steps(second, self.plan_case(again, staff, None))
        self.number_folios()
        self.counts["people"] += self.counts["children"]
        self.build_care()
        self.build_mia()
        from violeta.legal.demo import build_legal  # legal matters, hearings coming up, documents

        self.counts.update(build_legal(users=self.users))
        self.build_violence()
        self.build_agenda()
        from violeta.referrals.demo import build_referrals

        build_referrals(self)
        self.build_card()
        self.request_a_role()
        from violeta.privacy.demo import build_privacy  # one ARCO request in progress, one breach entry

        self.counts.update(build_privacy(self))
        return dict(self.counts)

    def build_care(self) -> None:
        """Psychology's treatment plans, sessions and scales; social work's assessments and applications."""
        from violeta.psychology.demo import build_psychology
        from violeta.socialwork.demo import build_socialwork

        build_psychology(self)
        build_socialwork(self)

    def build_violence(self) -> None:
        """Incidents, risk assessments (some high: priority cases), a safety plan, protection orders."""
        from violeta.violence.demo import build_violence

        self.counts.update(build_violence(users=self.users))

    def build_card(self) -> None:
        """The card program: businesses, applications in every state, cards and validations (card/demo.py)."""
        from violeta.card.demo import build_card

        self.counts.update(build_card(self))

    def build_mia(self) -> None:
        """MIA for the console: three women with the app, two alerts live (one under duress), one closed.

        The accounts are made directly (sign-up needs a code read from her phone); contacts, alerts, positions,
        acknowledgements and the closing go through the services, so the outbox and its tasks are real: the
        worker started by `make run` prints the SMS in its terminal.
        """
        from django.contrib.auth.hashers import make_password

        from violeta.alerts.models import MiaAccount, Outcome
        from violeta.alerts.services.accounts import account_link_person
        from violeta.alerts.services.alerts import (
            alert_acknowledge,
            alert_cancel,
            alert_close,
            alert_locate,
            alert_raise,
        )
        from violeta.alerts.services.contacts import contact_add, contact_confirm
        from violeta.people.models import ConsentPurpose
        from violeta.people.services import consent_record

        monitor = self.users["monitoreo"]
        holder = Case.objects.filter(status__in=["open", "follow_up"]).order_by("opened_at").first().holder
        consent_record(
            person=holder,
            by=self.users["abogada"],
            purpose=ConsentPurpose.MIA_LINK,
            scope="Vincular su app MIA",
        )
        women = [("Ana", "6141230001"), ("Lupita", "6141230002"), ("Rosa", "6141230003")]
        accounts = []
        for index, (name, phone) in enumerate(women):
            account = MiaAccount.objects.create(
                phone=f"+52{phone}",
                display_name=name,
                pin_hash=make_password("1234"),
                duress_pin_hash=make_password("9999"),
            )
            for contact in range(2):
                added = contact_add(account=account, name=self.fake.first_name_female(), phone=self.phone())
                if contact == 0 or index == 0:
                    contact_confirm(token=added.confirm_token)
            accounts.append(account)
        account_link_person(person=holder, phone=accounts[0].phone, by=self.users["abogada"])

        ana, lupita, rosa = accounts
        alert, _created = alert_raise(account=ana, client_id="demo-ana-0001")
        # Raised seven minutes ago: her phone's fixes since then (a fix from before the alert is refused).
        type(alert).objects.filter(pk=alert.pk).update(started_at=timezone.now() - timedelta(minutes=7))
        for step, (lat, lon) in enumerate(
            [(28.63528, -106.08889), (28.63601, -106.08712), (28.63702, -106.08575)]
        ):
            alert_locate(
                alert=alert,
                lat=lat,
                lon=lon,
                accuracy=35 - step * 10,
                captured_at=timezone.now() - timedelta(minutes=6 - step * 2),
            )
        alert_acknowledge(recipient=alert.recipients.first(), via="link")
        alert, _created = alert_raise(account=lupita, client_id="demo-lupita-0001")
        alert_locate(alert=alert, lat=28.6612, lon=-106.0401, accuracy=60)
        alert_cancel(alert=alert, pin="9999")  # the duress PIN: "cancelled" on her screen, raised here
        alert, _created = alert_raise(account=rosa, client_id="demo-rosa-0001")
        alert_close(alert=alert, by=monitor, outcome=Outcome.FALSE_ALARM, note="Se activó por error.")
        self.counts["mia_alerts"] = 3

    def build_agenda(self) -> None:
        """The coming week's appointments of the area staff, and four weeks of calls on both lines.

        Appointments are for the next working days from today (the agenda shows the present week, so this part
        depends on the day it is built); bookings that would clash are skipped, as the service refuses them.
        Calls are spread over the last four weeks, a fifth of them in the evening or at the weekend.
        """
        from django.core.exceptions import ValidationError

        from violeta.agenda.hours import office_hours_problem
        from violeta.agenda.models import CallAction, PhoneCall, PhoneLine
        from violeta.agenda.services import appointment_book, phone_call_log
        from violeta.cases.models import CaseTeamMember

        rng, reception = self.rng, self.users["recepcion"]
        days, day = [], timezone.localdate()
        while len(days) < 5:
            day += timedelta(days=1)
            if not office_hours_problem(
                datetime.combine(day, time(10), tzinfo=TZ), datetime.combine(day, time(11), tzinfo=TZ)
            ):
                days.append(day)
        modalities = [("in_person", 6), ("phone", 3), ("video", 1)]
        for staff_list in self.staff_by_area.values():
            for staff in staff_list:
                cases = list(
                    Case.objects.filter(
                        status__in=["open", "follow_up", "reopened"],
                        pk__in=CaseTeamMember.objects.filter(user=staff).values("case_id"),
                    ).order_by("pk")
                )
                for day in days:
                    for hour in sorted(rng.sample(range(9, 15), 3)):
                        start = datetime.combine(day, time(hour), tzinfo=TZ)
                        modality = self.weighted(modalities)
                        try:
                            appointment_book(
                                by=reception if rng.random() < 0.6 else staff,
                                staff=staff,
                                starts_at=start,
                                ends_at=start + timedelta(minutes=50),
                                modality=modality,
                                case=rng.choice(cases) if cases and rng.random() < 0.85 else None,
                                contact_name=self.fake.first_name_female(),
                                video_link=f"https://meet.jit.si/imm-{rng.randrange(10**8):08d}"
                                if modality == "video"
                                else "",
                            )
                        except ValidationError:
                            continue  # she already has another appointment then
                        self.counts["appointments"] += 1
        lines = list(PhoneLine.objects.order_by("code"))
        reasons = [
            ("Pregunta por asesoría para divorcio", False, CallAction.APPOINTMENT),
            ("Quiere saber cómo pedir pensión alimenticia", False, CallAction.ORIENTATION),
            ("Su pareja la amenaza; pide orientación", True, CallAction.APPOINTMENT),
            ("Corrección de acta de nacimiento", False, CallAction.REFERRAL),
            ("Agresión en curso, se escuchan gritos", True, CallAction.EMERGENCY),
            ("Busca apoyo psicológico para su hija", True, CallAction.ORIENTATION),
        ]
        today = timezone.localdate()
        for index in range(40):
            day = today - timedelta(days=rng.randrange(1, 29))
            if index % 5 == 0:
                moment = datetime.combine(
                    day, time(rng.choice([7, 16, 18, 20, 22]), rng.randrange(60)), tzinfo=TZ
                )
            else:
                while day.weekday() >= 5:
                    day -= timedelta(days=1)
                moment = self.business_moment(day)
            reason, violence, action = rng.choice(reasons)
            phone_call_log(
                by=reception,
                line=lines[index % len(lines)],
                at=moment,
                caller_name=self.fake.first_name_female() if rng.random() < 0.7 else "",
                reason=reason,
                violence=violence,
                action=action,
            )
            self.counts["phone_calls"] += 1
        # The most recent call that asked for an appointment got one (the woman is not registered yet).
        call = PhoneCall.objects.filter(action=CallAction.APPOINTMENT).order_by("-at").first()
        for day, hour in ((d, h) for d in days for h in range(9, 15)):
            start = datetime.combine(day, time(hour), tzinfo=TZ)
            try:
                appointment_book(
                    by=reception,
                    staff=self.users["abogada"],
                    starts_at=start,
                    ends_at=start + timedelta(minutes=50),
                    modality="phone",
                    call=call,
                )
            except ValidationError:
                continue
            self.counts["appointments"] += 1
            break
