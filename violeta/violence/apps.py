from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ViolenceConfig(AppConfig):
    name = "violeta.violence"
    verbose_name = _("Violence, risk and protection")

    def ready(self):
        from violeta.cases import signals, timeline
        from violeta.cases.models import EventKind

        # The orders' expiry reminders follow the case's team (in the team change's transaction).
        signals.case_team_changed.connect(_case_team_changed, dispatch_uid="violence.case_team_changed")

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
        # A risk level lowered below the score waits for approval when the institute configures it so.
        from violeta.cases import approvals
        from violeta.violence.services.risk import risk_override_apply

        approvals.register("risk_override", apply=risk_override_apply)

        # "Mis pendientes": follow-ups by risk level and orders about to end; flags beside her name.
        from violeta.violence import pending

        pending.register()

        # What each case's follow-up goes by, rewritten whenever a consultation, an assessment or the case changes.
        from django.db.models.signals import post_delete, post_save

        from violeta.cases.models import Case, Consultation
        from violeta.violence import followups
        from violeta.violence.models import FollowUpRule, RiskAssessment

        # The follow-up days kept per process (``followups._rule_days``): read again after any change here.
        post_save.connect(
            followups._rule_days.forget, sender=FollowUpRule, dispatch_uid="violence.rules.saved"
        )
        post_delete.connect(
            followups._rule_days.forget, sender=FollowUpRule, dispatch_uid="violence.rules.deleted"
        )
        post_save.connect(followups.case_saved, sender=Case, dispatch_uid="violence.followups.case")
        for model in (Consultation, RiskAssessment):
            post_save.connect(
                followups.part_saved, sender=model, dispatch_uid=f"violence.followups.{model.__name__}"
            )
            post_delete.connect(
                followups.part_deleted, sender=model, dispatch_uid=f"violence.followups.{model.__name__}"
            )


def _case_team_changed(sender, *, case, **kwargs):
    from violeta.violence.services.orders import case_team_changed

    case_team_changed(case=case)


def _violence_rule(user, case):
    from violeta.violence.selectors import can_view_violence

    return can_view_violence(user)
