from django import template

from violeta.psychology.selectors import psychology_panel as panel_for

register = template.Library()


@register.inclusion_tag("psychology/panel.html", takes_context=True)
def psychology_panel(context):
    """The case page's psychology section: the case and user come from the case page's context."""
    case = context["case"]
    return {"case": case, "panel": panel_for(context["request"].user, case)}
