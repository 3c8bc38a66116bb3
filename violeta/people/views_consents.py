"""Her consents: recording one at the desk (signature drawn on the tablet, or verbal before a witness), reading
one, withdrawing it, her signature through an audited view, and the director's default validity per purpose."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.models import Role
from violeta.accounts.permissions import CASE_ROLES, staff_required
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.people import selectors, services
from violeta.people.consent_forms import ConsentForm, ConsentValidityForm, ConsentWithdrawForm
from violeta.people.consents import default_validity
from violeta.people.models import ConsentPurpose


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def consent_add(request, pk):
    person = selectors.access_person(request.user, pk, detail="consentimientos")
    initial = {"given_on": timezone.localdate()}
    form = ConsentForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.consent_record(person=person, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("people:consent_detail", pk=person.pk, consent_pk=consent.pk)
    validity = default_validity()
    defaults = [(label, validity.get(value)) for value, label in ConsentPurpose.choices]
    context = {"person": person, "form": form, "defaults": defaults, "title": _("Record consent")}
    return render_page(request, "people/consent_form.html", context)


@staff_required(CASE_ROLES)
def consent_detail(request, pk, consent_pk):
    consent = selectors.access_consent(request.user, pk, consent_pk)
    context = {"person": consent.person, "consent": consent, "withdraw_form": ConsentWithdrawForm()}
    return render_page(request, "people/consent_detail.html", context)


@staff_required(CASE_ROLES)
@require_POST
def consent_withdraw(request, pk, consent_pk):
    consent = selectors.access_consent(request.user, pk, consent_pk, detail="retiro del consentimiento")
    form = ConsentWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.consent_withdraw(consent=consent, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Consent withdrawn: it no longer holds, from now on."))
            return redirect("people:consent_detail", pk=pk, consent_pk=consent.pk)
    context = {"person": consent.person, "consent": consent, "withdraw_form": form}
    return render_page(request, "people/consent_detail.html", context)


@staff_required(CASE_ROLES)
def consent_signature(request, pk, consent_pk):
    """Her signature (PNG), only through this view: permission-checked and the read audited."""
    png = selectors.access_consent_signature(request.user, pk, consent_pk)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_required({Role.DIRECTOR})
@require_http_methods(["GET", "POST"])
def consent_validity(request):
    """The director sets how long a consent for each purpose holds by default."""
    current = default_validity()
    form = ConsentValidityForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for purpose, months in form.cleaned_data.items():
            if current.get(purpose) != months or purpose not in current:
                services.consent_validity_set(by=request.user, purpose=purpose, months=months)
        messages.success(request, _("Default validity of consents saved."))
        return redirect("people:consent_validity")
    return render_page(request, "people/consent_validity.html", {"form": form})
