"""Downloads of figures and of the BANAVIM export (issue 18, item 5).

Every download is a POST (the filters are in the form, never in the URL), for the roles that may take data out,
and audited with what was exported (which export, the format, the filters, how many rows: never the rows). The
aggregate exports are for coordinators and the director; the BANAVIM export, case by case, for the director
only, and only after she confirmed her password or second factor within the last 15 minutes.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET, require_POST

from violeta.accounts.decorators import recent_authentication_required
from violeta.accounts.permissions import Role, has_role, staff_required
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.core.htmx import render_page
from violeta.reports import banavim, exports
from violeta.reports.filters import BanavimForm, ExportForm

FIGURES = (Role.COORDINATOR, Role.DIRECTOR)  # aggregates, suppressed: what leaves the institute
CASE_LEVEL = (Role.DIRECTOR,)  # the BANAVIM export: one row per case and incident, pseudonymised


def _page(request, *, export_form=None, banavim_form=None, status=200):
    context = {"export_form": export_form or ExportForm(prefix="x")}
    if has_role(request.user, CASE_LEVEL):
        context["banavim_form"] = banavim_form or BanavimForm(prefix="b")
    return render_page(request, "reports/exports.html", context, status=status)


def _attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required(FIGURES)
@require_GET
def export_page(request):
    return _page(request)


@staff_required(FIGURES)
@require_POST
def export_download(request):
    """One figure, or all of them, as CSV or XLSX: statistics rule, small counts withheld."""
    form = ExportForm(request.POST, prefix="x")
    if not form.is_valid():
        return _page(request, export_form=form, status=400)
    filters, slug, kind = form.filters(), form.cleaned_data["indicator"], form.cleaned_data["format"]
    tables = exports.protected_tables(filters, [slug] if slug else None)
    write, content_type = exports.WRITERS[kind]
    content = write(tables, filters)
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        object_type="reports.indicator",
        object_id=slug or "all",
        detail=f"cifras {kind}; {exports.filters_summary(filters)}; tablas {len(tables)}; "
        f"filas {sum(len(t.rows) for t in tables)}",
    )
    response = HttpResponse(content, content_type=content_type)
    return _attachment(response, exports.filename(slug or "cifras", filters, kind))


@staff_required(CASE_LEVEL)
@recent_authentication_required
@require_POST
def banavim_download(request):
    """The BANAVIM export, written as it is sent (CSV) or row by row into a temporary file (XLSX)."""
    form = BanavimForm(request.POST, prefix="b")
    if not form.is_valid():
        return _page(request, banavim_form=form, status=400)
    filters, kind = form.filters(), form.cleaned_data["format"]
    try:
        banavim.pseudonym_key()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _page(request, banavim_form=form)
    count = banavim.incidents(filters).count()
    ignored = banavim.ignored(filters)
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        object_type="reports.banavim",
        object_id="banavim",
        detail=f"BANAVIM {kind}; {exports.filters_summary(filters)}; filas {count}"
        + (f"; no aplica {','.join(ignored)}" if ignored else ""),
        flagged=True,
    )
    rows = banavim.rows(filters)
    name = banavim.filename(filters, kind)
    if kind == "csv":
        response = StreamingHttpResponse(exports.csv_stream(rows), content_type=exports.CSV_CONTENT_TYPE)
    else:
        notes = [*exports.describe_filters(filters), *banavim.notes()]
        response = FileResponse(
            exports.xlsx_file(rows, "BANAVIM", notes),
            as_attachment=True,
            filename=name,
            content_type=exports.XLSX_CONTENT_TYPE,
        )
    return _attachment(response, name)
