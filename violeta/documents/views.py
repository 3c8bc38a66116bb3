from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from violeta.accounts.decorators import recent_authentication_required
from violeta.accounts.permissions import CASE_ROLES, staff_required
from violeta.cases.selectors import access_case
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.documents import selectors, services
from violeta.documents.forms import CopyGivenForm, DocumentForm, EvidenceEditForm, EvidenceForm
from violeta.documents.storage import private_storage
from violeta.legal.selectors import case_matters


def _too_large(request) -> bool:
    """The request body is bigger than a file at the largest limit plus the form's other fields could be."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > services.largest_limit() + 64 * 1024


def _too_large_message() -> str:
    return _("The file is too large. The limit is %(limit)s MB.") % {
        "limit": f"{services.largest_limit() / 1_048_576:g}"
    }


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def upload(request, folio):
    """Attach a document to a case file or, for the legal area, to one of its legal matters."""
    case = access_case(request.user, folio, detail="subir documento")
    matters = case_matters(request.user, case)
    initial = {"matter": request.GET.get("asunto")} if matters else {}
    if request.method == "POST" and _too_large(request):
        # Refused before the body is read: a huge upload never reaches the disk.
        context = {
            "case": case,
            "form": DocumentForm(matters=matters, initial=initial),
            "error": _too_large_message(),
        }
        return render_page(request, "documents/upload.html", context, status=413)
    form = DocumentForm(request.POST or None, request.FILES or None, matters=matters, initial=initial)
    if request.method == "POST" and form.is_valid():
        matter_id = form.cleaned_data.get("matter")
        matter = next((m for m in matters or () if m.pk == matter_id), None)
        try:
            services.document_upload(
                by=request.user,
                case=case,
                matter=matter,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Document saved."))
            if matter is not None:
                return redirect("legal:matter_detail", pk=matter.pk)
            return redirect("cases:detail", folio=case.folio)
    return render_page(request, "documents/upload.html", {"case": case, "form": form})


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def evidence_upload(request, folio):
    """Attach evidence she brings: a photo, a screenshot or a voice message, with when and who received it."""
    case = access_case(request.user, folio, detail="agregar evidencia")
    staff = selectors.case_staff(case, request.user)
    context = {"case": case, "evidence": True}
    if request.method == "POST" and _too_large(request):
        form = EvidenceForm(staff=staff, initial={"received_by": request.user.pk})
        context |= {"form": form, "error": _too_large_message()}
        return render_page(request, "documents/upload.html", context, status=413)
    form = EvidenceForm(
        request.POST or None, request.FILES or None, staff=staff, initial={"received_by": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_upload(by=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Evidence saved."))
            return redirect("documents:detail", public_id=document.public_id)
    return render_page(request, "documents/upload.html", context | {"form": form})


def _detail(request, document, *, copy_form=None, status=200):
    context = {
        "document": document,
        "case": document.case,
        "custody": selectors.document_custody(document),
        "copy_form": copy_form or CopyGivenForm(),
    }
    return render_page(request, "documents/detail.html", context, status=status)


@staff_required(CASE_ROLES)
@recent_authentication_required
@require_GET
def detail(request, public_id):
    """The item: its hashes, its evidence details, a preview or player, and its chain of custody."""
    document = selectors.access_document(request.user, public_id, detail="ficha de documento")
    return _detail(request, document)


def _file_response(document, *, inline: bool) -> FileResponse:
    name = document.original_name
    if inline or PurePath(name).suffix.lower() != PurePath(document.file.name).suffix:
        # Converted (HEIC to JPEG): the name says what it is now.
        name = f"{PurePath(name).stem or 'documento'}{PurePath(document.file.name).suffix}"
    response = FileResponse(
        private_storage.open(document.file.name, "rb"),
        as_attachment=not inline,
        filename=name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@staff_required(CASE_ROLES)
@recent_authentication_required
@require_GET
def download(request, public_id):
    """The file, as an attachment, after the permission check; every download is audited and in its custody."""
    document = selectors.access_document(request.user, public_id)
    services.document_served(by=request.user, document=document, inline=False)
    return _file_response(document, inline=False)


@staff_required(CASE_ROLES)
@recent_authentication_required
@require_GET
def view(request, public_id):
    """A photo or an audio shown or played in its page (inline), audited and in its custody; nothing else."""
    document = selectors.access_document(request.user, public_id, detail="vista de documento")
    if not (document.is_image or document.is_audio):
        raise Http404
    services.document_served(by=request.user, document=document, inline=True)
    return _file_response(document, inline=True)


@staff_required(CASE_ROLES)
@require_POST
def verify(request, public_id):
    """Recompute the stored copy's SHA-256 and say whether it matches the one recorded at upload."""
    document = selectors.access_document(request.user, public_id, detail="verificar integridad")
    if services.document_verify(by=request.user, document=document):
        messages.success(request, _("Integrity verified: the stored copy is the one received."))
    else:
        messages.error(
            request, _("The stored copy does NOT match the fingerprint recorded when it was received.")
        )
    return redirect("documents:detail", public_id=document.public_id)


@staff_required(CASE_ROLES)
@require_POST
def copy_given(request, public_id):
    """Record a copy given to a prosecutor or another authority: to whom, when and why."""
    document = selectors.access_document(request.user, public_id, detail="copia entregada")
    form = CopyGivenForm(request.POST)
    if form.is_valid():
        try:
            services.custody_copy_given(by=request.user, document=document, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The copy given is in the chain of custody."))
            return redirect("documents:detail", public_id=document.public_id)
    return _detail(request, document, copy_form=form)


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def evidence_edit(request, public_id):
    """Correct the date an evidence item was taken and who received it."""
    document = selectors.access_document(request.user, public_id, detail="editar evidencia")
    if not document.is_evidence:
        raise Http404
    staff = selectors.case_staff(document.case, request.user)
    if document.received_by and all(user.pk != document.received_by_id for user in staff):
        staff.append(document.received_by)
    initial = {"taken_at": document.taken_at, "received_by": document.received_by_id}
    form = EvidenceEditForm(request.POST or None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_update(by=request.user, document=document, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Evidence details saved."))
            return redirect("documents:detail", public_id=document.public_id)
    context = {"document": document, "case": document.case, "form": form}
    return render_page(request, "documents/evidence_edit.html", context)
