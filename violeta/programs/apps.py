from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "violeta.programs"
    verbose_name = _("Programs and trainings")

    def ready(self):
        from violeta.people import signals as people_signals
        from violeta.programs import courses

        # A withdrawn consent ends the course place that stood on it (issue 20).
        people_signals.consent_withdrawn.connect(
            courses.on_consent_withdrawn, dispatch_uid="programs.enrollment_consent_withdrawn"
        )
