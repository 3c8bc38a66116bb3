"""Reads of the agenda and the call log. ``access_appointment`` and ``access_call`` are the one way in."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from violeta.accounts.models import AREA_ROLES, CASE_ROLES, INTAKE_ROLES, Area, Role, User
from violeta.agenda.models import BUSY_STATUSES, Appointment, PhoneCall, PhoneLine
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.cases.selectors import case_visible_q

# Who opens the agenda pages at all; what each sees is decided below.
AGENDA_ROLES = CASE_ROLES
# Who books appointments (the director's office does not attend women directly).
BOOKING_ROLES = INTAKE_ROLES
# Who takes calls on the lines and keeps the log (area staff see the calls they took).
CALL_ROLES = INTAKE_ROLES | {Role.DIRECTOR}
# Who sees every call and the counts of the lines.
CALL_DESK_ROLES = frozenset({Role.RECEPTION, Role.COORDINATOR, Role.DIRECTOR})


def agenda_appointments_in_reach(user) -> QuerySet[Appointment]:
    """The agendas a user may open: reception and the director every one; a coordinator her area's; area staff
    their own. What she may read of each appointment is ``visible_appointments``; the rest is busy time."""
    if not (user.is_authenticated and user.is_active and user.role in AGENDA_ROLES):
        return Appointment.objects.none()
    if user.role in (Role.RECEPTION, Role.DIRECTOR):
        return Appointment.objects.all()
    rule = Q(staff=user) | Q(created_by=user)
    if user.role == Role.COORDINATOR and user.area_id:
        rule |= Q(area_id=user.area_id)
    return Appointment.objects.filter(rule)


def visible_appointments(user) -> QuerySet[Appointment]:
    """The appointments in her agendas that she may read: those about no case, or about a case she may see
    (the case's own rule, so an internal-protocol case's appointments stay with its designated staff)."""
    return agenda_appointments_in_reach(user).filter(case_visible_q(user))


def access_appointment(user, pk, *, detail: str = "cita", for_update: bool = False) -> Appointment:
    """The appointment if the user may see it; otherwise 404 and an audited refusal."""
    qs = visible_appointments(user).select_related(
        "person", "case", "staff", "area", "call", "rescheduled_to"
    )
    valid = str(pk).isdigit()
    appointment = qs.filter(pk=pk).first() if valid else None
    if appointment is None:
        case_id = None
        if valid:
            case_id = Appointment.objects.filter(pk=pk).values_list("case_id", flat=True).first()
        audit_denied(actor=user, object_type="agenda.appointment", object_id=pk, case_id=case_id)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=appointment, case_id=appointment.case_id, detail=detail)
    return appointment


def bookable_staff(user) -> QuerySet[User]:
    """The staff a user may book appointments with: reception any area's, a coordinator her area's, others
    themselves."""
    qs = User.objects.filter(is_active=True, role__in=AREA_ROLES).select_related("area")
    if not (user.is_authenticated and user.role in BOOKING_ROLES):
        return qs.none()
    if user.role == Role.RECEPTION:
        return qs
    if user.role == Role.COORDINATOR:
        return qs.filter(Q(area_id=user.area_id) | Q(pk=user.pk))
    return qs.filter(pk=user.pk)


def can_book_for(user, staff) -> bool:
    return bookable_staff(user).filter(pk=staff.pk).exists()


def viewable_areas(user) -> QuerySet[Area]:
    """The areas whose agenda a user may open as a whole."""
    if user.role in (Role.RECEPTION, Role.DIRECTOR):
        return Area.objects.filter(is_active=True)
    if user.role == Role.COORDINATOR and user.area_id:
        return Area.objects.filter(pk=user.area_id)
    return Area.objects.none()


def viewable_staff(user) -> QuerySet[User]:
    """The staff whose agenda a user may open: her own, or her area's (coordinator), or all (reception)."""
    qs = User.objects.filter(is_active=True, role__in=AREA_ROLES).select_related("area")
    if user.role in (Role.RECEPTION, Role.DIRECTOR):
        return qs
    if user.role == Role.COORDINATOR:
        return qs.filter(Q(area_id=user.area_id) | Q(pk=user.pk))
    return qs.filter(pk=user.pk)


@dataclass
class AgendaScope:
    """Whose agenda a page shows: one staff member's, one area's, or (reception, director) everyone's."""

    staff: User | None
    area: Area | None

    @property
    def query(self) -> str:
        if self.staff:
            return f"staff={self.staff.pk}"
        if self.area:
            return f"area={self.area.code}"
        return ""


def agenda_scope(user, *, staff_id: str = "", area_code: str = "") -> AgendaScope:
    """What the user asked to see, narrowed to what she may: area staff always get their own agenda."""
    if staff_id and str(staff_id).isdigit():
        staff = viewable_staff(user).filter(pk=staff_id).first()
        if staff is not None:
            return AgendaScope(staff=staff, area=None)
    if area_code:
        area = viewable_areas(user).filter(code=area_code).first()
        if area is not None:
            return AgendaScope(staff=None, area=area)
    if user.role in (Role.RECEPTION, Role.DIRECTOR):
        return AgendaScope(staff=None, area=None)
    if user.role == Role.COORDINATOR and user.area_id:
        return AgendaScope(staff=None, area=user.area)
    return AgendaScope(staff=user, area=None)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


@dataclass(frozen=True)
class AppointmentBusy:
    """An appointment in the agenda about a case the viewer may not see: only the time it takes."""

    staff_id: int
    starts_at: datetime
    ends_at: datetime
    staff_name: str = ""
    kind: str = "appointment"
    folio: str = ""
    place: str = ""
    url: str = ""
    is_busy = True
    is_deadline = False

    @property
    def label(self) -> str:
        return gettext("Busy: appointment")


def next_appointment_day(user, scope: AgendaScope, *, after) -> date | None:
    """The day of the next booked appointment in the scope from ``after`` (a datetime), in her agendas; only a
    date, so nothing of whom it is with is read."""
    qs = agenda_appointments_in_reach(user).filter(starts_at__gte=after, status__in=BUSY_STATUSES)
    if scope.staff:
        qs = qs.filter(staff=scope.staff)
    elif scope.area:
        qs = qs.filter(area=scope.area)
    first = qs.order_by("starts_at").values_list("starts_at", flat=True).first()
    return timezone.localtime(first).date() if first else None


# What the agenda's pages read of an appointment (all but her notes) and of what it is joined to.
APPOINTMENT_FIELDS = tuple(f.name for f in Appointment._meta.concrete_fields if f.name != "notes")
SHOWN_WITH = (
    "person__given_names",
    "person__first_surname",
    "person__second_surname",
    "case__folio",
    "staff__full_name",
    "area__code",
    "area__name",
)


def agenda_appointments(
    user, scope: AgendaScope, *, first_day: date, days: int
) -> list[Appointment | AppointmentBusy]:
    """The appointments of ``days`` days from ``first_day`` in the scope, in four queries whatever their number
    (the appointments with who and where, the audit of the people shown, and the appointments about cases she
    may not see, as busy time without who or why)."""
    start, _ = local_day_bounds(first_day)
    _, end = local_day_bounds(first_day + timedelta(days=days - 1))
    qs = visible_appointments(user).filter(starts_at__gte=start, starts_at__lt=end)
    if scope.staff:
        qs = qs.filter(staff=scope.staff)
    elif scope.area:
        qs = qs.filter(area=scope.area)
    # Of the people, cases, staff and areas joined, only what the week and the day show: her name, the folio,
    # who attends and where (a third less of the page's work for 25 appointments than whole rows).
    appointments = list(
        qs.select_related("person", "case", "staff", "area").only(*APPOINTMENT_FIELDS, *SHOWN_WITH)
    )
    shown = {a.pk for a in appointments}
    hidden = agenda_appointments_in_reach(user).filter(starts_at__gte=start, starts_at__lt=end)
    if scope.staff:
        hidden = hidden.filter(staff=scope.staff)
    elif scope.area:
        hidden = hidden.filter(area=scope.area)
    # Only those not shown, as tuples: her own week is mostly shown, and each row as objects cost ~40 µs.
    busy = [
        AppointmentBusy(staff_id=staff_id, starts_at=starts_at, ends_at=ends_at, staff_name=staff_name)
        for staff_id, starts_at, ends_at, staff_name in hidden.filter(status__in=BUSY_STATUSES)
        .exclude(pk__in_ids=sorted(shown))
        .values_list("staff_id", "starts_at", "ends_at", "staff__full_name")
    ]
    # One audit line per woman shown (with her case), however many of her appointments the page lists.
    people = {a.person_id: a.person for a in appointments if a.person_id}
    case_of = {a.person_id: a.case_id for a in appointments if a.person_id}
    audit_many(
        actor=user,
        action=Action.VIEW,
        objects=list(people.values()),
        detail="agenda",
        case_of=lambda person: case_of[person.pk],
    )
    return appointments + busy


# --- Calls ----------------------------------------------------------------------------------------------------


def visible_calls(user) -> QuerySet[PhoneCall]:
    """The call desk sees every call, area staff the calls they took; a call linked to a case only for those
    who may see the case."""
    if not (user.is_authenticated and user.is_active and user.role in CALL_ROLES):
        return PhoneCall.objects.none()
    if user.role in CALL_DESK_ROLES:
        return PhoneCall.objects.filter(case_visible_q(user))
    return PhoneCall.objects.filter(taken_by=user).filter(case_visible_q(user))


def access_call(user, pk, *, detail: str = "llamada") -> PhoneCall:
    """The call if the user may see it; otherwise 404 and an audited refusal."""
    call = None
    if str(pk).isdigit():
        call = visible_calls(user).select_related("line", "taken_by", "case").filter(pk=pk).first()
    if call is None:
        case_id = None
        if str(pk).isdigit():
            case_id = PhoneCall.objects.filter(pk=pk).values_list("case_id", flat=True).first()
        audit_denied(actor=user, object_type="agenda.phonecall", object_id=str(pk)[:40], case_id=case_id)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=call, case_id=call.case_id, detail=detail)
    return call


def calls_recent(user, *, line_code: str = "", limit: int = 50) -> list[PhoneCall]:
    qs = visible_calls(user).select_related("line", "taken_by", "case").defer("notes")
    if line_code:
        qs = qs.filter(line__code=line_code)
    calls = list(qs[:limit])
    audit_many(actor=user, action=Action.VIEW, objects=calls, detail="registro de llamadas")
    return calls


@dataclass
class WeekCount:
    week: date
    line: PhoneLine
    in_hours: int
    out_of_hours: int


def call_stats(*, weeks: int = 12, today: date | None = None) -> list[WeekCount]:
    """Calls per line and week (Monday), within and outside office hours: the demand the institute misses."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    start, _ = local_day_bounds(first)
    lines = {line.pk: line for line in PhoneLine.objects.all()}
    rows = (
        PhoneCall.objects.filter(at__gte=start)
        .annotate(week=TruncWeek("at", tzinfo=timezone.get_current_timezone()))
        .values("week", "line_id")
        .annotate(
            inside=Count("id", filter=Q(out_of_hours=False)),
            outside=Count("id", filter=Q(out_of_hours=True)),
        )
        .order_by("-week", "line_id")
    )
    result = []
    for row in rows:
        week = row["week"]
        week = week.date() if isinstance(week, datetime) else week
        result.append(WeekCount(week, lines[row["line_id"]], row["inside"], row["outside"]))
    return result
