"""Thin task wrappers around the services: safe to run twice, as the database worker may."""

from django_tasks import task

from violeta.referrals import services


@task()
def referral_overdue_check(referral_id: int) -> None:
    services.referral_overdue_check_run(referral_id=referral_id)
