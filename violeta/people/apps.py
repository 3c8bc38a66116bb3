from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "violeta.people"
    verbose_name = _("People")

    def ready(self):
        from django.urls import reverse

        from violeta.audit import targets

        # The audit log names and links what people's reads are about (violeta/audit/targets.py).
        targets.register_link("people.person", lambda person: reverse("people:detail", args=[person.pk]))
        targets.register_name("people.search", lambda: _("Person search"))
        targets.register_name("people.duplicate_check", lambda: _("Duplicate check at intake"))
        # Beside her name wherever staff see it: how (not) to contact her (people.flags).
        from violeta.people import flags

        flags.register(flags.SAFE_CONTACT, for_people=flags.safe_contact_flags)
