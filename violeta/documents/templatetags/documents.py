from django import template

from violeta.documents.selectors import case_documents, matter_documents

register = template.Library()


@register.simple_tag(takes_context=True)
def case_document_list(context, case):
    """The documents of a case the current user may read (the case page has already checked the case)."""
    return case_documents(context["request"].user, case)


@register.simple_tag
def matter_document_list(matter):
    return matter_documents(matter)
