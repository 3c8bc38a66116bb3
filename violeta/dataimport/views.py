"""Pages of an import: upload, column map, preview (with the duplicate choices and exclusions), progress, report.
Thin: each parses a form, calls one service or selector and renders. Filters stay in the session, not the URL."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.decorators import recent_authentication_required
from violeta.accounts.permissions import staff_required
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.dataimport import progress, selectors, services
from violeta.dataimport.forms import MappingForm, UploadForm
from violeta.dataimport.models import WORKING_STATUSES, JobStatus
from violeta.dataimport.roles import IMPORT_ROLES

ONLY_PROBLEMS = "dataimport_only_problems"


@staff_required(IMPORT_ROLES)
def job_list(request):
    page = selectors.jobs_page(request.user, page=request.GET.get("page"))
    return render_page(request, "dataimport/job_list.html", {"page": page})


@staff_required(IMPORT_ROLES)
@require_http_methods(["GET", "POST"])
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.job_upload(by=request.user, file=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("dataimport:mapping", pk=job.pk)
    return render_page(request, "dataimport/upload.html", {"form": form})


@staff_required(IMPORT_ROLES)
@require_http_methods(["GET", "POST"])
def mapping(request, pk):
    job = selectors.access_job(request.user, pk, detail="mapa de columnas")
    if job.status not in (JobStatus.MAPPING, JobStatus.PREVIEW):
        return redirect("dataimport:detail", pk=job.pk)
    form = MappingForm(request.POST or None, headers=job.headers, initial_mapping=job.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            services.job_map(job=job, by=request.user, mapping=form.mapping())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("dataimport:detail", pk=job.pk)
    return render_page(request, "dataimport/mapping.html", {"job": job, "form": form})


@staff_required(IMPORT_ROLES)
@require_http_methods(["GET", "POST"])
def preview(request, pk):
    job = selectors.access_job(request.user, pk, detail="vista previa")
    if job.status != JobStatus.PREVIEW:
        return redirect(
            "dataimport:mapping" if job.status == JobStatus.MAPPING else "dataimport:detail", pk=job.pk
        )
    if request.method == "POST":  # the "only rows with problems" switch, kept in the session
        request.session[ONLY_PROBLEMS] = request.POST.get("only_problems") == "1"
        return redirect("dataimport:preview", pk=job.pk)
    only_problems = request.session.get(ONLY_PROBLEMS, False)
    try:
        rows = services.job_rows(job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("dataimport:detail", pk=job.pk)
    shown = selectors.preview(
        request.user, job, rows, page=request.GET.get("page"), only_problems=only_problems
    )
    context = {
        "job": job,
        "preview": shown,
        "only_problems": only_problems,
        "pending": services.pending_errors(job),
    }
    return render_page(request, "dataimport/preview.html", context)


def _ints(values) -> set[int]:
    return {int(v) for v in values if str(v).isdigit()}


@staff_required(IMPORT_ROLES)
@require_POST
def rows_update(request, pk):
    """Save the choices and exclusions of the rows of one preview page."""
    job = selectors.access_job(request.user, pk, detail="vista previa: cambios")
    shown = _ints(request.POST.getlist("shown"))
    excluded = _ints(request.POST.getlist("exclude")) & shown
    choices = {
        row: int(request.POST[f"choice_{row}"])
        for row in shown
        if str(row) in job.candidates and request.POST.get(f"choice_{row}", "").isdigit()
    }
    try:
        if choices:
            services.job_choose(job=job, by=request.user, choices=choices)
        if excluded != (shown & set(job.excluded)):
            services.job_exclude(job=job, by=request.user, rows=excluded, exclude=True)
            services.job_exclude(job=job, by=request.user, rows=shown - excluded, exclude=False)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your changes to these rows were saved."))
    page = request.POST.get("page", "")
    url = redirect("dataimport:preview", pk=job.pk).url
    return redirect(f"{url}?page={int(page)}" if page.isdigit() else url)


@staff_required(IMPORT_ROLES)
@require_POST
def start(request, pk):
    job = selectors.access_job(request.user, pk, detail="iniciar importación")
    try:
        services.job_start(job=job, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("dataimport:preview", pk=job.pk)
    return redirect("dataimport:detail", pk=job.pk)


@staff_required(IMPORT_ROLES)
@require_POST
def abandon(request, pk):
    job = selectors.access_job(request.user, pk, detail="abandonar importación")
    try:
        services.job_abandon(job=job, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The import was abandoned and its file deleted."))
    return redirect("dataimport:list")


def _progress_context(job) -> dict:
    done, total = progress.read(job)
    percent = min(100, int(done * 100 / total)) if total else (100 if job.status == JobStatus.DONE else 0)
    working = job.status in WORKING_STATUSES
    return {"job": job, "done": done, "total": total, "percent": percent, "working": working}


@staff_required(IMPORT_ROLES)
def job_detail(request, pk):
    job = selectors.access_job(request.user, pk)
    return render_page(request, "dataimport/job_detail.html", _progress_context(job))


@staff_required(IMPORT_ROLES)
def job_progress(request, pk):
    """The progress bar alone, polled by htmx while the rows are checked or the import queued or running.

    When the check is done, the poll gets the partial without polling (that stops it) and the partial asks once
    (``X-Violeta-Go``) to be sent on to the preview: a redirect answered to the poll itself would be repeated by
    every poll while the preview loads, each one restarting the navigation."""
    job = selectors.job_for_polling(request.user, pk)
    if job.status == JobStatus.PREVIEW and request.headers.get("X-Violeta-Go") == "1":
        response = HttpResponse()  # htmx ignores the headers of a 204
        response["HX-Redirect"] = reverse("dataimport:preview", args=[job.pk])
        return response
    return render_page(request, "dataimport/job_detail.html", _progress_context(job), partial="progress")


def _safe_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (=, +, -, @, tab, CR at the start)."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@staff_required(IMPORT_ROLES)
@recent_authentication_required
def report(request, pk):
    """What the import created and linked, as CSV (audited as an export; names of the women: case-level rows)."""
    job = selectors.access_job(request.user, pk, detail="reporte")
    if job.status != JobStatus.DONE:
        return redirect("dataimport:detail", pk=job.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="importacion-{job.pk}.csv"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # so Excel reads the accents
    writer = csv.writer(response)
    writer.writerow(
        [_("Row"), _("Earlier folio"), _("Case file"), _("Person"), _("Person record"), _("Consultations")]
    )
    for record in selectors.report_rows(request.user, job):
        writer.writerow(
            [
                record.row_number,
                _safe_cell(record.legacy_folio),
                record.case.folio,
                _safe_cell(record.person.full_name),
                _("created") if record.person_created else _("linked to an existing record"),
                record.consultations,
            ]
        )
    return response
