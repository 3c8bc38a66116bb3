from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "violeta.legal"
    verbose_name = _("Legal matters")

    def ready(self):
        from violeta.agenda import sources
        from violeta.cases import timeline
        from violeta.cases.models import EventKind
        from violeta.legal.agenda import hearing_clash, hearings_for_agenda

        # Legal matters' and hearings' lines only for those who read legal matters.
        timeline.register_section(kinds={EventKind.LEGAL, EventKind.HEARING}, rule=_legal_rule)
        # The lawyers' hearings in the agenda, and no appointment booked over one.
        sources.register("legal.hearings", entries=hearings_for_agenda, clash=hearing_clash)
        # "Mis pendientes": the hearings and deadlines of the coming week.
        from violeta.legal import pending

        pending.register()


def _legal_rule(user, case):
    from violeta.legal.selectors import can_read_matters

    return can_read_matters(user)
