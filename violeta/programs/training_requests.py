"""Training requests (issue 19): an organisation asks on the public site; the trainers are told with a notice that
names no one; program staff read and handle them. Writes and reads of this one concern."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.notifications.services import notify
from violeta.programs.models import RequestStatus, TrainingRequest
from violeta.programs.permissions import require_program_staff

NOTICE_KIND = "training_request"


def _clean(value) -> str:
    return " ".join(str(value or "").split())


@transaction.atomic
def training_request_submit(
    *,
    organization_name: str,
    kind: str,
    contact_name: str,
    people: int,
    phone: str = "",
    email: str = "",
    topic=None,
    preferred_dates: str = "",
    message: str = "",
) -> TrainingRequest:
    """Store a request from the public form and tell the trainers (the notice names no organisation or person)."""
    if not (phone or email):
        raise ValidationError(_("Give us a phone or an e-mail so we can contact you."))
    request = TrainingRequest(
        organization_name=_clean(organization_name),
        kind=kind,
        contact_name=_clean(contact_name),
        phone=phone,
        email=email,
        topic=topic,
        people=people,
        preferred_dates=_clean(preferred_dates),
        message=(message or "").strip(),
    )
    request.full_clean()
    request.save()
    audit_record(actor=None, action=Action.CREATE, obj=request, actor_label="sitio público")
    trainers = get_user_model().objects.filter(role=Role.TRAINER, is_active=True)
    notify(
        recipients=list(trainers),
        kind=NOTICE_KIND,
        message=_("A new training request arrived from the public site."),
        url=reverse("programs:training_request_detail", kwargs={"pk": request.pk}),
    )
    return request


@transaction.atomic
def training_request_handle(
    *, request: TrainingRequest, by, status: str, organization=None, training=None, note: str = ""
) -> TrainingRequest:
    """Mark a request as contacted, scheduled as a training or declined; link it to an organisation."""
    require_program_staff(by)
    request = TrainingRequest.objects.select_for_update().get(pk=request.pk)
    if status == RequestStatus.SCHEDULED and training is None:
        raise ValidationError({"training": _("Choose the training it was scheduled as.")})
    request.status, request.organization, request.training = status, organization, training
    request.note = _clean(note)[:300]
    request.handled_by, request.handled_at = by, timezone.now()
    request.full_clean()
    request.save()
    audit_record(actor=by, action=Action.UPDATE, obj=request, detail=f"solicitud de capacitación: {status}")
    return request


# --- reads (program staff only) ---------------------------------------------------------------------------


def requests_page(user, *, status: str = "", page=None):
    require_program_staff(user)
    requests = TrainingRequest.objects.select_related("topic", "organization")
    if status:
        requests = requests.filter(status=status)
    return Paginator(requests, 30).get_page(page)


def access_training_request(user, pk: int) -> TrainingRequest:
    require_program_staff(user)
    request = (
        TrainingRequest.objects.select_related("topic", "organization", "training", "handled_by")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=request, detail="solicitud de capacitación")
    return request
