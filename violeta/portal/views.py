"""The public site: pages anyone may read, without signing in (each one public on purpose). Nothing here is
cached per visitor, and nothing is loaded from another origin."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from violeta.accounts.views import home as staff_home
from violeta.agenda.hours import opening_status
from violeta.core.forms import apply_service_errors
from violeta.core.middleware import client_ip
from violeta.core.ratelimit import hit
from violeta.portal import selectors
from violeta.programs.request_forms import HONEYPOT, TrainingRequestForm
from violeta.programs.training_requests import training_request_submit

TRAINING_REQUESTS_PER_HOUR_IP = 5

# What a visitor can do from a service's page, besides reading it: (URL name, label) by the entry's slug.
ACTIONS = {
    "tarjeta": [("card:apply", "apply"), ("card:directory", "directory")],
    "mia": [("alerts:app", "mia")],
    "transversalidad": [("portal:training_request", "training")],
    "imm-en-tu-empresa": [("portal:training_request", "training")],
}


@login_not_required
def root(request):
    """``/``: the public site's home for a visitor; a signed-in staff member lands where her role works."""
    if request.user.is_authenticated:
        return staff_home(request)
    context = {"intro": selectors.site_text("inicio"), "offerings": selectors.offerings(), **_lines()}
    return render(request, "portal/home.html", context)


def _lines() -> dict:
    moment = selectors.now()
    status = opening_status(moment)
    return {"lines": selectors.phone_lines(), "status": status, "status_text": status.describe(moment)}


@login_not_required
def services(request):
    return render(request, "portal/services.html", {"offerings": selectors.offerings(), **_lines()})


@login_not_required
def service(request, slug):
    entry = selectors.offering(slug)
    return render(request, "portal/service.html", {"entry": entry, "actions": ACTIONS.get(entry.slug, [])})


@login_not_required
def contact(request):
    return render(request, "portal/contact.html", selectors.reaching_us())


@login_not_required
def safe_browsing(request):
    texts = selectors.site_texts("navega-con-seguridad", "salida-rapida")
    context = {"text": texts.get("navega-con-seguridad"), "exit_text": texts.get("salida-rapida")}
    return render(request, "portal/safe_browsing.html", context)


@login_not_required
def verify(request):
    return render(request, "portal/verify.html", {"text": selectors.site_text("verificar")})


@login_not_required
@require_http_methods(["GET", "POST"])
def training_request(request):
    """An organisation asks for a training: a honeypot, a limit per connection, a thanks page with an empty URL."""
    if request.method == "POST" and request.POST.get(HONEYPOT):
        return redirect("portal:training_request_thanks")  # a bot is thanked and nothing is kept
    form = TrainingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if (
            hit(f"training:{client_ip(request) or '-'}", 3600, prefix="portal:rl")
            > TRAINING_REQUESTS_PER_HOUR_IP
        ):
            form.add_error(None, _("Too many requests from this connection. Try again in a while."))
        else:
            try:
                training_request_submit(**form.request_fields())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return redirect("portal:training_request_thanks")
    return render(request, "portal/training_request.html", {"form": form})


@login_not_required
def training_request_thanks(request):
    return render(request, "portal/training_request_thanks.html")
