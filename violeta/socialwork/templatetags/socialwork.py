from django import template

from violeta.socialwork.selectors import socialwork_panel as panel_for

register = template.Library()


@register.inclusion_tag("socialwork/panel.html", takes_context=True)
def socialwork_panel(context):
    """The case page's social-work section (levels and statuses only; the notes stay on social work's page)."""
    case = context["case"]
    return {"case": case, "panel": panel_for(case)}
