"""The public site's form: she asks to be called, and says how it is safe (her voice: *tú*)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from violeta.agenda.models import CallbackKind
from violeta.core.validators import parse_phone

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
BEST_TIMES = [
    ("", _("Any time within office hours")),
    ("morning", _("In the morning (9:00 to 12:00)")),
    ("midday", _("At midday (12:00 to 15:00)")),
]


def _required(message):
    return {"required": message}


class CallbackRequestForm(forms.Form):
    """Nothing here is sent back to her: no SMS, no e-mail. ``website`` is a honeypot (a person never fills it)."""

    kind = forms.ChoiceField(
        label=_("What would you like?"),
        choices=[
            (CallbackKind.CALL, _("That you call me")),
            (CallbackKind.APPOINTMENT, _("An appointment at the institute")),
        ],
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose whether you want a call or an appointment.")),
    )
    name = forms.CharField(
        label=_("How should we call you?"),
        required=False,
        max_length=60,
        help_text=_("Optional. A first name or any name you like; it does not have to be your real one."),
        error_messages={"max_length": _("Write at most 60 characters.")},
    )
    phone = forms.CharField(
        label=_("Phone where we may call you"),
        max_length=30,
        help_text=_("10 digits, for example 614 490 0789. Give a phone that only you answer, if you can."),
        error_messages={
            "required": _("Write the phone where we may call you."),
            "max_length": _("Write 10 digits, for example 614 490 0789."),
        },
    )
    may_leave_message = forms.ChoiceField(
        label=_("If you do not answer, may we leave a message?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages=_required(_("Tell us whether we may leave a message.")),
    )
    may_send_sms = forms.ChoiceField(
        label=_("May we send you a text message (SMS)?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("Only if you ask us to later; this form never sends you anything."),
        error_messages=_required(_("Tell us whether we may send you a text message.")),
    )
    best_period = forms.ChoiceField(
        label=_("When is it safe to call you?"), choices=BEST_TIMES, required=False
    )
    best_time = forms.CharField(
        label=_("Days or hours that are best for you"),
        required=False,
        max_length=120,
        help_text=_("Optional. For example: Tuesday or Thursday, from 10:00 to 12:00."),
        error_messages={"max_length": _("Write at most 120 characters.")},
    )
    code_word = forms.CharField(
        label=_("A code word"),
        required=False,
        max_length=40,
        help_text=_("Optional. We will ask for it before we talk, to be sure it is you."),
        error_messages={"max_length": _("Write at most 40 characters.")},
    )
    reason = forms.CharField(
        label=_("What would you like to talk about?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional, and short. You can tell us more when we talk."),
        error_messages={"max_length": _("Write at most 500 characters.")},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "code_word", "best_time", "website"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["website"].widget.attrs["tabindex"] = "-1"
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_help"
        phone = self.fields["phone"].widget
        phone.input_type = "tel"
        phone.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean_phone(self):
        # The project's parsing (E.164), with her own words for the error (the shared one speaks to staff).
        try:
            return parse_phone(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(
                _("This is not a phone number we can call. Write 10 digits, for example 614 490 0789."),
                code="phone",
            ) from exc

    def full_clean(self):
        super().full_clean()
        # Each input names its help and its error (ids as in agenda/public/_field.html), for screen readers.
        for name, field in self.fields.items():
            ids = [f"id_{name}_help"] if field.help_text else []
            if name in self.errors:
                ids.append(f"id_{name}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def service_fields(self) -> dict:
        data = self.cleaned_data
        best = [
            str(dict(BEST_TIMES)[data["best_period"]]) if data.get("best_period") else "",
            data["best_time"],
        ]
        return {
            "kind": data["kind"],
            "name": data["name"],
            "phone": data["phone"],
            "may_leave_message": data["may_leave_message"] == "yes",
            "may_send_sms": data["may_send_sms"] == "yes",
            "best_time": " · ".join(part.strip() for part in best if part.strip()),
            "code_word": data["code_word"],
            "reason": data["reason"],
        }
