"""The 403 and 404 pages (HTML, or the API's JSON error for /api/ paths); 400 and 500 are in ``core.errors``."""

from django.shortcuts import render

from violeta.core import errors


def forbidden(request, exception=None):
    if errors.is_api(request):
        return errors.api_error(403, errors.detail_for_status(403), "forbidden")
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    if errors.is_api(request):
        return errors.api_error(404, errors.detail_for_status(404), "not_found")
    return render(request, "404.html", status=404)
