"""The director's page of follow-up rules: how many days a case of each risk level may go without a
consultation before it appears in its team's "Mis pendientes"."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from violeta.accounts.permissions import staff_required
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.violence import followups


class FollowUpRulesForm(forms.Form):
    """One number of days per level, built from the rules."""

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        for rule in rules:
            self.fields[rule.level] = forms.IntegerField(
                label=rule.label,
                min_value=1,
                max_value=365,
                initial=rule.days,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
                help_text=gettext_lazy("days without a consultation"),
            )


@staff_required(followups.EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def followup_rules(request):
    rules = followups.rules()
    form = FollowUpRulesForm(request.POST or None, rules=rules)
    if request.method == "POST" and form.is_valid():
        try:
            followups.rules_update(by=request.user, days=form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Follow-up rules saved."))
            return redirect("violence:followup_rules")
    return render_page(request, "violence/followup_rules.html", {"form": form})
