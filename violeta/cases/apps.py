from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "violeta.cases"
    verbose_name = _("Case files")

    def ready(self):
        from django.urls import reverse

        from violeta.audit import targets
        from violeta.cases.selectors import connect_exception_signals, visible_cases
        from violeta.notifications import visibility
        from violeta.people import visibility as people_visibility

        # A break-glass grant or a protocol designation saved or deleted: the memoised cases rules are rebuilt.
        connect_exception_signals()
        # Notices about a case reach, and are shown to, only the staff who may see the case.
        visibility.register_case_rule(visible_cases)
        # The audit log links a line about a case to the case (whose page checks who may read it).
        targets.register_link("cases.case", lambda case: reverse("cases:detail", args=[case.folio]))
        # A person is seen by those who may see one of her cases.
        people_visibility.register_case_rule(visible_cases)
        # Approvals of the case plan and the closings; their items (and overdue plan services) in Mis pendientes.
        from violeta.cases import approvals

        approvals.register_defaults()
        # Beside her name: internal protocol, children in the case; her reminders in "Mis pendientes".
        from violeta.cases import flags

        flags.register()
        # Whether any custom intake field exists, kept per process: read again after any change here.
        from django.db.models.signals import post_delete, post_save

        from violeta.cases import intake_fields
        from violeta.cases.field_models import CustomField

        forget = intake_fields.custom_fields_exist.forget
        post_save.connect(forget, sender=CustomField, dispatch_uid="cases.custom_fields.saved")
        post_delete.connect(forget, sender=CustomField, dispatch_uid="cases.custom_fields.deleted")
