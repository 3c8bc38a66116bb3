"""The MIA app (an installable PWA): one public page, its web app manifest and its service worker.

The page holds no personal data: everything she sees comes from the JSON API (/api/v1/mia/) with the device
token the app keeps in localStorage. So these views are public, and the page can be cached for offline start.
All the code is in static/alerts/mia.js (the CSP allows no inline script); the strings it shows are rendered
into the page with json_script, translated like every other string.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from violeta.alerts.models import AppDisguise
from violeta.alerts.views_timer import timer_strings

STATIC_DIR = Path(__file__).resolve().parent / "static" / "alerts"
SCOPE = "/mia/"

# The installed app's name, icon and colour for each disguise: nothing that says "alert" or "violence".
DISGUISES = {
    AppDisguise.MIA: {"icon": "alerts/icons/mia.svg", "color": "#5b2a86"},
    AppDisguise.NOTES: {"icon": "alerts/icons/notes.svg", "color": "#f5c518"},
    AppDisguise.WEATHER: {"icon": "alerts/icons/weather.svg", "color": "#2b7bd6"},
    AppDisguise.CALCULATOR: {"icon": "alerts/icons/calculator.svg", "color": "#3a3a3a"},
}


def _disguise(request) -> AppDisguise:
    value = request.GET.get("d", "")
    return AppDisguise(value) if value in AppDisguise.values else AppDisguise.MIA


def _strings() -> dict:
    """What mia.js shows, translated here (the script has no catalogue of its own)."""
    return {
        "network": _("No connection. Check your data or Wi-Fi and try again."),
        "error": _("Something went wrong. Try again."),
        "codeSent": _("We sent a code by SMS to %(phone)s."),
        "pinMismatch": _("The PINs do not match."),
        "pinFormat": _("The PIN must have 4 to 8 digits."),
        "duressSame": _("The emergency PIN must be different from your PIN."),
        "confirmed": _("Confirmed"),
        "pending": _("Waiting for confirmation"),
        "remove": _("Remove"),
        "removeConfirm": _("Remove %(name)s from your contacts?"),
        "noContacts": _("You have no contacts yet. Add at least one to use the alert."),
        "maxReached": _("You already have the maximum number of contacts."),
        "countdown": _("Sending the alert in %(s)s s"),
        "sending": _("Sending the alert…"),
        "sent": _("Alert sent to your contacts."),
        "offline": _(
            "The alert could not reach the server. We keep trying. Send an SMS from your phone now:"
        ),
        "locating": _("Looking for your location…"),
        "located": _("Location sent %(time)s (± %(m)s m)."),
        "noLocation": _("Your location is not available. Allow location access for this app."),
        "noAcks": _("Nobody has answered yet."),
        "ackBy": _("%(name)s is on her way or contacting you (%(time)s)"),
        "ended": _("The alert has ended."),
        # Per contact, the state of her messages (mia-trust.js), and the test alert.
        "ackAt": _("confirmed at %(time)s: on her way or contacting you"),
        "states": {
            "sending": pgettext("message state", "sending…"),
            "sent": pgettext("message state", "sent"),
            "delivered": pgettext("message state", "delivered"),
            "read": pgettext("message state", "read"),
            "failed": pgettext("message state", "not delivered"),
        },
        "channels": {"sms": _("SMS"), "whatsapp": _("WhatsApp")},
        "fallback": _("sent again by SMS"),
        "deliveryProblem": _("We have not been able to deliver messages to this number; check it."),
        "activeTitle": _("Alert active"),
        "testTitle": _("Test alert"),
        "testEnded": _("The test has ended. Your contacts were told."),
        "channel_sms": _("SMS"),
        "channel_whatsapp": _("WhatsApp"),
        "channel_both": _("SMS and WhatsApp"),
        "principal": _("Principal"),
        "makePrincipal": _("Make principal"),
    }


@login_not_required
@require_GET
def app(request):
    disguise = _disguise(request)
    query = f"?d={disguise.value}" if disguise != AppDisguise.MIA else ""
    context = {
        "disguise": disguise,
        "app_name": disguise.label,
        "icon": DISGUISES[disguise]["icon"],
        "theme_color": DISGUISES[disguise]["color"],
        "manifest_url": reverse("alerts:manifest") + query,
        "disguises": [(d, d.label, DISGUISES[d]["icon"]) for d in AppDisguise],
        "i18n": _strings(),
        "whatsapp": settings.MIA["WHATSAPP_ENABLED"],
        "timer_i18n": timer_strings(),
    }
    return render(request, "alerts/app/app.html", context)


@login_not_required
@require_GET
def manifest(request):
    """The web app manifest; its name and icon follow the disguise (``?d=notes|weather|calculator|mia``)."""
    disguise = _disguise(request)
    query = f"?d={disguise.value}" if disguise != AppDisguise.MIA else ""
    name = str(disguise.label)
    data = {
        "id": SCOPE,
        "name": name,
        "short_name": name,
        "start_url": reverse("alerts:app") + query,
        "scope": SCOPE,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": DISGUISES[disguise]["color"],
        "lang": "es-MX",
        "icons": [
            {
                "src": static(DISGUISES[disguise]["icon"]),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            },
            {
                "src": static(DISGUISES[disguise]["icon"]),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response


@lru_cache(maxsize=1)
def _worker_source() -> str:
    return (STATIC_DIR / "sw.js").read_text(encoding="utf-8")


def _shell() -> list[str]:
    """What the service worker caches so the app starts offline: the page and its static files."""
    return [
        reverse("alerts:app"),
        static("vendor/bootstrap/css/bootstrap.min.css"),
        static("alerts/mia.css"),
        static("alerts/mia-trust.js"),
        static("alerts/mia.js"),
        static("alerts/mia_contacts.js"),
        static("alerts/mia-timer.js"),
        *(static(d["icon"]) for d in DISGUISES.values()),
    ]


@login_not_required
@require_GET
def service_worker(request):
    """static/alerts/sw.js, with the app shell's URLs (hashed in production) and a version filled in.

    Served from /mia/ rather than /static/ so that its scope covers the app.
    """
    shell = _shell()
    source = _worker_source()
    version = hashlib.sha256((source + json.dumps(shell)).encode()).hexdigest()[:12]
    body = source.replace('"__SHELL__"', json.dumps(shell)).replace("__VERSION__", version)
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = SCOPE
    response["Cache-Control"] = "no-cache"
    return response
