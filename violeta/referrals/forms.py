from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.core.forms import BootstrapFormMixin, PhoneField
from violeta.referrals.models import Institution, Outcome, Urgency


class ReferralForm(BootstrapFormMixin, forms.Form):
    """A referral from a case: what is shared is written by the worker, never copied from the file."""

    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.filter(is_active=True)
    )
    person = forms.TypedChoiceField(label=_("Who is referred"), coerce=int)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ORDINARY)
    reason = forms.CharField(
        label=_("Reason for the referral"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    shared_summary = forms.CharField(
        label=_("Summary shared with the institution"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Only what the institution needs to attend her, so she does not have to repeat her story. "
            "Nothing else of the case file is shared."
        ),
    )
    share_phone = forms.ChoiceField(
        label=_("Phone the institution may call her on"),
        choices=[
            ("none", _("None: the institution contacts her through the institute")),
            ("main", _("Her main phone")),
            ("alt", _("Her other phone")),
        ],
        initial="none",
        required=False,
        help_text=_(
            "Only with her agreement, and only if it is safe for her: it is copied into the referral."
        ),
    )
    share_contact_rules = forms.BooleanField(
        label=_("Share how and when it is safe to contact her (calls, messages, SMS, safe hours)"),
        required=False,
    )
    consent_given = forms.BooleanField(
        label=_("She consents to this referral and to sharing this summary with the institution"),
        required=False,
    )
    consent_scope = forms.CharField(
        label=_("Scope of her consent"),
        max_length=255,
        required=False,
        initial=_("Share the referral summary with the institution so that it attends her."),
    )
    override_reason = forms.CharField(
        label=_("Reason to send it without her consent (coordination or director's office only)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("It will be flagged for the director's review."),
    )

    def __init__(self, *args, parties=(), can_override=False, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            (p.person_id, f"{p.person.full_name} · {p.get_relation_display()}") for p in parties
        ]
        if not can_override or editing:
            del self.fields["override_reason"]
        if editing:
            # Who is referred is fixed by the draft; a different person is a different referral.
            del self.fields["person"]


class CancelForm(BootstrapFormMixin, forms.Form):
    # Not required here: the service says what is missing ("Say why the referral is cancelled.").
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=1000, required=False)


class SendForm(BootstrapFormMixin, forms.Form):
    override_reason = forms.CharField(
        label=_("Reason to send it without her consent (coordination or director's office only)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


ACTIONS = ("accept", "reject", "attention", "report", "no_contact")


class AnswerForm(BootstrapFormMixin, forms.Form):
    """An institution's answer: accept, reject (with the reason), in attention, report back, no contact."""

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note or reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    counter_referral = forms.CharField(
        label=_("Counter-referral: what was done"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", "—"), *Outcome.choices])
    letter = forms.FileField(label=_("Signed counter-referral letter (PDF, optional)"), required=False)


class InboundReferralForm(BootstrapFormMixin, forms.Form):
    """What a partner institution shares to refer a woman to the institute."""

    given_names = forms.CharField(label=_("Given names"), max_length=80)
    first_surname = forms.CharField(label=_("First surname"), max_length=80)
    second_surname = forms.CharField(label=_("Second surname"), max_length=80, required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    safe_to_call = forms.BooleanField(label=_("It is safe to call her at this number"), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ORDINARY)
    reason = forms.CharField(
        label=_("Reason for the referral"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    consent_given = forms.BooleanField(label=_("She agreed to be referred to the institute"), required=False)


class DismissForm(BootstrapFormMixin, forms.Form):
    why = forms.CharField(label=_("Why is it dismissed?"), max_length=500)


class InstitutionForm(BootstrapFormMixin, forms.ModelForm):
    """The fields of an institution; saved through network.institution_create/institution_update."""

    class Meta:
        model = Institution
        fields = [
            "name",
            "short_name",
            "code",
            "kind",
            "services",
            "address",
            "hours",
            "phone",
            "email",
            "contact_name",
            "response_days",
            "is_active",
        ]
        widgets = {"services": forms.Textarea(attrs={"rows": 3})}


class LiaisonLinkForm(BootstrapFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("Liaison account"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from violeta.accounts.models import Role, User

        self.fields["user"].queryset = User.objects.filter(
            is_active=True, role=Role.LIAISON, liaison__isnull=True
        )
