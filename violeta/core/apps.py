from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "violeta.core"
    verbose_name = _("Core")

    def ready(self):
        from violeta.core import lookups, periodic, ratelimit, tasks

        lookups.register()
        # Finished task results would otherwise pile up for ever (django-tasks-db keeps every one).
        periodic.register("tasks_prune", 3600, tasks.prune_task_results)
        # Rate-limit windows that have passed (the database counter only; Redis expires its own keys).
        periodic.register("ratelimit_prune", 600, ratelimit.prune)
