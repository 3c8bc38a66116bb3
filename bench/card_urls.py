"""Violeta's URLs plus ``POST /bench/noop``: a signed-in POST that does nothing, behind the same middleware.

The bound of bench/card_validation.py: the same session, CSRF check and middleware as a validation, no work.
"""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import path

from violeta.urls import urlpatterns as violeta_urlpatterns


@login_required
def noop(request):
    return JsonResponse({"result": "valid", "first_name": ""})


urlpatterns = [path("bench/noop", noop), *violeta_urlpatterns]
