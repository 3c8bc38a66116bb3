from django.template.response import TemplateResponse


def render_page(request, template: str, context: dict, *, partial: str | None = None, status: int = 200):
    """Full page for a normal request; only ``template#partial`` for an htmx request that targets it."""
    if partial and getattr(request, "htmx", False) and not request.htmx.boosted:
        template = f"{template}#{partial}"
    return TemplateResponse(request, template, context, status=status)
