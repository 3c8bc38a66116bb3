"""What every public page shows around its content (the 9-1-1 line, the exit's destination)."""

from django.conf import settings


def public_site(request):
    return {"PUBLIC_EXIT_URL": settings.PUBLIC_EXIT_URL}
