"""Rectification of her data after an ARCO request, and telling each institution that received it.

One transaction each: ``arco_rectify`` corrects her record through the people app's service, writes one notice
per institution, the audit records and the liaisons' notifications, all together; ``rectification_acknowledge``
records that a liaison read the corrections.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.notifications.services import notify
from violeta.people.models import Person
from violeta.people.services import person_update
from violeta.privacy.models import ArcoRequest, ArcoRight, RectificationNotice
from violeta.privacy.services.arco import audit_request, require_handler, require_open, require_right

# The person fields a rectification may correct (through people.services.person_update).
RECTIFIABLE = (
    "given_names",
    "first_surname",
    "second_surname",
    "birth_date",
    "curp",
    "phone",
    "phone_alt",
    "email",
    "address",
    "postal_code",
)
# What the referral letter gives a partner institution: only corrections of these are passed on.
SHARED_WITH_INSTITUTIONS = ("given_names", "first_surname", "second_surname", "birth_date", "curp", "phone")


def _referrals_to_institutions(person: Person):
    from violeta.referrals.models import Referral

    return (
        Referral.objects.filter(person=person, sent_at__isnull=False)
        .select_related("institution")
        .order_by("institution_id", "-sent_at")
    )


@transaction.atomic
def arco_rectify(*, request: ArcoRequest, by, changes: dict) -> list[RectificationNotice]:
    """Correct her data through the people app's service, and tell each institution that received it.

    One notice per institution (its latest referral names it); its liaisons are notified and see the
    corrections in their portal. Only the corrections of data a referral letter carries are passed on.
    """
    require_handler(request, by)
    require_open(request)
    require_right(request, ArcoRight.RECTIFICATION)
    person = request.person
    changes = {k: v for k, v in changes.items() if k in RECTIFIABLE and getattr(person, k) != v}
    if not changes:
        raise ValidationError(_("Nothing was changed: write the corrected data."), code="empty")
    person = person_update(person=person, by=by, **changes)
    audit_request(request, by=by, detail="rectificación aplicada: " + ", ".join(sorted(changes)))
    shared = [k for k in changes if k in SHARED_WITH_INSTITUTIONS]
    notices = []
    if not shared:
        return notices
    lines = []
    for key in shared:
        f = Person._meta.get_field(key)
        value = getattr(person, key)
        shown = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else (value or "—")
        lines.append(f"{f.verbose_name}: {shown}")
    corrections = "\n".join(lines)
    seen = set()
    for referral in _referrals_to_institutions(person):
        if referral.institution_id in seen:
            continue
        seen.add(referral.institution_id)
        notice = RectificationNotice.objects.create(
            request=request,
            institution=referral.institution,
            referral=referral,
            referral_folio=referral.folio,
            corrections=corrections,
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=notice,
            case_id=referral.case_id,
            detail=f"rectificación comunicada a {referral.institution.short_name or referral.institution.name}",
        )
        users = [link.user for link in referral.institution.liaisons.select_related("user")]
        notify(
            recipients=users,
            kind="privacy",
            message=_("Data rectification for the referral %(folio)s: please update your records.")
            % {"folio": referral.folio},
            url=reverse("privacy:liaison_notice", kwargs={"pk": notice.pk}),
        )
        notices.append(notice)
    return notices


@transaction.atomic
def rectification_acknowledge(*, notice: RectificationNotice, by) -> RectificationNotice:
    if notice.acknowledged_at is None:
        notice.acknowledged_at = timezone.now()
        notice.acknowledged_by = by
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(actor=by, action=Action.UPDATE, obj=notice, detail="rectificación recibida (enlace)")
    return notice
