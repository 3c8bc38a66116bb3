from django.apps import AppConfig


class PsychologyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "violeta.psychology"
    verbose_name = "Atención psicológica"

    def ready(self):
        from violeta.cases import timeline
        from violeta.cases.models import EventKind

        # Psychological care's lines only for those who read it (psychology on the team, its coordination,
        # the director).
        timeline.register_section(kinds={EventKind.PSYCHOLOGY}, rule=_psychology_rule)


def _psychology_rule(user, case):
    from violeta.psychology.selectors import can_read_psychology

    return can_read_psychology(user, case)
