"""Demo legal matters and hearings in the coming days, built through the services.

``load`` runs once the case files exist. Deterministic: the same cases, kinds and times on every run; the
hearings fall on the next working days after the day the demo is built, so the lawyer's desk always has
something coming up. Leaves in the registry ``legal.first_matters``: each lawyer's first case and its matter,
(lawyer, case, matter), where ``documents/demo.py`` files a couple of documents.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from violeta.agenda.models import Appointment, AppointmentStatus
from violeta.cases.models import ACTIVE_STATUSES, Case
from violeta.core.demo import Demo
from violeta.legal.models import DEFAULT_HEARING_MINUTES, HearingKind, MatterKind, MatterStage
from violeta.legal.services import hearing_schedule, matter_open, matter_stage_set

PLAN = (
    # kind, authority, stages reached after advice, hearing kind or None
    (
        MatterKind.ALIMONY,
        "Juzgado Primero de lo Familiar",
        (MatterStage.PREPARATION, MatterStage.FILED),
        "hearing",
    ),
    (
        MatterKind.DIVORCE,
        "Juzgado Segundo de lo Familiar",
        (MatterStage.FILED, MatterStage.IN_PROCESS),
        "hearing",
    ),
    (MatterKind.CIVIL_RECORDS, "Oficialía del Registro Civil", (MatterStage.PREPARATION,), "appointment"),
    (MatterKind.CUSTODY, "Juzgado Tercero de lo Familiar", (MatterStage.FILED,), "deadline"),
    (MatterKind.PATERNITY, "Juzgado Primero de lo Familiar", (), None),
    (MatterKind.PROTECTION_ORDER, "Fiscalía Especializada en Atención a Mujeres Víctimas", (), "hearing"),
    (MatterKind.CRIMINAL_COMPLAINT, "Fiscalía Especializada en Atención a Mujeres Víctimas", (), None),
)
PER_LAWYER = 5  # matters opened for each demo lawyer, on her first active cases
PLACES = {
    HearingKind.HEARING: "Ciudad Judicial, Sala 4",
    HearingKind.APPOINTMENT: "Registro Civil, ventanilla 2",
    HearingKind.DEADLINE: "",
}


def _working_days(start, count):
    day = start
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
            yield day


def _free_moment(lawyer, kind, days, first, at, tz) -> datetime:
    """The hearing's time on the first of ``days`` from index ``first`` on which she has no appointment then.

    The agenda's demo books her coming week before the hearings exist (it sits below legal), so a hearing
    goes to a day it does not fall on her appointments, as a lawyer would ask (a deadline takes no time).
    """
    duration = timedelta(minutes=DEFAULT_HEARING_MINUTES)
    for day in days[first:] + days[:first]:
        starts = datetime.combine(day, at, tzinfo=tz)
        busy = Appointment.objects.filter(
            staff=lawyer,
            status=AppointmentStatus.SCHEDULED,
            starts_at__lt=starts + duration,
            ends_at__gt=starts,
        )
        if kind == HearingKind.DEADLINE or not busy.exists():
            return starts
    return datetime.combine(days[first], at, tzinfo=tz)


def load(demo: Demo) -> None:
    users = demo["accounts.users"]
    counts = demo.counts
    first_matters = []
    lawyers = [users["abogada"], users["abogada2"]]
    days = list(_working_days(demo.today, PER_LAWYER * len(lawyers)))
    tz = timezone.get_current_timezone()
    slot = 0
    for lawyer_index, lawyer in enumerate(lawyers):
        cases = list(
            Case.objects.filter(status__in=ACTIVE_STATUSES, team_members__user=lawyer).order_by("pk")[
                :PER_LAWYER
            ]
        )
        for index, case in enumerate(cases):
            kind, authority, stages, hearing_kind = PLAN[(index + lawyer_index * 2) % len(PLAN)]
            matter = matter_open(
                case=case,
                by=lawyer,
                kind=kind,
                authority=authority,
                court_file_number=f"{1200 + slot}/2026" if stages else "",
                summary="Asunto de demostración.",
            )
            counts["legal_matters"] += 1
            for stage in stages:
                matter_stage_set(matter=matter, by=lawyer, stage=stage)
            if hearing_kind:
                at = _free_moment(lawyer, hearing_kind, days, slot % len(days), time(10 + index % 4, 30), tz)
                hearing_schedule(
                    matter=matter, by=lawyer, starts_at=at, kind=hearing_kind, place=PLACES[hearing_kind]
                )
                counts["hearings"] += 1
            slot += 1
            if index == 0:
                first_matters.append((lawyer, case, matter))
    demo["legal.first_matters"] = first_matters
