from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from violeta.core.forms import BootstrapFormMixin, DateTimeInput
from violeta.documents.filetypes import ACCEPT
from violeta.documents.models import EvidenceKind

EVIDENCE_ACCEPT = ".jpg,.jpeg,.png,.heic,.heif,.ogg,.oga,.opus,.m4a,.mp3"


def _mb(limit: int) -> str:
    return f"{limit / 1_048_576:g}"


class DocumentForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(
        label=_("What is it?"),
        max_length=150,
        help_text=_("For example: birth certificate, voter ID, ruling. Do not write her name."),
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    matter = forms.TypedChoiceField(label=_("Legal matter"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, matters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, Word, Excel or OpenDocument up to %(limit)s MB; JPEG, PNG or HEIC photo up to %(images)s MB; "
            "OGG, M4A or MP3 audio up to %(audio)s MB."
        ) % {
            "limit": _mb(settings.DOCUMENTS_MAX_BYTES),
            "images": _mb(settings.DOCUMENTS_IMAGE_MAX_BYTES),
            "audio": _mb(settings.DOCUMENTS_AUDIO_MAX_BYTES),
        }
        if matters is None:
            del self.fields["matter"]
        else:
            self.fields["matter"].choices = [("", _("The case file (whole team)"))] + [
                (m.pk, f"{m.get_kind_display()} · {m.get_stage_display()}") for m in matters
            ]


class _ReceivedByMixin:
    def _staff_choices(self, staff):
        self.staff = {user.pk: user for user in staff}
        self.fields["received_by"].choices = [(pk, user.full_name) for pk, user in self.staff.items()]

    def clean_received_by(self):
        return self.staff.get(self.cleaned_data.get("received_by"))


class EvidenceForm(_ReceivedByMixin, BootstrapFormMixin, forms.Form):
    """An evidence item: a photo, a screenshot or a voice message she brings, with when and who received it."""

    evidence_kind = forms.ChoiceField(
        label=_("What kind of evidence is it?"), choices=EvidenceKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("Description"),
        max_length=150,
        help_text=_(
            "For example: photo of the injury on the arm; voice message with a threat. Do not write her name."
        ),
    )
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT})
    )
    taken_at = forms.DateTimeField(
        label=_("Taken or recorded on"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("As she says. Empty: the date the photo carries, when it has one."),
    )
    received_by = forms.TypedChoiceField(label=_("Received by"), coerce=int)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self._staff_choices(staff)
        self.fields["file"].help_text = _(
            "Photo or screenshot: JPEG, PNG or HEIC, up to %(images)s MB; its location and other hidden data are "
            "removed. Voice message: OGG, M4A or MP3, up to %(audio)s MB."
        ) % {
            "images": _mb(settings.DOCUMENTS_IMAGE_MAX_BYTES),
            "audio": _mb(settings.DOCUMENTS_AUDIO_MAX_BYTES),
        }


class EvidenceEditForm(_ReceivedByMixin, BootstrapFormMixin, forms.Form):
    taken_at = forms.DateTimeField(label=_("Taken or recorded on"), required=False, widget=DateTimeInput())
    received_by = forms.TypedChoiceField(label=_("Received by"), coerce=int)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self._staff_choices(staff)


class CopyGivenForm(BootstrapFormMixin, forms.Form):
    """A copy given to a prosecutor, a court or another authority."""

    # Not required here: the service says what is missing, in words (custody_copy_given).
    recipient = forms.CharField(
        label=_("Given to"),
        required=False,
        max_length=200,
        help_text=_("Institution and person, for example: Fiscalía Especializada, Lic. Ana Ruiz."),
    )
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: investigation file."),
    )
    at = forms.DateTimeField(
        label=_("When"), required=False, widget=DateTimeInput(), help_text=_("Empty: now.")
    )
