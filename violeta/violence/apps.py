from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ViolenceConfig(AppConfig):
    name = "violeta.violence"
    verbose_name = _("Violence, risk and protection")

    def ready(self):
        from violeta.cases import timeline
        from violeta.cases.models import EventKind

        # The violence section's lines (risk level, modality, trafficking, orders, priority) for its readers only.
        timeline.register_section(
            kinds={
                EventKind.VIOLENCE,
                EventKind.RISK,
                EventKind.SAFETY_PLAN,
                EventKind.PROTECTION_ORDER,
                EventKind.PRIORITY,
            },
            rule=_violence_rule,
        )


def _violence_rule(user, case):
    from violeta.violence.selectors import can_view_violence

    return can_view_violence(user)
