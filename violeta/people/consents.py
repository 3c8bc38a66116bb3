"""Consents that expire and can be withdrawn: the one rule every app that acts on a consent asks.

``consent_in_force(person, purpose, on=)`` is her latest consent for ``purpose`` when it is in force on ``on``
(granted, not withdrawn, not expired), else ``None``: a later refusal wins over an older consent.
``consent_refusal(consent, purpose, action=)`` is the Spanish sentence an app shows when it refuses to act because
a consent is missing, expired or withdrawn ("El consentimiento para canalizar venció el 03/12/2026; registre uno
nuevo antes de enviar."). Apps check it at the moment they act (sending a referral or its letter, an SMS
reminder, counting her in statistics, enrolling her in a course, linking MIA), never only when the thing was
created; a withdrawal therefore takes effect at once everywhere. Apps that keep something alive on a consent
(a place in a course) also listen to ``people.signals.consent_withdrawn``.

``default_expiry(purpose, given_on)``: the expiry a new consent gets from the purpose's default validity
(``ConsentValidity``, edited by the director).
"""

from __future__ import annotations

import calendar
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from violeta.people.models import Consent, ConsentPurpose, ConsentValidity, Person

# "El consentimiento para <this>": what a consent of each purpose allows.
CONSENT_FOR = {
    ConsentPurpose.PRIVACY_NOTICE: pgettext_lazy("consent for", "the privacy notice"),
    ConsentPurpose.CARE: pgettext_lazy("consent for", "her care"),
    ConsentPurpose.REFERRAL: pgettext_lazy("consent for", "refer her"),
    ConsentPurpose.SMS: pgettext_lazy("consent for", "send her text messages"),
    ConsentPurpose.STATISTICS: pgettext_lazy("consent for", "statistical use"),
    ConsentPurpose.MIA_LINK: pgettext_lazy("consent for", "link the MIA app"),
}


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# What Violeta ships (the data migration people 0010 writes the same rows): a purpose with no row yet (a database
# emptied between tests, a purpose added later) keeps these until the director sets it.
SHIPPED_MONTHS = {ConsentPurpose.REFERRAL: 12, ConsentPurpose.SMS: 12}


def default_months(purpose: str) -> int | None:
    """The purpose's default validity in months (``None``: until she withdraws it)."""
    rows = list(ConsentValidity.objects.filter(purpose=purpose).values_list("months", flat=True)[:1])
    return rows[0] if rows else SHIPPED_MONTHS.get(purpose)


def default_validity() -> dict[str, int | None]:
    """Every purpose's default validity as it stands (the director's rows over what Violeta ships)."""
    table: dict[str, int | None] = {str(purpose): months for purpose, months in SHIPPED_MONTHS.items()}
    table.update(ConsentValidity.objects.values_list("purpose", "months"))
    return table


def default_expiry(purpose: str, given_on: date) -> date | None:
    months = default_months(purpose)
    return add_months(given_on, months) if months else None


def latest_consent(person: Person | int, purpose: str) -> Consent | None:
    person_id = getattr(person, "pk", person)
    return Consent.objects.filter(person_id=person_id, purpose=purpose).order_by("-given_on", "-id").first()


def consent_in_force(person: Person | int, purpose: str, *, on: date | None = None) -> Consent | None:
    """Her latest consent for ``purpose`` if it is in force on ``on`` (today by default); otherwise ``None``."""
    consent = latest_consent(person, purpose)
    return consent if consent is not None and consent.in_force(on) else None


def consent_refusal(
    consent: Consent | None, purpose: str, *, action: str, on: date | None = None
) -> str | None:
    """Why an action that needs ``consent`` (of ``purpose``) must not happen now, in Spanish; ``None`` if it may.

    ``action`` completes "register a new one before …" ("enviar", "inscribirla")."""
    on = on or timezone.localdate()
    what = CONSENT_FOR.get(purpose, purpose)
    if consent is not None and consent.in_force(on):
        return None
    if consent is None or not consent.granted:
        return _("There is no consent in force to %(what)s; record her consent before %(action)s.") % {
            "what": what,
            "action": action,
        }
    if consent.revoked_at is not None:
        return _("She withdrew her consent to %(what)s on %(date)s; record a new one before %(action)s.") % {
            "what": what,
            "date": timezone.localtime(consent.revoked_at).strftime("%d/%m/%Y"),
            "action": action,
        }
    return _("The consent to %(what)s expired on %(date)s; record a new one before %(action)s.") % {
        "what": what,
        "date": consent.expires_on.strftime("%d/%m/%Y"),
        "action": action,
    }
