from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.decorators import recent_authentication_required
from violeta.accounts.models import Role
from violeta.accounts.permissions import staff_required
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.card import documents, ratelimit, selectors, uploads
from violeta.card.forms import (
    AccountLinkForm,
    ApplicationForm,
    BranchForm,
    DeskApplicationForm,
    DirectoryForm,
    DocumentsForm,
    MerchantForm,
    ReasonForm,
    ValidateForm,
)
from violeta.card.models import ApplicationStatus, Channel, Merchant
from violeta.card.permissions import OFFICE_ROLES
from violeta.card.services.applications import (
    application_approve,
    application_documents_add,
    application_mark_missing,
    application_reject,
    application_submit,
    applications_approve_bulk,
)
from violeta.card.services.cards import (
    card_cancel,
    card_deliver,
    card_issue,
    card_link_send,
    card_renew,
    card_replace,
)
from violeta.card.services.merchants import branch_add, merchant_account_link, merchant_save
from violeta.card.services.validation import card_validate, merchant_account_of
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.core.middleware import client_ip

OFFICE = OFFICE_ROLES
MERCHANT = frozenset({Role.MERCHANT})
PAGE_SIZE = 50
APPLY_PER_HOUR_IP = 20


# --- Public: her application, the directory, her digital card ------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def apply(request):
    """The public application form, mobile-first; every eligibility failure is explained."""
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request) or "-"
        if ratelimit.hit(f"apply:{ip}", 3600) > APPLY_PER_HOUR_IP:
            form.add_error(None, _("Too many applications from this connection. Try again later."))
        else:
            try:
                application_submit(
                    **form.applicant_fields(), channel=Channel.ONLINE, documents=form.documents()
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return redirect("card:apply_thanks")
    return render_page(request, "card/apply.html", {"form": form, "public": True})


@login_not_required
def apply_thanks(request):
    return render_page(request, "card/apply_thanks.html", {"public": True})


@login_not_required
def directory(request):
    """The affiliated businesses by category and colonia, searchable; plain GET forms, no JavaScript needed."""
    form = DirectoryForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    merchants = selectors.directory(
        q=filters.get("q") or "", category=filters.get("category") or "", neighborhood=filters.get("colonia")
    )
    page = Paginator(merchants, 30).get_page(request.GET.get("page"))
    categories, neighborhoods = selectors.directory_filters()
    context = {
        "form": form,
        "page": page,
        "categories": categories,
        "neighborhoods": neighborhoods,
        "filters": filters,
        "public": True,
    }
    return render_page(request, "card/directory.html", context, partial="results")


@login_not_required
def holder_card(request, token):
    """Her card on her phone: name, number, validity and the QR, through the link she was given."""
    card = selectors.card_for_holder(token)
    context = {"card": card, "application": card.application, "qr": documents.qr_svg(card), "public": True}
    response = render_page(request, "card/holder_card.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return _private(response)


@login_not_required
def holder_card_pdf(request, token):
    card = selectors.card_for_holder(token)
    audit_record(actor=request.user, action=Action.EXPORT, obj=card, detail="tarjeta PDF (la titular)")
    return _pdf_response(card)


def _pdf_response(card):
    response = HttpResponse(documents.card_pdf(card), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tarjeta-{card.number[-4:]}.pdf"'
    return _private(response)


def _private(response):
    """Her card (name, number, QR): never kept by a browser or a proxy cache, never indexed."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- Merchants: validation only -------------------------------------------------------------------------


def _account_or_none(user):
    try:
        return merchant_account_of(user)
    except PermissionDenied:
        return None


def _validation(request, account, *, number="", token="", branch=None):
    try:
        return card_validate(
            user=request.user,
            account=account,
            number=number,
            token=token,
            branch=branch,
            ip=client_ip(request),
        ), None
    except ValidationError as exc:
        return None, exc.messages[0]


@staff_required(MERCHANT)
@require_http_methods(["GET", "POST"])
def validate(request):
    """Type a card's number (or scan its QR, which opens validate_token): valid, not valid or expired."""
    account = _account_or_none(request.user)
    if account is None:
        return render_page(request, "card/not_linked.html", {})
    form = ValidateForm(request.POST or None, account=account)
    outcome = error = None
    if request.method == "POST" and form.is_valid():
        outcome, error = _validation(
            request, account, number=form.cleaned_data["number"], branch=form.cleaned_data.get("branch")
        )
        if outcome is not None:
            form = ValidateForm(account=account)
    context = {"form": form, "outcome": outcome, "error": error, "account": account}
    return render_page(request, "card/validate.html", context, partial="result")


@staff_required(MERCHANT)
@require_http_methods(["GET", "POST"])
def validate_token(request, token):
    """Where the QR leads: the cashier confirms with one tap (a POST), so a reload or a preview counts nothing."""
    account = _account_or_none(request.user)
    if account is None:
        return render_page(request, "card/not_linked.html", {})
    outcome = error = None
    form = ValidateForm(account=account)
    if request.method == "POST":
        branch = None
        if "branch" in form.fields and request.POST.get("branch"):
            branch = form.fields["branch"].queryset.filter(pk=request.POST.get("branch")).first()
        outcome, error = _validation(request, account, token=token, branch=branch)
    context = {"form": form, "outcome": outcome, "error": error, "account": account, "token": token}
    return render_page(request, "card/validate.html", context, partial="result")


# --- Program office --------------------------------------------------------------------------------------


@staff_required(OFFICE)
def office(request):
    """Queues of applications by state; the received ones can be approved in bulk."""
    status = request.GET.get("estado") or ApplicationStatus.RECEIVED
    if status not in ApplicationStatus.values:
        status = ApplicationStatus.RECEIVED
    # A search by CURP or name is posted, so neither ends up in the address bar, the history or access logs.
    query = request.POST.get("q", "").strip()[:80] if request.method == "POST" else ""
    page = selectors.office_queue_page(
        request.user, status=status, query=query, page=request.GET.get("page"), per_page=PAGE_SIZE
    )
    if query:
        status = ""
    counts = selectors.queue_counts()
    queues = [(value, label, counts[value]) for value, label in ApplicationStatus.choices]
    context = {
        "page": page,
        "status": status,
        "queues": queues,
        "query": query,
        "status_label": ApplicationStatus(status).label if status else query,
    }
    return render_page(request, "card/office.html", context, partial="queue")


@staff_required(OFFICE)
@require_POST
def approve_bulk(request):
    ids = [int(v) for v in request.POST.getlist("ids")[:PAGE_SIZE] if v.isdigit()]
    if not ids:
        messages.warning(request, _("Select at least one application."))
        return redirect("card:office")
    approved, refused = applications_approve_bulk(ids=ids, by=request.user)
    if approved:
        messages.success(request, _("Applications approved: %(n)d.") % {"n": len(approved)})
    for folio, errors in refused.items():
        messages.error(request, f"{folio}: " + " ".join(errors))
    return redirect(reverse("card:office") + f"?estado={ApplicationStatus.RECEIVED}")


@staff_required(OFFICE)
@require_http_methods(["GET", "POST"])
def desk_application(request):
    form = DeskApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = application_submit(
                **form.applicant_fields(),
                channel=Channel.DESK,
                by=request.user,
                documents=form.documents(),
                documents_checked_at_desk=form.cleaned_data["documents_checked_at_desk"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Application %(folio)s received.") % {"folio": application.folio})
            return redirect("card:application_detail", pk=application.pk)
    return render_page(request, "card/desk_application.html", {"form": form})


@staff_required(OFFICE)
def application_detail(request, pk):
    application = selectors.access_application(request.user, pk)
    context = {
        "application": application,
        **selectors.application_page(application),
        "reason_form": ReasonForm(),
        "documents_form": DocumentsForm(),
    }
    return render_page(request, "card/application_detail.html", context)


APPLICATION_ACTIONS = {"approve", "reject", "missing", "documents", "issue"}


@staff_required(OFFICE)
@require_POST
def application_action(request, pk, action):
    if action not in APPLICATION_ACTIONS:
        raise Http404
    application = selectors.access_application(request.user, pk, detail="solicitud de tarjeta: trámite")
    try:
        if action == "approve":
            application_approve(application=application, by=request.user)
        elif action in ("reject", "missing"):
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Write the reason."))
            service = application_reject if action == "reject" else application_mark_missing
            kwargs = (
                {"reason": form.cleaned_data["reason"]}
                if action == "reject"
                else {"note": form.cleaned_data["reason"]}
            )
            service(application=application, by=request.user, **kwargs)
        elif action == "documents":
            form = DocumentsForm(request.POST, request.FILES)
            form.is_valid()
            application_documents_add(
                application=application,
                by=request.user,
                documents={
                    "proof_of_address": form.cleaned_data.get("proof_of_address"),
                    "identification": form.cleaned_data.get("identification"),
                },
                checked_at_desk=form.cleaned_data.get("checked_at_desk", False),
            )
        elif action == "issue":
            card_issue(application=application, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Done."))
    return redirect("card:application_detail", pk=application.pk)


@staff_required(OFFICE)
def document(request, pk, doc):
    """An uploaded proof, from outside the web root, to the card office only; every opening is audited."""
    application = selectors.access_application(request.user, pk, detail="documento de solicitud")
    item = get_object_or_404(application.documents, pk=doc)
    path = uploads.path_of(item.stored_name)
    if not path.exists():
        raise Http404
    audit_record(actor=request.user, action=Action.EXPORT, obj=item, detail="documento de solicitud")
    response = FileResponse(open(path, "rb"), content_type=item.content_type)  # noqa: SIM115
    response["Content-Disposition"] = f'inline; filename="{item.kind}.{item.stored_name.rsplit(".", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required(OFFICE)
@recent_authentication_required
def card_pdf(request, pk):
    card = selectors.access_card(request.user, pk, detail="tarjeta PDF")
    audit_record(actor=request.user, action=Action.EXPORT, obj=card, detail="tarjeta PDF")
    return _pdf_response(card)


CARD_ACTIONS = {"deliver", "renew", "replace", "cancel", "send_link"}


@staff_required(OFFICE)
@require_POST
def card_action(request, pk, action):
    if action not in CARD_ACTIONS:
        raise Http404
    card = selectors.access_card(request.user, pk, detail="tarjeta: trámite")
    try:
        if action == "deliver":
            card_deliver(card=card, by=request.user)
        elif action == "renew":
            card_renew(card=card, by=request.user)
        elif action == "send_link":
            card_link_send(card=card, by=request.user)
        else:
            reason = request.POST.get("reason", "")
            service = card_replace if action == "replace" else card_cancel
            service(card=card, by=request.user, reason=reason)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Done."))
    if request.POST.get("next") == "deliveries":
        return redirect("card:deliveries")
    return redirect("card:application_detail", pk=card.application_id)


@staff_required(OFFICE)
def deliveries(request):
    cards = selectors.delivery_list(request.user)
    return render_page(request, "card/deliveries.html", {"cards": cards})


@staff_required(OFFICE)
def stats(request):
    return render_page(request, "card/stats.html", {"stats": selectors.statistics(request.user)})


@staff_required(OFFICE)
def merchant_list(request):
    merchants = Merchant.objects.select_related("category").prefetch_related("branches__neighborhood")
    return render_page(request, "card/merchant_list.html", {"merchants": merchants})


@staff_required(OFFICE)
@require_http_methods(["GET", "POST"])
def merchant_edit(request, pk=None):
    """A business: its data, its branches, and the till accounts that validate for it (one form per button)."""
    merchant = get_object_or_404(Merchant, pk=pk) if pk else None
    action = ""
    if request.method == "POST":
        action = (
            "branch" if "add_branch" in request.POST else "link" if "link_account" in request.POST else "save"
        )
        if action != "save" and merchant is None:
            raise Http404
    data = request.POST if request.method == "POST" else None
    form = MerchantForm(data if action == "save" else None, instance=merchant, prefix="m")
    branch_form = BranchForm(data if action == "branch" else None, prefix="b") if merchant else None
    link_form = (
        AccountLinkForm(data if action == "link" else None, prefix="u", merchant=merchant)
        if merchant
        else None
    )
    if action == "link" and link_form.is_valid():
        try:
            merchant_account_link(
                by=request.user,
                user=link_form.cleaned_data["user"],
                merchant=merchant,
                branch=link_form.cleaned_data["branch"],
            )
        except ValidationError as exc:
            apply_service_errors(link_form, exc)
        else:
            messages.success(request, _("Till account linked."))
            return redirect("card:merchant_edit", pk=merchant.pk)
    elif action == "branch" and branch_form.is_valid():
        branch_add(by=request.user, merchant=merchant, **branch_form.cleaned_data)
        messages.success(request, _("Branch added."))
        return redirect("card:merchant_edit", pk=merchant.pk)
    elif action == "save" and form.is_valid():
        try:
            saved = merchant_save(by=request.user, merchant=merchant, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Business saved."))
            return redirect("card:merchant_edit", pk=saved.pk)
    context = {
        "form": form,
        "branch_form": branch_form,
        "link_form": link_form,
        "merchant": merchant,
        "accounts": merchant.accounts.select_related("user", "branch") if merchant else [],
    }
    return render_page(request, "card/merchant_edit.html", context)
