from django import template

from violeta.legal.selectors import case_matters

register = template.Library()


@register.simple_tag(takes_context=True)
def case_legal_matters(context, case):
    """The legal matters of a case for its page, or ``None`` when the user's area may not read them."""
    return case_matters(context["request"].user, case)
