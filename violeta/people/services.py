"""Writes about people. Every function is one transaction and writes its audit event inside it."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.core.text import normalize_name
from violeta.core.validators import (
    check_dates,
    parse_curp,
    parse_phone,
    validate_birth_date,
    validate_not_future,
)
from violeta.people import signals, signature
from violeta.people.consents import default_expiry
from violeta.people.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentValidity,
    Neighborhood,
    Person,
    PrivacyNoticeAcceptance,
    PrivacyNoticeText,
    SafeContactPreference,
    WithdrawalMeans,
)
from violeta.people.name_index import index_person
from violeta.people.privacy_notice import PrivacyNotice, current_notice

PERSON_FIELDS = (
    "given_names",
    "first_surname",
    "second_surname",
    "birth_date",
    "approximate_age",
    "gender",
    "curp",
    "phone",
    "phone_alt",
    "email",
    "address",
    "neighborhood",
    "postal_code",
    "indigenous_people",
    "indigenous_language",
    "disability",
    "schooling",
)
SAFE_CONTACT_FIELDS = (
    "phone_choice",
    "may_call",
    "may_leave_message",
    "may_sms",
    "best_hours",
    "code_word",
    "notes",
)


def _clean_person_fields(fields: dict) -> dict:
    """Parse identity data at the edge; raises ValidationError (in Spanish) keyed by field."""
    errors = {}
    cleaned = dict(fields)
    for key in ("given_names", "first_surname", "second_surname"):
        if key in cleaned:
            cleaned[key] = " ".join((cleaned[key] or "").split())
    if cleaned.get("curp"):
        try:
            cleaned["curp"] = parse_curp(cleaned["curp"])
        except ValidationError as exc:
            errors["curp"] = exc.messages
    elif "curp" in cleaned:
        cleaned["curp"] = None
    if cleaned.get("birth_date"):
        try:
            validate_birth_date(cleaned["birth_date"])
        except ValidationError as exc:
            errors["birth_date"] = exc.messages
    for key in ("phone", "phone_alt"):
        if cleaned.get(key):
            try:
                cleaned[key] = parse_phone(cleaned[key])
            except ValidationError as exc:
                errors[key] = exc.messages
    neighborhood = cleaned.get("neighborhood")
    if isinstance(neighborhood, Neighborhood) and not cleaned.get("postal_code"):
        cleaned["postal_code"] = neighborhood.postal_code
    if errors:
        raise ValidationError(errors)
    return cleaned


def _set_derived(person: Person) -> None:
    person.name_normalized = normalize_name(person.full_name)
    if person.approximate_age is not None and person.age_recorded_on is None:
        person.age_recorded_on = timezone.localdate()


@transaction.atomic
def person_create(*, by, case_id: int | None = None, safe_contact: dict | None = None, **fields) -> Person:
    """Register a person. Callers should have shown the duplicate candidates first (see people.selectors)."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    person = Person(created_by=by, **_clean_person_fields(fields))
    _set_derived(person)
    person.full_clean()
    person.save()
    index_person(person)
    prefs = SafeContactPreference(person=person, **(safe_contact or {}))
    prefs.full_clean()
    prefs.save()
    audit_record(actor=by, action=Action.CREATE, obj=person, case_id=case_id)
    return person


@transaction.atomic
def person_update(*, person: Person, by, case_id: int | None = None, **fields) -> Person:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    for key, value in _clean_person_fields(fields).items():
        setattr(person, key, value)
    _set_derived(person)
    person.full_clean()
    person.save()
    index_person(person)
    audit_record(
        actor=by, action=Action.UPDATE, obj=person, case_id=case_id, detail="datos de identificación"
    )
    return person


@transaction.atomic
def safe_contact_set(*, person: Person, by, case_id: int | None = None, **fields) -> SafeContactPreference:
    unknown = set(fields) - set(SAFE_CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown safe-contact fields: {sorted(unknown)}")
    prefs, _ = SafeContactPreference.objects.get_or_create(person=person)
    for key, value in fields.items():
        setattr(prefs, key, value)
    prefs.full_clean()
    prefs.save()
    audit_record(actor=by, action=Action.UPDATE, obj=prefs, case_id=case_id, detail="contacto seguro")
    return prefs


_DEFAULT = object()


@transaction.atomic
def consent_record(
    *,
    person: Person,
    by,
    purpose: str,
    granted: bool = True,
    scope: str = "",
    given_on: date | None = None,
    expires_on=_DEFAULT,
    method: str = "",
    signature_png: bytes | None = None,
    witness=None,
    case_id: int | None = None,
) -> Consent:
    """Record a consent she gave or refused. Without ``expires_on`` a granted consent gets its purpose's default
    validity (``ConsentValidity``); ``expires_on=None`` means until she withdraws it. ``method``: her signature
    drawn at the desk (``signature_png``, a checked PNG: ``people.signature``) or verbal consent before a
    ``witness`` (a staff member other than who records it)."""
    given_on = given_on or timezone.localdate()
    check_dates({"given_on": (validate_not_future, given_on)})
    if expires_on is _DEFAULT:
        expires_on = default_expiry(purpose, given_on) if granted else None
    if expires_on is not None and expires_on <= given_on:
        raise ValidationError({"expires_on": _("The expiry must be after the date she gave it.")})
    consent = Consent(
        person=person,
        purpose=purpose,
        granted=granted,
        scope=scope,
        recorded_by=by,
        given_on=given_on,
        expires_on=expires_on if granted else None,
        method=method,
    )
    if method == ConsentMethod.SIGNATURE:
        if not signature_png:
            raise ValidationError({"signature": _("Ask her to sign in the box, or choose verbal consent.")})
        signature.check_png(signature_png)
        consent.signature_png, consent.signature_sha256 = signature.encode(signature_png)
    elif method == ConsentMethod.VERBAL:
        if witness is None:
            raise ValidationError({"witness": _("Name the staff member who witnessed her verbal consent.")})
        if witness == by or not (witness.is_active and witness.works_on_cases):
            raise ValidationError(
                {"witness": _("The witness is another active staff member, not who records the consent.")}
            )
        consent.witness = witness
    consent.full_clean()
    consent.save()
    detail = purpose + (f" ({method})" if method else "")
    audit_record(actor=by, action=Action.CREATE, obj=consent, case_id=case_id, detail=detail)
    return consent


@transaction.atomic
def consent_withdraw(
    *, consent: Consent, by, means: str, note: str = "", case_id: int | None = None
) -> Consent:
    """She withdraws a consent: dated, by whom and how she said it. It takes effect at once: every app checks
    the consent when it acts (``people.consents``), and ``signals.consent_withdrawn`` lets the apps that hold
    something on it (a course place) let it go in this same transaction."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if not consent.granted or consent.revoked_at is not None:
        raise ValidationError(
            _("This consent is not in force: there is nothing to withdraw."), code="not_granted"
        )
    if means not in WithdrawalMeans.values:
        raise ValidationError({"means": _("Say how she withdrew her consent.")})
    consent.revoked_at, consent.revoked_by = timezone.now(), by
    consent.withdrawal_means, consent.withdrawal_note = means, note.strip()[:1000]
    consent.save(update_fields=["revoked_at", "revoked_by", "withdrawal_means", "withdrawal_note"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        obj=consent,
        case_id=case_id,
        detail=f"consentimiento retirado ({means})",
    )
    signals.consent_withdrawn.send(sender=Consent, consent=consent, by=by)
    return consent


@transaction.atomic
def consent_validity_set(*, by, purpose: str, months: int | None) -> ConsentValidity:
    """The director sets how long a consent for ``purpose`` holds by default (``None``: no expiry)."""
    if not getattr(by, "is_director", False):
        raise PermissionDenied
    if months is not None and not 1 <= months <= 120:
        raise ValidationError({"months": _("Between 1 and 120 months, or empty for no expiry.")})
    validity, _created = ConsentValidity.objects.select_for_update().get_or_create(purpose=purpose)
    validity.months, validity.updated_by = months, by
    validity.full_clean()
    validity.save()
    audit_record(
        actor=by, action=Action.UPDATE, obj=validity, detail=f"vigencia de consentimiento: {purpose}"
    )
    return validity


def privacy_notice_check(*, accepted: bool, sha256: str) -> PrivacyNotice:
    """The notice in force, if she accepted it and it is the one she was shown; otherwise a ValidationError."""
    if not accepted or not sha256:
        raise ValidationError(
            _("To open the case file she must know and accept the privacy notice."),
            code="privacy_notice_required",
        )
    notice = current_notice()
    if sha256 != notice.sha256:
        raise ValidationError(
            _(
                "The privacy notice changed while the interview was being filled in: show her the notice now "
                "in force and confirm again that she accepts it."
            ),
            code="privacy_notice_changed",
        )
    return notice


@transaction.atomic
def privacy_notice_accept(
    *, person: Person, by, accepted: bool, sha256: str, case_id: int | None = None
) -> PrivacyNoticeAcceptance:
    """Record that she was given the privacy notice in force and accepted it (at intake).

    ``sha256`` identifies the notice the staff member showed her (the intake form carries it); if it is not the
    one in force any more, nothing is recorded and she must be shown the new one. The acceptance keeps the text
    itself, and a consent row (purpose: privacy notice) keeps it beside her other consents.
    """
    notice = privacy_notice_check(accepted=accepted, sha256=sha256)
    text, _created = PrivacyNoticeText.objects.get_or_create(
        sha256=notice.sha256,
        defaults={"version": notice.version, "integral": notice.integral, "simplified": notice.simplified},
    )
    acceptance = PrivacyNoticeAcceptance.objects.create(person=person, notice=text, recorded_by=by)
    audit_record(
        actor=by, action=Action.CREATE, obj=acceptance, case_id=case_id, detail="aviso de privacidad"
    )
    consent_record(
        person=person,
        by=by,
        purpose=ConsentPurpose.PRIVACY_NOTICE,
        granted=True,
        scope=_("Privacy notice, version %(version)s, given and accepted at the intake interview.")
        % {"version": notice.version},
        case_id=case_id,
    )
    return acceptance
