from django import template

from violeta.accounts.models import AREA_ROLES, Role
from violeta.cases import approvals, plan

register = template.Library()


@register.simple_tag(takes_context=True)
def case_plan_section(context):
    """The case plan and the approval requests for the case page (None for roles that do not read the plan).
    The case was read through ``access_case``, which checked and audited it."""
    request, case = context.get("request"), context.get("case")
    if request is None or case is None:
        return None
    user = request.user
    if user.role not in AREA_ROLES and user.role != Role.DIRECTOR:
        return None
    return {
        "plan": plan.plan_of(case),
        "waiting": approvals.case_waiting(case),
        "can_write": plan.may_write_plan(user, case),
    }
