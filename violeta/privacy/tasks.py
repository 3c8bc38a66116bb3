from django_tasks import task

from violeta.privacy.services import retention


@task()
def retention_run() -> dict:
    """The retention rules, daily (a cron line can run ``manage.py privacy_retention`` instead)."""
    return retention.retention_run()
