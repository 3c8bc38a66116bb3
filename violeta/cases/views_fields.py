"""The intake each institute shapes: the configuration pages (director's office, system administration) and a
case's "Datos adicionales" (its team)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.permissions import CASE_ROLES, refuse_by_role, staff_required
from violeta.cases import field_services, intake_fields, permissions, selectors
from violeta.cases.field_forms import CustomFieldForm, IntakeFieldSettingForm
from violeta.cases.field_models import CustomField
from violeta.cases.intake_fields import CustomValuesForm
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.people.forms import PersonForm

CONFIG_ROLES = field_services.CONFIG_ROLES


def _default_labels() -> dict[str, str]:
    fields = PersonForm.base_fields
    return {name: fields[name].label for name in intake_fields.CONFIGURABLE}


@staff_required(CONFIG_ROLES)
def intake_fields_page(request):
    """The intake's optional fields as the institute asks them, and its own fields."""
    labels = _default_labels()
    context = {
        "settings": [(s, labels[s.name]) for s in intake_fields.field_settings()],
        "custom_fields": list(CustomField.objects.order_by("-active", "order", "pk")),
    }
    return render_page(request, "cases/intake_fields.html", context)


@staff_required(CONFIG_ROLES)
@require_http_methods(["GET", "POST"])
def intake_field_edit(request, name):
    setting = next((s for s in intake_fields.field_settings() if s.name == name), None)
    if setting is None:
        raise Http404
    initial = {"visibility": setting.visibility, "label": setting.label, "order": setting.order}
    form = IntakeFieldSettingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            field_services.intake_field_set(by=request.user, name=name, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The intake field was saved."))
            return redirect("cases:intake_fields")
    title = _("Intake field: %(label)s") % {"label": _default_labels()[name]}
    return render_page(request, "cases/intake_field_form.html", {"form": form, "title": title})


@staff_required(CONFIG_ROLES)
@require_POST
def intake_field_move(request, name):
    if name not in intake_fields.CONFIGURABLE:
        raise Http404
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is not None:
        field_services.intake_field_move(by=request.user, name=name, step=step)
    return redirect("cases:intake_fields")


@staff_required(CONFIG_ROLES)
@require_http_methods(["GET", "POST"])
def custom_field_edit(request, pk=None):
    """Add one of the institute's own fields, or change or retire one."""
    field = get_object_or_404(CustomField, pk=pk) if pk else None
    form = CustomFieldForm(request.POST or None, instance=field)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if field is None:
                field_services.custom_field_create(by=request.user, **data)
            else:
                field_services.custom_field_update(by=request.user, field=field, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The field was saved."))
            return redirect("cases:intake_fields")
    title = _("Edit the field") if field else _("Add a field")
    return render_page(request, "cases/intake_field_form.html", {"form": form, "title": title})


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def custom_values_edit(request, folio):
    """The case's additional details (the institute's own fields), edited by its team."""
    case = selectors.access_case(request.user, folio, detail="datos adicionales")
    if not permissions.can_edit_custom_values(request.user, case):
        refuse_by_role(request)
    form = CustomValuesForm(
        request.POST or None,
        definitions=intake_fields.custom_fields(),
        current=intake_fields.case_values(case),
    )
    if request.method == "POST" and form.is_valid():
        try:
            field_services.custom_values_set(case=case, by=request.user, values=form.values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Additional details saved."))
            return redirect("cases:detail", folio=case.folio)
    return render_page(request, "cases/custom_values_form.html", {"case": case, "form": form})
