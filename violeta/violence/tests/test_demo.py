import io

from django.core.management import call_command
from django.db.models import F

from violeta.accounts.models import User
from violeta.cases.models import Case
from violeta.notifications.models import Notification
from violeta.violence.models import ProtectionOrder, RiskAssessment, SafetyPlan, TraffickingScreening
from violeta.violence.selectors import expiring_orders


def test_demo_has_violence_risk_priority_and_an_order_about_to_expire(db):
    call_command("demo_data", stdout=io.StringIO())
    lawyer = User.objects.get(email__startswith="abogada@")
    assert RiskAssessment.objects.filter(is_alarm=True).count() >= 3
    assert RiskAssessment.objects.exclude(final_level=F("computed_level")).exists()
    priority = Case.objects.filter(is_priority=True)
    assert priority.count() >= 3
    assert all(case.team_members.filter(user=lawyer).exists() for case in priority)
    assert SafetyPlan.objects.count() == 1
    assert TraffickingScreening.objects.filter(flagged=True).count() == 1
    (soon,) = expiring_orders(lawyer, days=10)
    assert soon.status == ProtectionOrder.Status.GRANTED
    assert Notification.objects.filter(
        recipient=lawyer, key__startswith=f"violence.order:{soon.pk}:"
    ).exists()
