"""Reads of the privacy app. Each ``access_*`` checks, 404s (audited) and audits the read."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.privacy.models import OPEN_STATUSES, ArcoRequest, Breach, PersonBlock, RectificationNotice
from violeta.privacy.permissions import is_privacy_officer


def arco_requests(user) -> QuerySet[ArcoRequest]:
    """The director sees every request; a coordinator the ones she handles."""
    if not is_privacy_officer(user):
        return ArcoRequest.objects.none()
    qs = ArcoRequest.objects.select_related("person", "handler")
    return qs if user.role == Role.DIRECTOR else qs.filter(handler=user)


def arco_queue(user, *, show: str = "open") -> list[ArcoRequest]:
    """Her requests to answer, the soonest due first; ``overdue`` only those past their term; ``all`` every one.

    The people named in the list are audited as read.
    """
    qs = arco_requests(user)
    if show == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
    elif show != "all":
        qs = qs.filter(status__in=OPEN_STATUSES)
    rows = list(qs.order_by("due_on", "id")[:500])
    audit_many(
        actor=user,
        action=Action.VIEW,
        objects=[r.person for r in rows if r.person_id],
        detail="solicitudes ARCO",
    )
    return rows


def access_arco(user, pk: int, *, detail: str = "solicitud ARCO") -> ArcoRequest:
    request = arco_requests(user).filter(pk=pk).first()
    if request is None:
        audit_denied(actor=user, object_type="privacy.arcorequest", object_id=pk)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=request, detail=detail)
    if request.person_id:
        audit_record(
            actor=user,
            action=Action.VIEW,
            object_type="people.person",
            object_id=request.person_id,
            detail=detail,
        )
    return request


def blocked_records(user) -> list[PersonBlock]:
    if user.role != Role.DIRECTOR:
        raise Http404
    rows = list(
        PersonBlock.objects.select_related("person", "request", "blocked_by").order_by("delete_after")
    )
    audit_many(
        actor=user, action=Action.VIEW, objects=[b.person for b in rows if b.person_id], detail="bloqueos"
    )
    return rows


def breaches(user) -> list[Breach]:
    if user.role != Role.DIRECTOR:
        raise Http404
    rows = list(Breach.objects.all())
    audit_many(actor=user, action=Action.VIEW, objects=rows, detail="registro de vulneraciones")
    return rows


def access_breach(user, pk: int) -> Breach:
    breach = Breach.objects.filter(pk=pk).first() if user.role == Role.DIRECTOR else None
    if breach is None:
        audit_denied(actor=user, object_type="privacy.breach", object_id=pk)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=breach, detail="vulneración")
    return breach


def liaison_notices(user) -> QuerySet[RectificationNotice]:
    """The rectifications sent to the liaison's institution."""
    from violeta.referrals.selectors import liaison_institution

    institution = liaison_institution(user)
    if institution is None:
        return RectificationNotice.objects.none()
    return RectificationNotice.objects.filter(institution=institution).order_by("-sent_at", "-id")


def access_liaison_notice(user, pk: int) -> RectificationNotice:
    notice = liaison_notices(user).filter(pk=pk).first()
    if notice is None:
        audit_denied(actor=user, object_type="privacy.rectificationnotice", object_id=pk)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=notice, detail="rectificación (enlace)")
    return notice
