"""The monthly report to the municipal council: generating its PDF, and the director's narrative."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from violeta.accounts.permissions import Role, has_role, staff_required
from violeta.core.htmx import render_page
from violeta.reports.council import last_month
from violeta.reports.council import narrative_preview as preview_of
from violeta.reports.council_forms import CouncilMonthForm, NarrativeForm
from violeta.reports.council_narrative import PLACEHOLDERS, current_narrative, narrative_history
from violeta.reports.council_services import council_export, narrative_save

COUNCIL_ROLES = (Role.COORDINATOR, Role.DIRECTOR)
NARRATIVE_ROLES = (Role.DIRECTOR,)


@staff_required(COUNCIL_ROLES)
@require_http_methods(["GET", "POST"])
def council(request):
    """Choose a month and download its report (POST: the month travels in the form, never in the URL)."""
    year, month = last_month()
    form = CouncilMonthForm(request.POST or None, initial={"month": f"{year}-{month:02d}"})
    if form.is_valid():
        year, month = form.cleaned_data["month"]
        document, _version = council_export(year=year, month=month, by=request.user)
        response = HttpResponse(document, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="informe-cabildo-{year}-{month:02d}.pdf"'
        return response
    context = {
        "form": form,
        "narrative": current_narrative(),
        "may_edit": has_role(request.user, NARRATIVE_ROLES),
    }
    return render_page(
        request, "reports/council/generate.html", context, status=400 if form.is_bound else 200
    )


@staff_required(NARRATIVE_ROLES)
@require_http_methods(["GET", "POST"])
def council_narrative(request):
    """The director edits the narrative: preview it with last month's figures, save it as a new version."""
    current = current_narrative()
    form = NarrativeForm(request.POST or None, initial={"text": current.text})
    text = current.text
    if form.is_bound:
        if form.is_valid() and "save" in request.POST:
            try:
                saved = narrative_save(text=form.cleaned_data["text"], by=request.user)
            except ValidationError as error:
                form.add_error("text", error)
            else:
                messages.success(request, _("Narrative saved as version %(n)s.") % {"n": saved.version})
                return redirect("reports:council_narrative")
        text = form.cleaned_data["text"] if form.is_valid() else None
    preview, month = preview_of(text) if text is not None else (None, None)
    context = {
        "form": form,
        "current": current,
        "history": narrative_history(),
        "placeholders": PLACEHOLDERS.values(),
        "preview": preview,
        "preview_month": month,
    }
    # htmx swaps only a successful answer: the preview's errors come back as 200 to be shown in place.
    status = 400 if form.is_bound and not form.is_valid() and not request.htmx else 200
    return render_page(request, "reports/council/narrative.html", context, partial="preview", status=status)
