from django import template

from violeta.violence import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def violence_section(context):
    """The violence part of the case page, from the violence selectors (None for roles that do not see it)."""
    request, case = context.get("request"), context.get("case")
    if request is None or case is None:
        return None
    return selectors.violence_section(request.user, case)


@register.filter
def answer_class(answer: str) -> str:
    return {"yes": "text-bg-danger", "no": "text-bg-light", "unknown": "text-bg-warning"}.get(answer, "")
