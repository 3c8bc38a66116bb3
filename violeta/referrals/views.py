from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.decorators import recent_authentication_required
from violeta.accounts.models import INTAKE_ROLES, Role
from violeta.accounts.permissions import CASE_ROLES, staff_required
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.permissions import is_protocol_staff
from violeta.cases.selectors import access_case
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.documents.services import custody_served_elsewhere
from violeta.documents.storage import private_storage
from violeta.referrals import documents, network, selectors, services
from violeta.referrals import inbound as inbound_referrals
from violeta.referrals.forms import (
    AnswerForm,
    CancelForm,
    DismissForm,
    InboundReferralForm,
    InstitutionForm,
    LiaisonLinkForm,
    ReferralForm,
    SendForm,
)
from violeta.referrals.models import UNSENT, Institution, ReferralStatus
from violeta.referrals.network import INSTITUTION_ADMINS
from violeta.referrals.services import OVERRIDE_ROLES, REFERRAL_ROLES

LIAISON = {Role.LIAISON}


# --- The case team ------------------------------------------------------------------------------------------


@staff_required(CASE_ROLES | INSTITUTION_ADMINS)
def institution_list(request):
    """The partner network: what each institution offers, where, when, and how long it takes to answer."""
    can_edit = request.user.role in INSTITUTION_ADMINS
    context = {"institutions": selectors.institutions(active_only=not can_edit), "can_edit": can_edit}
    return render_page(request, "referrals/institution_list.html", context)


@staff_required(INSTITUTION_ADMINS)
@require_http_methods(["GET", "POST"])
def institution_edit(request, pk=None):
    """Add or change a partner institution, and link the partner's liaison accounts to it."""
    institution = get_object_or_404(Institution, pk=pk) if pk else None
    form = InstitutionForm(request.POST or None, instance=institution, prefix="i")
    link_form = LiaisonLinkForm(prefix="l")
    if request.method == "POST" and institution is not None and "l-user" in request.POST:
        link_form = LiaisonLinkForm(request.POST, prefix="l")
        if link_form.is_valid():
            network.liaison_link(
                user=link_form.cleaned_data["user"], institution=institution, by=request.user
            )
            messages.success(request, _("Liaison account linked."))
            return redirect("referrals:institution_edit", pk=institution.pk)
    elif request.method == "POST" and institution is not None and "unlink" in request.POST:
        link = institution.liaisons.filter(user_id=request.POST.get("unlink")).select_related("user").first()
        if link is None:
            raise Http404
        network.liaison_unlink(user=link.user, by=request.user)
        messages.success(request, _("Liaison account unlinked."))
        return redirect("referrals:institution_edit", pk=institution.pk)
    elif request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if institution is None:
                institution = network.institution_create(by=request.user, **data)
            else:
                network.institution_update(institution=institution, by=request.user, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Institution saved."))
            return redirect("referrals:institutions")
    liaisons = list(institution.liaisons.select_related("user")) if institution else []
    context = {"form": form, "institution": institution, "link_form": link_form, "liaisons": liaisons}
    return render_page(request, "referrals/institution_form.html", context)


@staff_required(CASE_ROLES)
def case_referrals(request, folio):
    case = access_case(request.user, folio, detail="canalizaciones")
    can_refer = request.user.role in REFERRAL_ROLES and case.is_active
    context = {
        "case": case,
        "referrals": selectors.case_referrals(case),
        "can_refer": can_refer,
        "protocol_staff": is_protocol_staff(request.user),
        # An internal-protocol case is referred to the internal control body for sanction.
        "control": selectors.internal_control_body() if can_refer and case.is_internal_protocol else None,
    }
    return render_page(request, "referrals/case_referrals.html", context)


@staff_required(REFERRAL_ROLES)
@require_http_methods(["GET", "POST"])
def referral_create(request, folio):
    case = access_case(request.user, folio, detail="nueva canalización")
    parties = list(case.parties.select_related("person").order_by("added_at"))
    can_override = request.user.role in OVERRIDE_ROLES
    form = ReferralForm(
        request.POST or None,
        parties=parties,
        can_override=can_override,
        initial={"person": case.holder_id, "institution": request.GET.get("institucion")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = next(p.person for p in parties if p.person_id == data["person"])
        try:
            referral = services.referral_create(
                case=case,
                by=request.user,
                institution=data["institution"],
                person=person,
                reason=data["reason"],
                shared_summary=data["shared_summary"],
                urgency=data["urgency"],
                consent_given=data["consent_given"],
                consent_scope=data["consent_scope"],
                send="send" in request.POST,
                override_reason=data.get("override_reason", ""),
                share_phone=data["share_phone"] or services.SHARE_NO_PHONE,
                share_contact_rules=data["share_contact_rules"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if referral.status == ReferralStatus.SENT:
                messages.success(request, _("Referral %(folio)s sent.") % {"folio": referral.folio})
            else:
                messages.success(
                    request, _("Referral %(folio)s saved as a draft.") % {"folio": referral.folio}
                )
            return redirect("referrals:detail", folio=referral.folio)
    return render_page(
        request, "referrals/referral_form.html", {"case": case, "form": form, "can_override": can_override}
    )


@staff_required(CASE_ROLES)
def referral_detail(request, folio):
    referral = selectors.access_referral(request.user, folio)
    context = {
        "referral": referral,
        "case": referral.case,
        "history": selectors.referral_history(referral),
        "has_consent": services.has_referral_consent(referral),
        "can_act": request.user.role in REFERRAL_ROLES,
        "can_override": request.user.role in OVERRIDE_ROLES,
        "send_form": SendForm(),
        "has_letter": bool(referral.counter_referral) and referral.documents.exists(),
        "cancel_form": CancelForm(),
        "answer_form": AnswerForm(),
        "next": referral.allowed_next(),
    }
    return render_page(request, "referrals/referral_detail.html", context)


@staff_required(REFERRAL_ROLES)
@require_http_methods(["GET", "POST"])
def referral_edit(request, folio):
    """Change a draft before it is sent; a sent or cancelled referral is shown, never changed."""
    referral = selectors.access_referral(request.user, folio, detail="editar borrador de canalización")
    if referral.status != ReferralStatus.DRAFT:
        messages.error(
            request, _("This referral was already sent or cancelled: it can no longer be changed.")
        )
        return redirect("referrals:detail", folio=referral.folio)
    has_consent = services.has_referral_consent(referral)
    initial = {
        "institution": referral.institution_id,
        "urgency": referral.urgency,
        "reason": referral.reason,
        "shared_summary": referral.shared_summary,
        "consent_given": has_consent,
    }
    if has_consent:
        initial["consent_scope"] = referral.consent.scope
    form = ReferralForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_update(
                referral=referral,
                by=request.user,
                institution=data["institution"],
                reason=data["reason"],
                shared_summary=data["shared_summary"],
                urgency=data["urgency"],
                consent_given=data["consent_given"],
                consent_scope=data["consent_scope"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Draft %(folio)s saved.") % {"folio": referral.folio})
            return redirect("referrals:detail", folio=referral.folio)
    context = {"case": referral.case, "referral": referral, "form": form}
    return render_page(request, "referrals/referral_edit.html", context)


def _form_errors(request, form) -> None:
    """Invalid input to a button's small form: its errors, in Spanish, as a message; nothing is done."""
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


@staff_required(REFERRAL_ROLES)
@require_POST
def referral_cancel(request, folio):
    referral = selectors.access_referral(request.user, folio, detail="cancelar canalización")
    form = CancelForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("referrals:detail", folio=referral.folio)
    try:
        services.referral_cancel(referral=referral, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Referral %(folio)s cancelled.") % {"folio": referral.folio})
    return redirect("referrals:detail", folio=referral.folio)


@staff_required(REFERRAL_ROLES)
@require_POST
def referral_send(request, folio):
    referral = selectors.access_referral(request.user, folio, detail="envío de canalización")
    form = SendForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("referrals:detail", folio=referral.folio)
    try:
        services.referral_send(
            referral=referral, by=request.user, override_reason=form.cleaned_data["override_reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Referral %(folio)s sent.") % {"folio": referral.folio})
    return redirect("referrals:detail", folio=referral.folio)


def _answer(request, referral) -> bool:
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose what to record."))
        return False
    data = form.cleaned_data
    by = request.user
    try:
        match data["action"]:
            case "accept":
                services.referral_accept(referral=referral, by=by, note=data["note"])
            case "reject":
                services.referral_reject(referral=referral, by=by, reason=data["note"])
            case "attention":
                services.referral_start_attention(referral=referral, by=by, note=data["note"])
            case "report":
                services.referral_report_back(
                    referral=referral,
                    by=by,
                    counter_referral=data["counter_referral"],
                    outcome=data["outcome"],
                    letter=data.get("letter"),
                )
            case "no_contact":
                services.referral_close_no_contact(referral=referral, by=by, note=data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Recorded. The case team has been notified."))
    return True


@staff_required(REFERRAL_ROLES)
@require_POST
def referral_answer(request, folio):
    """The case team records an institution's answer given by phone or in writing (no Violeta account)."""
    referral = selectors.access_referral(request.user, folio, detail="respuesta de canalización")
    _answer(request, referral)
    return redirect("referrals:detail", folio=referral.folio)


def _letter_response(request, referral):
    pdf = documents.letter_pdf(referral)
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=Action.EXPORT,
            obj=referral,
            case_id=referral.case_id,
            detail="oficio de canalización (PDF)",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="oficio-{referral.folio}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _counter_letter_response(request, referral):
    document = selectors.counter_referral_letter(request.user, referral)
    if document is None:
        raise Http404
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        obj=document,
        case_id=referral.case_id,
        detail="carta de contrarreferencia (descarga)",
    )
    custody_served_elsewhere(by=request.user, document=document)
    response = FileResponse(
        private_storage.open(document.file.name, "rb"),
        as_attachment=True,
        filename=f"contrarreferencia-{referral.folio}.pdf",
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_required(CASE_ROLES)
@recent_authentication_required
def counter_letter(request, folio):
    """The institution's counter-referral letter (PDF), for whoever may see the referral's case; audited."""
    referral = selectors.access_referral(request.user, folio, detail="carta de contrarreferencia")
    return _counter_letter_response(request, referral)


@staff_required(REFERRAL_ROLES)
@recent_authentication_required
def referral_letter(request, folio):
    """The oficio de canalización as a PDF: permission-checked and its export audited."""
    referral = selectors.access_referral(request.user, folio, detail="oficio de canalización")
    if referral.status in UNSENT:
        raise Http404
    refusal = services.referral_consent_refusal(referral, action=pgettext("before", "printing the letter"))
    if refusal:
        messages.error(request, refusal)
        return redirect("referrals:detail", folio=referral.folio)
    return _letter_response(request, referral)


@staff_required(CASE_ROLES)
def overdue(request):
    """Referrals with no answer within their institution's time, in the cases the user may see."""
    rows = selectors.overdue_referrals(request.user)
    return render_page(request, "referrals/overdue.html", {"referrals": rows})


@login_not_required
def verify(request, token):
    """Public: the receiver of a letter checks it is genuine. Folio, date and institution only; no personal data."""
    referral = selectors.referral_by_token(token)
    response = render(
        request, "referrals/verify.html", {"referral": referral}, status=200 if referral else 404
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- The partner institution's liaison ----------------------------------------------------------------------


@staff_required(LIAISON)
def liaison_inbox(request):
    """The referrals sent to her institution: the only ones she sees."""
    status = request.GET.get("estado", "open")
    if status not in {"open", "", *ReferralStatus.values}:
        status = "open"
    rows = list(selectors.liaison_referrals(request.user, status=status))
    context = {
        "institution": selectors.liaison_institution(request.user),
        "referrals": rows,
        "status": status,
        "statuses": ReferralStatus.choices[1:],
        "inbound": selectors.liaison_inbound(request.user),
    }
    return render_page(request, "referrals/liaison_inbox.html", context, partial="rows")


@staff_required(LIAISON)
def liaison_detail(request, folio):
    referral = selectors.access_referral_for_liaison(request.user, folio)
    context = {
        "referral": referral,
        "history": selectors.referral_history(referral, for_liaison=True),
        "has_letter": bool(referral.counter_referral) and referral.documents.exists(),
        "answer_form": AnswerForm(),
        "next": referral.allowed_next(),
    }
    return render_page(request, "referrals/liaison_detail.html", context)


@staff_required(LIAISON)
def liaison_letter(request, folio):
    """The letter her institution received, for its own file."""
    referral = selectors.access_referral_for_liaison(request.user, folio, detail="oficio (enlace)")
    refusal = services.referral_consent_refusal(referral, action=pgettext("before", "printing the letter"))
    if refusal:
        messages.error(request, refusal)
        return redirect("referrals:liaison_detail", folio=referral.folio)
    return _letter_response(request, referral)


@staff_required(LIAISON)
def liaison_counter_letter(request, folio):
    """The counter-referral letter her institution attached; only for that institution's liaison; audited."""
    referral = selectors.access_referral_for_liaison(request.user, folio, detail="contrarreferencia (enlace)")
    return _counter_letter_response(request, referral)


@staff_required(LIAISON)
@require_POST
def liaison_answer(request, folio):
    referral = selectors.access_referral_for_liaison(request.user, folio, detail="respuesta (enlace)")
    _answer(request, referral)
    return redirect("referrals:liaison_detail", folio=referral.folio)


@staff_required(LIAISON)
@require_http_methods(["GET", "POST"])
def inbound_create(request):
    """Her institution refers a woman to the institute: it arrives as an intake draft for reception."""
    if selectors.liaison_institution(request.user) is None:
        raise Http404
    form = InboundReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inbound_referrals.inbound_referral_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Referral sent to the institute."))
            return redirect("referrals:liaison_inbox")
    return render_page(request, "referrals/inbound_form.html", {"form": form})


# --- Referrals received by the institute --------------------------------------------------------------------


@staff_required(INTAKE_ROLES)
def inbound_list(request):
    return render_page(
        request, "referrals/inbound_list.html", {"rows": selectors.pending_inbound(request.user)}
    )


@staff_required(INTAKE_ROLES)
@require_POST
def inbound_dismiss(request, pk):
    inbound = selectors.access_inbound(request.user, pk)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            inbound_referrals.inbound_referral_dismiss(
                inbound=inbound, by=request.user, why=form.cleaned_data["why"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Dismissed."))
    else:
        messages.error(request, _("Say why it is dismissed."))
    return redirect("referrals:inbound_list")
