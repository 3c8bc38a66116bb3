from django.shortcuts import redirect
from django.template.response import TemplateResponse


def render_page(request, template: str, context: dict, *, partial: str | None = None, status: int = 200):
    """Full page for a normal request; only ``template#partial`` for an htmx request that targets it."""
    if partial and getattr(request, "htmx", False) and not request.htmx.boosted:
        template = f"{template}#{partial}"
    return TemplateResponse(request, template, context, status=status)


def redirect_after_post(request, to: str, *args, **kwargs):
    """After a successful POST: a redirect, or HX-Location for htmx so the browser history stays right."""
    response = redirect(to, *args, **kwargs)
    if getattr(request, "htmx", False):
        response.status_code = 204
        response["HX-Location"] = response["Location"]
        del response["Location"]
    return response
