"""Staff pages of MIA outside the console: linking her app account to her record."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from violeta.accounts.permissions import CASE_ROLES, staff_required
from violeta.alerts.services import accounts as account_services
from violeta.core.forms import BootstrapFormMixin, PhoneField, apply_service_errors
from violeta.core.htmx import render_page
from violeta.people.selectors import access_person


class LinkForm(BootstrapFormMixin, forms.Form):
    phone = PhoneField(label=gettext_lazy("Phone number she uses in MIA"))


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def person_link(request, pk):
    person = access_person(request.user, pk, detail="vinculo MIA")
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.account_link_person(
                person=person, phone=form.cleaned_data["phone"], by=request.user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Her MIA app is now linked to her record."))
            return redirect("people:detail", pk=person.pk)
    context = {"person": person, "form": form, "title": _("Link her MIA app")}
    return render_page(request, "people/person_subform.html", context)
