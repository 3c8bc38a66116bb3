"""Writes of referrals. Keyword-only, one transaction each, the audit record, the referral's own history
(ReferralEvent) and the case timeline line inside it; the case team is told of every answer.

The partner network (institutions, liaison accounts) is written by ``network``; the referrals partners send to
the institute by ``inbound``; who is an institution's liaison is ``permissions``."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from violeta.accounts.models import AREA_ROLES, Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import Case, EventKind
from violeta.cases.services import case_event_record
from violeta.core.tasks import enqueue
from violeta.core.validators import format_phone
from violeta.notifications.services import notify
from violeta.people.consents import consent_refusal
from violeta.people.models import Consent, ConsentPurpose, Person, PhoneChoice
from violeta.people.services import consent_record
from violeta.referrals.models import (
    AWAITING,
    FINAL,
    Institution,
    Outcome,
    Referral,
    ReferralCounter,
    ReferralEvent,
    ReferralStatus,
)
from violeta.referrals.permissions import is_liaison_of

# Who refers women from a case: the professionals of the areas and the director.
REFERRAL_ROLES = AREA_ROLES | {Role.DIRECTOR}
# Who may send a referral without her consent, with a written reason that is flagged for review.
OVERRIDE_ROLES = frozenset({Role.COORDINATOR, Role.DIRECTOR})
MIN_REASON = 15
FOLIO_PREFIX = "CAN"


def referral_folio_next(*, year: int | None = None) -> str:
    """The next referral folio of the year, ``CAN-2026-0001``, under the same row-lock scheme as case folios."""
    year = year or timezone.localdate().year
    ReferralCounter.objects.bulk_create([ReferralCounter(year=year, last=0)], ignore_conflicts=True)
    ReferralCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = ReferralCounter.objects.values_list("last", flat=True).get(year=year)
    return f"{FOLIO_PREFIX}-{year}-{number:04d}"


def _case_url(referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"folio": referral.folio})


def _timeline(referral: Referral, *, by, text: str) -> None:
    """The case timeline line: folio, institution and what happened; never what was shared."""
    case_event_record(
        case=referral.case,
        by=by,
        kind=EventKind.REFERRAL,
        description=f"{referral.folio} · {referral.institution} · {text}",
    )


def _step(referral: Referral, *, by, to: str, note: str = "") -> None:
    ReferralEvent.objects.create(
        referral=referral, from_status=referral.status, to_status=to, by=by, note=note
    )
    referral.status = to


def _notify_team(referral: Referral, *, by, message: str, key: str = "") -> None:
    team = [m.user for m in referral.case.team_members.select_related("user") if m.user_id != by.pk]
    notify(
        recipients=team,
        kind="referral",
        message=message,
        url=_case_url(referral),
        key=key,
        case=referral.case_id,
    )


def _notify_liaisons(referral: Referral, *, message: str) -> None:
    users = [link.user for link in referral.institution.liaisons.select_related("user")]
    url = reverse("referrals:liaison_detail", kwargs={"folio": referral.folio})
    notify(recipients=users, kind="referral", message=message, url=url)


def _require_referrer(by, case: Case) -> None:
    if by.role not in REFERRAL_ROLES:
        raise PermissionDenied


SHARE_NO_PHONE, SHARE_MAIN_PHONE, SHARE_ALT_PHONE = "none", "main", "alt"


def shared_contact(person: Person, *, share_phone: str, share_rules: bool) -> tuple[str, str]:
    """The phone and the safe-contact rules she agreed to share with an institution, as text to copy into the
    referral. Never her code word or the institute's notes. A phone is refused when she asked not to be called
    or when she has none of that kind."""
    prefs = getattr(person, "safe_contact", None)
    phone = ""
    if share_phone in (SHARE_MAIN_PHONE, SHARE_ALT_PHONE):
        if prefs is not None and prefs.phone_choice == PhoneChoice.NONE:
            raise ValidationError(
                {"share_phone": _("She asked not to be called: no phone can be shared.")}, code="no_calls"
            )
        number = person.phone if share_phone == SHARE_MAIN_PHONE else person.phone_alt
        if not number:
            raise ValidationError({"share_phone": _("She has no phone of that kind on record.")})
        phone = format_phone(number)
    rules = ""
    if share_rules and prefs is not None:
        yes, no = _("Yes"), _("No")
        lines = [
            _("Calls: %(answer)s") % {"answer": yes if prefs.may_call else no},
            _("Messages left: %(answer)s") % {"answer": yes if prefs.may_leave_message else no},
            _("SMS: %(answer)s") % {"answer": yes if prefs.may_sms else _("No: do not send her SMS")},
        ]
        if prefs.best_hours:
            lines.append(_("Safe hours: %(hours)s") % {"hours": prefs.best_hours})
        rules = "\n".join(str(line) for line in lines)
    return phone, rules


@transaction.atomic
def referral_create(
    *,
    case: Case,
    by,
    institution: Institution,
    reason: str,
    shared_summary: str,
    urgency: str,
    person: Person | None = None,
    consent_given: bool = False,
    consent_scope: str = "",
    consent: Consent | None = None,
    send: bool = False,
    override_reason: str = "",
    share_phone: str = SHARE_NO_PHONE,
    share_contact_rules: bool = False,
) -> Referral:
    """A referral of a woman (or a child) of the case to an institution, as a draft or sent at once.

    With ``consent_given`` her consent is recorded (purpose "referral", the scope she agreed to); an earlier
    consent may be given instead. The summary is what the worker chose to share, never the file.
    ``share_phone`` ("main", "alt" or "none") and ``share_contact_rules``: what she agreed the institution may
    use to contact her, copied now (``shared_contact``).
    """
    _require_referrer(by, case)
    if not case.is_active:
        raise ValidationError(_("The case file is closed. Reopen it to refer her."), code="closed")
    person = person or case.holder
    if not case.parties.filter(person=person).exists():
        raise ValidationError(_("That person is not in the case file."), code="not_in_case")
    if not institution.is_active:
        raise ValidationError({"institution": _("That institution is no longer active.")})
    if consent_given:
        if not consent_scope.strip():
            raise ValidationError({"consent_scope": _("Write what she agreed to share and with whom.")})
        consent = consent_record(
            person=case.holder,
            by=by,
            purpose=ConsentPurpose.REFERRAL,
            granted=True,
            scope=consent_scope.strip()[:255],
            case_id=case.pk,
        )
    phone, rules = shared_contact(person, share_phone=share_phone, share_rules=share_contact_rules)
    referral = Referral(
        folio=referral_folio_next(),
        case=case,
        person=person,
        institution=institution,
        reason=reason.strip(),
        shared_summary=shared_summary.strip(),
        shared_phone=phone,
        shared_contact_rules=rules,
        urgency=urgency,
        consent=consent,
        created_by=by,
    )
    referral.full_clean(exclude=["verify_token_hash", "legacy_verify_token_hash"])
    referral.save()
    ReferralEvent.objects.create(referral=referral, to_status=ReferralStatus.DRAFT, by=by)
    audit_record(actor=by, action=Action.CREATE, obj=referral, case_id=case.pk, detail="canalización")
    _timeline(referral, by=by, text=_("Draft"))
    if send:
        _send(referral, by=by, override_reason=override_reason)
    return referral


def _require_draft(referral: Referral) -> None:
    if referral.status != ReferralStatus.DRAFT:
        raise ValidationError(
            _("This referral was already sent or cancelled: it can no longer be changed."), code="not_draft"
        )


@transaction.atomic
def referral_update(
    *,
    referral: Referral,
    by,
    institution: Institution,
    reason: str,
    shared_summary: str,
    urgency: str,
    consent_given: bool = False,
    consent_scope: str = "",
) -> Referral:
    """Change a draft before it is sent. Once sent, what the institution received (the summary) never changes.

    Ticking her consent records it (a new record when there is none or its scope changed); unticking it
    detaches it from the referral, which then needs her consent or an authorised override to be sent.
    """
    _require_referrer(by, referral.case)
    _require_draft(referral)
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Write the reason for the referral.")
    if not shared_summary.strip():
        errors["shared_summary"] = _("Write what is shared with the institution.")
    if institution != referral.institution and not institution.is_active:
        errors["institution"] = _("That institution is no longer active.")
    if consent_given and not consent_scope.strip():
        errors["consent_scope"] = _("Write what she agreed to share and with whom.")
    if errors:
        raise ValidationError(errors)
    changed = []
    for name, value in (
        ("institution", institution),
        ("reason", reason.strip()),
        ("shared_summary", shared_summary.strip()),
        ("urgency", urgency),
    ):
        if getattr(referral, name) != value:
            setattr(referral, name, value)
            changed.append(name)
    current = referral.consent if has_referral_consent(referral) else None
    if consent_given and (current is None or current.scope != consent_scope.strip()[:255]):
        referral.consent = consent_record(
            person=referral.case.holder,
            by=by,
            purpose=ConsentPurpose.REFERRAL,
            granted=True,
            scope=consent_scope.strip()[:255],
            case_id=referral.case_id,
        )
        changed.append("consent")
    elif not consent_given and referral.consent_id is not None:
        referral.consent = None
        changed.append("consent")
    if not changed:
        return referral
    referral.full_clean(exclude=["verify_token_hash", "legacy_verify_token_hash"])
    referral.save(update_fields=changed)
    ReferralEvent.objects.create(
        referral=referral,
        from_status=referral.status,
        to_status=referral.status,
        by=by,
        note=_("Draft changed: %(fields)s")
        % {"fields": ", ".join(str(Referral._meta.get_field(name).verbose_name) for name in changed)},
    )
    audit_record(
        actor=by,
        action=Action.UPDATE,
        obj=referral,
        case_id=referral.case_id,
        detail="borrador de canalización: " + ", ".join(changed),
    )
    return referral


@transaction.atomic
def referral_cancel(*, referral: Referral, by, reason: str) -> Referral:
    """Cancel a draft that will not be sent, saying why: a dated step of its history and of the case timeline."""
    _require_referrer(by, referral.case)
    _require_draft(referral)
    reason = reason.strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Say why the referral is cancelled.")})
    _step(referral, by=by, to=ReferralStatus.CANCELLED, note=reason)
    referral.closed_at = timezone.now()
    referral.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        obj=referral,
        case_id=referral.case_id,
        detail="canalización cancelada",
    )
    _timeline(referral, by=by, text=str(ReferralStatus.CANCELLED.label))
    return referral


def has_referral_consent(referral: Referral) -> bool:
    """Her consent to this referral is in force now: granted, not withdrawn, not expired."""
    consent = referral.consent
    return bool(consent and consent.purpose == ConsentPurpose.REFERRAL and consent.is_active)


def referral_consent_refusal(referral: Referral, *, action) -> str | None:
    """Why the referral may not be acted on now for want of her consent (Spanish), or ``None``. A referral sent
    without her consent on an authorised override stays as it was authorised."""
    if referral.overridden_by_id is not None:
        return None
    consent = referral.consent if referral.consent_id else None
    if consent is not None and consent.purpose != ConsentPurpose.REFERRAL:
        consent = None
    return consent_refusal(consent, ConsentPurpose.REFERRAL, action=action)


def _send(referral: Referral, *, by, override_reason: str) -> None:
    if referral.status != ReferralStatus.DRAFT:
        raise ValidationError(_("Only a draft can be sent."), code="invalid_transition")
    override_reason = override_reason.strip()
    if referral.consent_id is not None:
        # Read her consent now, not as it was when the draft was loaded: a withdrawal takes effect at once.
        referral.consent = Consent.objects.get(pk=referral.consent_id)
    if not has_referral_consent(referral):
        if by.role not in OVERRIDE_ROLES and referral.consent_id is not None:
            # Her consent lapsed or she withdrew it since the draft was written: checked now, at sending.
            raise ValidationError(
                referral_consent_refusal(referral, action=pgettext("before", "sending")),
                code="consent_not_in_force",
            )
        if by.role not in OVERRIDE_ROLES:
            raise ValidationError(
                _(
                    "She has not consented to this referral. Record her consent, or ask the coordination "
                    "or the director's office to authorise it."
                ),
                code="consent_required",
            )
        if len(override_reason) < MIN_REASON:
            raise ValidationError(
                {
                    "override_reason": _(
                        "Without her consent, explain in detail (at least 15 characters) why it must be sent."
                    )
                },
                code="override_reason_required",
            )
        referral.override_reason = override_reason
        referral.overridden_by = by
        referral.flagged = True
    now = timezone.now()
    _step(referral, by=by, to=ReferralStatus.SENT, note=override_reason)
    referral.sent_at = now
    referral.due_at = now + timedelta(days=referral.institution.response_days)
    referral.save(
        update_fields=["status", "sent_at", "due_at", "override_reason", "overridden_by", "flagged"]
    )
    audit_record(
        actor=by,
        action=Action.UPDATE,
        obj=referral,
        case_id=referral.case_id,
        detail="canalización enviada sin consentimiento" if referral.flagged else "canalización enviada",
        flagged=referral.flagged,
    )
    _timeline(
        referral,
        by=by,
        text=_("Sent without consent (authorised)") if referral.flagged else str(ReferralStatus.SENT.label),
    )
    _notify_liaisons(
        referral, message=_("New referral %(folio)s for your institution.") % {"folio": referral.folio}
    )
    # On time with the worker: the check runs when the answer is due (the daily cron is the safety net).
    from violeta.referrals import tasks

    enqueue(tasks.referral_overdue_check, referral.pk, run_after=referral.due_at + timedelta(minutes=1))


@transaction.atomic
def referral_send(*, referral: Referral, by, override_reason: str = "") -> Referral:
    """Send a draft. Refused without her consent, unless the coordination or the director authorises it with a
    written reason: then it is sent and flagged for the director's review."""
    _require_referrer(by, referral.case)
    _send(referral, by=by, override_reason=override_reason)
    return referral


def _answer(referral: Referral, *, by, to: str, note: str = "", **changes) -> Referral:
    """One answer of the institution (by its liaison, or recorded by the case team on its behalf)."""
    if not (is_liaison_of(by, referral) or by.role in REFERRAL_ROLES):
        raise PermissionDenied
    if referral.status == ReferralStatus.DRAFT and by.role == Role.LIAISON:
        raise PermissionDenied
    if to not in referral.allowed_next():
        raise ValidationError(
            _("A referral that is “%(status)s” cannot change to “%(to)s”.")
            % {"status": referral.get_status_display(), "to": ReferralStatus(to).label},
            code="invalid_transition",
        )
    now = timezone.now()
    _step(referral, by=by, to=to, note=note)
    fields = ["status", *changes]
    for name, value in changes.items():
        setattr(referral, name, value)
    if referral.answered_at is None:
        referral.answered_at = now
        fields.append("answered_at")
    if to in FINAL:
        referral.closed_at = now
        fields.append("closed_at")
    referral.save(update_fields=fields)
    audit_record(
        actor=by, action=Action.UPDATE, obj=referral, case_id=referral.case_id, detail=f"canalización: {to}"
    )
    label = ReferralStatus(to).label
    _timeline(referral, by=by, text=str(label))
    _notify_team(
        referral,
        by=by,
        message=_("Referral %(folio)s to %(institution)s: %(status)s.")
        % {"folio": referral.folio, "institution": referral.institution, "status": label},
    )
    return referral


@transaction.atomic
def referral_accept(*, referral: Referral, by, note: str = "") -> Referral:
    """The institution received the referral and will attend her."""
    return _answer(referral, by=by, to=ReferralStatus.RECEIVED, note=note.strip())


@transaction.atomic
def referral_reject(*, referral: Referral, by, reason: str) -> Referral:
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Say why the referral is rejected.")})
    return _answer(
        referral, by=by, to=ReferralStatus.REJECTED, note=reason.strip(), rejection_reason=reason.strip()
    )


@transaction.atomic
def referral_start_attention(*, referral: Referral, by, note: str = "") -> Referral:
    return _answer(referral, by=by, to=ReferralStatus.IN_ATTENTION, note=note.strip())


def _check_letter(letter) -> None:
    """The counter-referral letter is one PDF within the documents' size limit, by its bytes, not its name."""
    from violeta.documents import filetypes

    limit = settings.DOCUMENTS_MAX_BYTES
    if not letter.size or letter.size > limit:
        raise ValidationError(
            {
                "letter": _("The letter must be a PDF of at most %(limit)s MB.")
                % {"limit": f"{limit / 1_048_576:g}"}
            }
        )
    try:
        kind = filetypes.detect(letter, letter.name)
    except ValidationError:
        kind = None
    if kind is None or kind.extension != ".pdf":
        raise ValidationError({"letter": _("Attach the letter as a PDF file.")}, code="letter_type")


@transaction.atomic
def referral_report_back(
    *, referral: Referral, by, counter_referral: str, outcome: str, letter=None
) -> Referral:
    """The counter-referral: the institution tells the case team what it did and how it ended, optionally with
    its signed letter as one PDF (kept with the case's documents; read by the case team and by the liaison)."""
    errors = {}
    if len(counter_referral.strip()) < 5:
        errors["counter_referral"] = _("Tell the case team what was done.")
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if errors:
        raise ValidationError(errors)
    if letter is not None:
        _check_letter(letter)
    _answer(
        referral,
        by=by,
        to=ReferralStatus.ATTENDED,
        note=counter_referral.strip(),
        counter_referral=counter_referral.strip(),
        outcome=outcome,
    )
    if letter is not None:
        from violeta.documents.services import document_upload

        document_upload(
            by=by,
            case=referral.case,
            file=letter,
            title=_("Counter-referral letter %(folio)s") % {"folio": referral.folio},
            referral=referral,
        )
    return referral


@transaction.atomic
def referral_close_no_contact(*, referral: Referral, by, note: str) -> Referral:
    if len(note.strip()) < 5:
        raise ValidationError({"note": _("Say what was tried to contact her.")})
    return _answer(referral, by=by, to=ReferralStatus.CLOSED_NO_CONTACT, note=note.strip())


def referral_overdue_check_run(*, referral_id: int, now=None) -> bool:
    """Tell the case team, once a day, that a referral has had no answer in time. Safe to run twice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update()
            .filter(pk=referral_id, status__in=AWAITING, due_at__lt=now)
            .select_related("institution", "case")
            .first()
        )
        if referral is None:
            return False
        if referral.overdue_notified_at and timezone.localdate(referral.overdue_notified_at) >= today:
            return False
        referral.overdue_notified_at = now
        referral.save(update_fields=["overdue_notified_at"])
        team = [m.user for m in referral.case.team_members.select_related("user")]
        notify(
            recipients=team,
            kind="referral_overdue",
            message=_("Referral %(folio)s to %(institution)s has had no answer since %(date)s.")
            % {
                "folio": referral.folio,
                "institution": referral.institution,
                "date": timezone.localtime(referral.sent_at).strftime("%d/%m/%Y"),
            },
            url=reverse("referrals:overdue"),
            key=f"referrals.overdue:{referral.pk}:{today.isoformat()}",
            case=referral.case_id,
        )
    return True


def referrals_overdue_notify(*, now=None) -> int:
    """The daily round (cron): every overdue referral not yet notified today. Idempotent."""
    now = now or timezone.now()
    due = Referral.objects.filter(status__in=AWAITING, due_at__lt=now).values_list("pk", flat=True)
    return sum(referral_overdue_check_run(referral_id=pk, now=now) for pk in list(due))


def verification_url(referral: Referral) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "referrals:verify", kwargs={"token": referral.verify_token}
    )
