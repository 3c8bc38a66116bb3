"""Public on purpose: her request to be called back, and the thanks page. POST only carries her data; the
thanks page's address says nothing about her; nothing is ever sent to her from here."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from violeta.agenda import callbacks, conf
from violeta.agenda.forms_public import CallbackRequestForm
from violeta.agenda.hours import opening_status
from violeta.agenda.models import PhoneLine
from violeta.core import ratelimit
from violeta.core.forms import apply_service_errors
from violeta.core.middleware import client_ip

RATE_WINDOW = 3600


def _over_limit(request) -> bool:
    """One more request from this connection in the hour; True when it is over the limit (nothing is stored)."""
    address = client_ip(request) or "-"
    count = ratelimit.hit(f"callback:{address}", RATE_WINDOW, prefix="agenda:rl")
    return count > conf.get_int("AGENDA_CALLBACKS_PER_HOUR")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def callback_request(request):
    form = CallbackRequestForm(request.POST or None)
    limited = False
    if request.method == "POST" and form.is_valid():
        if _over_limit(request):
            limited = True
            form.add_error(
                None,
                _(
                    "We have received several requests from this connection. Wait an hour and try again, or "
                    "call us. If you are in danger, call 9-1-1."
                ),
            )
        elif form.is_bot():
            return redirect("agenda:callback_thanks")  # looks like success; nothing is stored
        else:
            try:
                callbacks.callback_request_submit(**form.service_fields())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return redirect("agenda:callback_thanks")
    context = {
        "form": form,
        "limited": limited,
        "lines": PhoneLine.objects.filter(is_active=True),
    }
    return render(request, "agenda/public/callback_request.html", context, status=429 if limited else 200)


@login_not_required
@never_cache
def callback_thanks(request):
    now = timezone.now()
    status = opening_status(now)
    context = {
        "status": status,
        "status_text": status.describe(now),
        "lines": PhoneLine.objects.filter(is_active=True),
    }
    return render(request, "agenda/public/callback_thanks.html", context)
