"""The legal area's face towards the agenda: a lawyer's hearings as busy time. Nothing else crosses over.

The agenda sits below legal and never imports it: ``LegalConfig.ready`` registers this module's two functions
as a source of busy time in ``agenda.sources`` (the registry the agenda owns):

- ``hearings_for_agenda(user, *, staff_ids, area, start, end)`` for its day and week views: the scheduled
  hearings, deadlines and appointments before an authority of the lawyers shown, as ``BusyBlock`` values. A
  viewer who may read the matter (``legal.selectors.visible_matters``) gets its kind, folio, place and a link;
  anyone else (reception looking at the legal area's agenda) gets only "Ocupada: audiencia", and deadlines,
  which do not take her out of the office, are not shown to them at all.
- ``hearing_clash(staff, starts_at, ends_at)`` when booking: the hearing that keeps her busy then, if any, as
  an ``agenda.sources.Clash`` whose message names no case.

And legal uses ``appointments_over(hearing)`` to warn when a hearing falls on booked appointments.
"""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.agenda.sources import BusyBlock, Clash
from violeta.audit.models import Action
from violeta.audit.services import audit_many
from violeta.legal.models import MAX_HEARING_MINUTES, Hearing, HearingKind, HearingStatus
from violeta.legal.selectors import can_read_matters, visible_matters

MAX_SPAN = timedelta(minutes=MAX_HEARING_MINUTES)


def _scheduled():
    return Hearing.objects.filter(status=HearingStatus.SCHEDULED)


def hearings_for_agenda(
    user, *, staff_ids=None, area=None, start: datetime, end: datetime
) -> list[BusyBlock]:
    """The hearings starting in [start, end) of the given lawyers (or of an area's, or everyone's when both are
    None), in two queries plus one audit insert for the matters the viewer may read."""
    qs = _scheduled().filter(starts_at__gte=start, starts_at__lt=end)
    if staff_ids is not None:
        qs = qs.filter(matter__responsible_id__in=list(staff_ids))
    elif area is not None:
        qs = qs.filter(matter__responsible__area=area)
    hearings = list(
        qs.select_related("matter", "matter__case", "matter__responsible")
        .only(
            "id",
            "kind",
            "starts_at",
            "duration_minutes",
            "place",
            "matter",
            "matter__kind",
            "matter__responsible",
            "matter__responsible__full_name",
            "matter__case",
            "matter__case__folio",
        )
        .order_by("starts_at", "id")
    )
    readable: set[int] = set()
    if hearings and can_read_matters(user):
        readable = set(
            visible_matters(user).filter(pk__in={h.matter_id for h in hearings}).values_list("pk", flat=True)
        )
    blocks = []
    for hearing in hearings:
        if hearing.matter_id in readable:
            blocks.append(
                BusyBlock(
                    staff_id=hearing.matter.responsible_id,
                    starts_at=hearing.starts_at,
                    ends_at=hearing.ends_at,
                    kind=hearing.kind,
                    label=f"{hearing.get_kind_display()} · {hearing.matter.get_kind_display()}",
                    folio=hearing.matter.case.folio,
                    place=hearing.place,
                    url=reverse("legal:matter_detail", kwargs={"pk": hearing.matter_id}),
                    staff_name=hearing.matter.responsible.full_name,
                    is_deadline=hearing.kind == HearingKind.DEADLINE,
                )
            )
        elif hearing.occupies_time:
            blocks.append(
                BusyBlock(
                    staff_id=hearing.matter.responsible_id,
                    starts_at=hearing.starts_at,
                    ends_at=hearing.ends_at,
                    kind=hearing.kind,
                    label=_("Busy: hearing"),
                    staff_name=hearing.matter.responsible.full_name,
                )
            )
    matters = {h.matter_id: h.matter for h in hearings if h.matter_id in readable}
    if matters:
        audit_many(
            actor=user,
            action=Action.VIEW,
            objects=list(matters.values()),
            detail="agenda",
            case_of=lambda matter: matter.case_id,
        )
    return blocks


def hearing_clash(staff, starts_at: datetime, ends_at: datetime) -> Clash | None:
    """The first scheduled hearing (not a deadline) of ``staff`` that overlaps [starts_at, ends_at)."""
    candidates = (
        _scheduled()
        .exclude(kind=HearingKind.DEADLINE)
        .filter(
            matter__responsible=staff,
            starts_at__lt=ends_at,
            starts_at__gt=starts_at - MAX_SPAN,
        )
        .only("id", "kind", "starts_at", "duration_minutes")
        .order_by("starts_at", "id")
    )
    hearing = next((h for h in candidates if h.ends_at > starts_at), None)
    if hearing is None:
        return None
    # No case data here: whoever books (often reception) learns only that she is at a hearing then.
    message = _("%(staff)s has a hearing from %(start)s to %(end)s. Choose another time.") % {
        "staff": staff,
        "start": timezone.localtime(hearing.starts_at).strftime("%H:%M"),
        "end": timezone.localtime(hearing.ends_at).strftime("%H:%M"),
    }
    return Clash(starts_at=hearing.starts_at, ends_at=hearing.ends_at, message=message, code="hearing")


def appointments_over(hearing: Hearing) -> list:
    """The responsible lawyer's scheduled appointments that a hearing falls on (none for a deadline)."""
    from violeta.agenda.models import Appointment, AppointmentStatus

    if not (hearing.is_scheduled and hearing.occupies_time):
        return []
    return list(
        Appointment.objects.filter(
            staff_id=hearing.matter.responsible_id,
            status=AppointmentStatus.SCHEDULED,
            starts_at__lt=hearing.ends_at,
            ends_at__gt=hearing.starts_at,
        )
        .only("id", "starts_at", "ends_at", "staff")
        .order_by("starts_at", "id")
    )
