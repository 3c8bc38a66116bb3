"""Forms of the case plan and of approvals."""

from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import Area
from violeta.cases.approval_models import ApprovalStep, Approver
from violeta.cases.forms import StaffChoiceField
from violeta.cases.plan_models import ServiceStatus
from violeta.core.forms import BootstrapFormMixin, DateInput


class GoalForm(BootstrapFormMixin, forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.order_by("name"))
    description = forms.CharField(
        label=_("Goal agreed with her"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ServiceForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(
        label=_("Service planned"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    responsible = StaffChoiceField(label=_("Responsible professional"), queryset=None)
    target_date = forms.DateField(label=_("Target date"), widget=DateInput())
    status = forms.ChoiceField(
        label=_("Status"), choices=ServiceStatus.choices, initial=ServiceStatus.PLANNED
    )
    review_date = forms.DateField(label=_("Review date"), widget=DateInput(), required=False)

    def __init__(self, *args, responsible_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = responsible_choices.select_related("area").order_by("full_name")


class SubmitForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note for who approves (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )


class DecideForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return with a comment"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Required to return it: what needs to change."),
    )


class RulesForm(BootstrapFormMixin, forms.Form):
    """One choice per step: who approves it."""

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        for rule in rules:
            self.fields[rule.step] = forms.ChoiceField(
                label=ApprovalStep(rule.step).label,
                choices=Approver.choices,
                initial=rule.approver,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
