from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from violeta.accounts.decorators import recent_authentication_required
from violeta.accounts.permissions import CASE_ROLES, staff_required
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.selectors import access_case
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.documents import selectors, services
from violeta.documents.forms import DocumentForm
from violeta.documents.storage import private_storage
from violeta.legal.selectors import case_matters


def _limit_mb() -> str:
    return f"{settings.DOCUMENTS_MAX_BYTES / 1_048_576:g}"


def _too_large(request) -> bool:
    """The request body is bigger than a file at the limit plus the form's other fields could be."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.DOCUMENTS_MAX_BYTES + 64 * 1024


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
            "error": _("The file is too large. The limit is %(limit)s MB.") % {"limit": _limit_mb()},
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
@recent_authentication_required
@require_GET
def download(request, public_id):
    """The file, as an attachment, after the permission check; every download is in the audit log."""
    document = selectors.access_document(request.user, public_id)
    audit_record(
        actor=request.user, action=Action.EXPORT, obj=document, case_id=document.case_id, detail="descarga"
    )
    response = FileResponse(
        private_storage.open(document.file.name, "rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
