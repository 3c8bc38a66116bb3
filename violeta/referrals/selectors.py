"""Reads of referrals. Staff reach a referral through its case (``access_case``); a partner-agency liaison
reaches only the referrals sent to her institution, and nothing of the case file."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from violeta.accounts.models import CASE_ROLES, INTAKE_ROLES, Role
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.cases.models import Case
from violeta.cases.selectors import access_case, case_visible_q, visible_cases
from violeta.core.tokens import token_hash
from violeta.referrals.models import (
    AWAITING,
    UNSENT,
    InboundReferral,
    InboundStatus,
    Institution,
    InstitutionKind,
    Referral,
    ReferralStatus,
)


def liaison_institution(user) -> Institution | None:
    if not (user.is_authenticated and user.is_active and user.role == Role.LIAISON):
        return None
    link = getattr(user, "liaison", None)
    return link.institution if link is not None else None


def _staff_referrals(user) -> QuerySet[Referral]:
    if not (user.is_authenticated and user.is_active and user.role in CASE_ROLES):
        return Referral.objects.none()
    return Referral.objects.filter(case__in=visible_cases(user))


def access_referral(user, folio: str, *, detail: str = "canalización") -> Referral:
    """A referral for the staff who may see its case; 404 (audited) for everyone else."""
    referral = Referral.objects.filter(folio=folio).select_related("case").first()
    if referral is None:
        audit_denied(actor=user, object_type="referrals.referral", object_id=folio)
        raise Http404
    case = access_case(user, referral.case.folio, detail=detail)
    referral = (
        Referral.objects.select_related(
            "institution", "person", "consent", "consent__person", "created_by", "overridden_by"
        )
        .filter(pk=referral.pk)
        .get()
    )
    referral.case = case
    audit_record(actor=user, action=Action.VIEW, obj=referral, case_id=case.pk, detail=detail)
    return referral


def liaison_referrals(user, *, status: str = "") -> QuerySet[Referral]:
    """The referrals sent to the liaison's institution (never drafts), newest first."""
    institution = liaison_institution(user)
    if institution is None:
        return Referral.objects.none()
    qs = Referral.objects.filter(institution=institution).exclude(status__in=UNSENT)
    if status == "open":
        qs = qs.filter(status__in=[ReferralStatus.SENT, ReferralStatus.RECEIVED, ReferralStatus.IN_ATTENTION])
    elif status:
        qs = qs.filter(status=status)
    return qs.select_related("institution", "person").order_by("-sent_at", "-id")


def access_referral_for_liaison(user, folio: str, *, detail: str = "canalización (enlace)") -> Referral:
    """A referral sent to the liaison's institution; any other is 404, audited and flagged."""
    referral = liaison_referrals(user).filter(folio=folio).first()
    if referral is None:
        case_id = Referral.objects.filter(folio=folio).values_list("case_id", flat=True).first()
        audit_denied(actor=user, object_type="referrals.referral", object_id=folio, case_id=case_id)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=referral, case_id=referral.case_id, detail=detail)
    return referral


def case_referrals(case: Case) -> list[Referral]:
    return list(
        case.referrals.select_related("institution", "person", "consent").order_by("-created_at", "-id")
    )


def referral_history(referral: Referral, *, for_liaison: bool = False):
    """The referral's dated steps. A liaison does not see the institute's own notes (an override's reason)."""
    events = list(referral.events.select_related("by").order_by("at", "id"))
    if for_liaison:
        for event in events:
            if event.to_status in (ReferralStatus.DRAFT, ReferralStatus.SENT):
                event.note = ""
    return events


def overdue_referrals(user, *, now=None) -> list[Referral]:
    """Sent referrals past their institution's answer time, in the cases the user may see (audited)."""
    now = now or timezone.now()
    rows = list(
        _staff_referrals(user)
        .filter(status__in=AWAITING, due_at__lt=now)
        .select_related("institution", "case", "person")
        .order_by("due_at", "id")
    )
    audit_many(
        actor=user,
        action=Action.VIEW,
        objects=rows,
        detail="canalizaciones vencidas",
        case_of=lambda r: r.case_id,
    )
    return rows


def institutions(*, active_only: bool = True) -> QuerySet[Institution]:
    qs = Institution.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def internal_control_body() -> Institution | None:
    """The municipality's internal control body, where internal-protocol cases are referred for sanction."""
    return institutions().filter(kind=InstitutionKind.INTERNAL_CONTROL).first()


def referral_by_token(token: str) -> Referral | None:
    """The referral a letter's QR points at, or None. Public: callers show only folio, date and institution."""
    if not token or len(token) > 64:
        return None
    return (
        Referral.objects.filter(
            Q(verify_token_hash=token_hash(token)) | Q(legacy_verify_token_hash=token_hash(token))
        )
        .exclude(status__in=UNSENT)
        .select_related("institution")
        .first()
    )


def pending_inbound(user) -> list[InboundReferral]:
    if not (user.is_authenticated and user.role in INTAKE_ROLES):
        return []
    rows = list(
        InboundReferral.objects.filter(status=InboundStatus.PENDING).select_related("institution", "sent_by")
    )
    audit_many(actor=user, action=Action.VIEW, objects=rows, detail="canalizaciones recibidas")
    return rows


def access_inbound(user, pk: int) -> InboundReferral:
    inbound = None
    if user.is_authenticated and user.role in INTAKE_ROLES:
        # a referral already turned into a case follows the case's rule
        inbound = (
            InboundReferral.objects.filter(case_visible_q(user))
            .filter(pk=pk)
            .select_related("institution")
            .first()
        )
    if inbound is None:
        audit_denied(actor=user, object_type="referrals.inboundreferral", object_id=pk)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=inbound, detail="canalización recibida")
    return inbound


def liaison_inbound(user) -> list[InboundReferral]:
    institution = liaison_institution(user)
    if institution is None:
        return []
    return list(InboundReferral.objects.filter(institution=institution).order_by("-sent_at")[:50])


def counter_referral_letter(user, referral: Referral, *, detail: str = "carta de contrarreferencia"):
    """The counter-referral letter of a referral already reached through ``access_referral`` (the case team) or
    ``access_referral_for_liaison`` (that institution's liaison); None when there is none. The read is audited."""
    from violeta.documents.models import Document

    document = Document.objects.filter(referral=referral).order_by("-uploaded_at", "-id").first()
    if document is not None:
        audit_record(actor=user, action=Action.VIEW, obj=document, case_id=referral.case_id, detail=detail)
    return document
