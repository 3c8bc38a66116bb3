from django_tasks import task

from violeta.privacy import services


@task()
def retention_run() -> dict:
    """The retention rules, daily (a cron line can run ``manage.py privacy_retention`` instead)."""
    return services.retention_run()
