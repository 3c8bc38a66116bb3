from django.conf import settings


def institute(request):
    return {"INSTITUTE": settings.INSTITUTE}
