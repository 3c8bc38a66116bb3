from django import template

from violeta.programs.course_selectors import case_enrollments

register = template.Library()


@register.simple_tag(takes_context=True)
def case_courses(context, case):
    """Her participation in the courses, for her case page, or ``None`` when the user may not see the case."""
    return case_enrollments(context["request"].user, case)
