from django.apps import AppConfig


class PsychologyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "violeta.psychology"
    verbose_name = "Atención psicológica"

    def ready(self):
        from violeta.cases import signals, timeline
        from violeta.cases.models import EventKind

        # A case closed with a treatment plan in progress: psychology is told to record the discharge.
        signals.case_closed.connect(_case_closed, dispatch_uid="psychology.plans_pending_discharge")

        # Psychological care's lines only for those who read it (psychology on the team, its coordination,
        # the director).
        timeline.register_section(kinds={EventKind.PSYCHOLOGY}, rule=_psychology_rule)


def _case_closed(sender, *, case, **kwargs):
    from violeta.psychology.services import plans_pending_discharge_notify

    plans_pending_discharge_notify(case=case)


def _psychology_rule(user, case):
    from violeta.psychology.selectors import can_read_psychology

    return can_read_psychology(user, case)
