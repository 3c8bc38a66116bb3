"""MIA outside the app: the contact's live page and invitation, the SMS provider's webhooks, and the console.

The contact's pages are public on purpose (she has only the unguessable link in her SMS) and show nothing of
the woman but the name she chose. The console is for alert monitors and the director; every read goes through
``console_alerts``/``access_alert``, which audit it.
"""

import logging
import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from violeta.accounts.permissions import CASE_ROLES, staff_required
from violeta.alerts import console_map, selectors
from violeta.alerts.forms import AlertCloseForm
from violeta.alerts.models import AlertStatus
from violeta.alerts.selectors import CONSOLE_ROLES
from violeta.alerts.services import alerts as alert_services
from violeta.alerts.services import contacts as contact_services
from violeta.cases.selectors import access_case, can_view_case, case_by_folio
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.core.validators import mask_phone
from violeta.messaging import alarms
from violeta.messaging.health import GAVE_UP_SHOWN_FOR, duration
from violeta.messaging.views import signed_by_twilio

logger = logging.getLogger(__name__)

# htmx stops polling when a response has this status (the alert has ended: nothing more will change).
HTMX_STOP_POLLING = 286
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
OSM_URL = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


# --- Presentation helpers --------------------------------------------------------------------------------------


def age(then: datetime | None, now: datetime) -> str:
    """How long ago, as people say it: "hace 40 s", "hace 2 min", "hace 1 h 5 min"."""
    if then is None:
        return ""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return _("%(n)d s ago") % {"n": seconds}
    if seconds < 3600:
        return _("%(n)d min ago") % {"n": seconds // 60}
    return _("%(h)d h %(m)d min ago") % {"h": seconds // 3600, "m": seconds % 3600 // 60}


@dataclass(frozen=True)
class Position:
    """A location as the pages show it: 5 decimals (about a metre), accuracy, age and links to a map app."""

    lat: float
    lon: float
    accuracy_m: float
    captured_at: datetime
    age: str

    @property
    def lat_text(self) -> str:
        return f"{self.lat:.5f}"

    @property
    def lon_text(self) -> str:
        return f"{self.lon:.5f}"

    @property
    def geo_url(self) -> str:
        return f"geo:{self.lat_text},{self.lon_text}"

    @property
    def osm_url(self) -> str:
        return OSM_URL.format(lat=self.lat_text, lon=self.lon_text)


def _position(location, now) -> Position | None:
    if location is None:
        return None
    lat, lon = location.lat_lon
    return Position(lat, lon, location.accuracy_m, location.captured_at, age(location.captured_at, now))


def _plot(positions: list[Position], *, size: int = 300, pad: int = 20) -> dict | None:
    """The positions (oldest first) projected into a square SVG, so the console draws a map without tiles."""
    if not positions:
        return None
    kx = math.cos(math.radians(sum(p.lat for p in positions) / len(positions)))
    xs = [p.lon * kx for p in positions]
    ys = [-p.lat for p in positions]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.0005)  # at least ~50 m across
    scale = (size - 2 * pad) / span
    dx = pad + ((size - 2 * pad) - (max(xs) - min(xs)) * scale) / 2
    dy = pad + ((size - 2 * pad) - (max(ys) - min(ys)) * scale) / 2
    points = [
        (round(dx + (x - min(xs)) * scale, 1), round(dy + (y - min(ys)) * scale, 1))
        for x, y in zip(xs, ys, strict=True)
    ]
    return {
        "size": size,
        "points": points[:-1],
        "latest": points[-1],
        "polyline": " ".join(f"{x},{y}" for x, y in points),
        "span_m": round(span * 111_320),
    }


def _escalation_label(alert) -> str:
    if alert.escalation_reason == "duress":
        return _("Duress PIN")
    if alert.escalation_reason == "no_ack":
        return _("No answer in %(n)d min") % {"n": max(1, settings.MIA["ESCALATE_AFTER_SECONDS"] // 60)}
    return alert.escalation_reason


def _private(response):
    """The contact's pages: never cached, never indexed, and her link never leaks through a Referer.

    "same-origin" rather than "no-referrer": with "no-referrer" browsers send ``Origin: null`` on the page's own
    POST (the acknowledgement), which Django's CSRF check rightly refuses. "same-origin" sends the address only
    back to Violeta, which knows the token anyway, and nothing to OpenStreetMap or any other site.
    """
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- The contact's live page -----------------------------------------------------------------------------------


def _live_context(recipient, token: str) -> dict:
    """``token`` is the one in the address she opened: only its hash is stored."""
    alert = recipient.alert
    now = timezone.now()
    on_the_way = alert.recipients.filter(acknowledged_at__isnull=False).select_related("contact")
    return {
        "token": token,
        "name": alert.account.display_name,
        "started_at": alert.started_at,
        "started_age": age(alert.started_at, now),
        "position": _position(selectors.latest_location(alert), now),
        "on_the_way": [
            r.contact.name.split()[0] for r in on_the_way.order_by("acknowledged_at") if r.contact.name
        ],
        "acknowledged": recipient.acknowledged_at is not None,
        "now": now,
    }


@login_not_required
@require_GET
def live(request, token):
    """What a contact sees when she opens the link of the alert SMS."""
    recipient = selectors.live_recipient(token)
    return _private(TemplateResponse(request, "alerts/live/live.html", _live_context(recipient, token)))


@login_not_required
@require_GET
def live_state(request, token):
    """htmx: the changing part of the live page. Once the alert ends, says so and stops the polling."""
    try:
        recipient = selectors.live_recipient(token)
    except Http404:
        if not request.htmx:
            raise
        return _private(
            TemplateResponse(request, "alerts/live/live.html#ended", {}, status=HTMX_STOP_POLLING)
        )
    return _private(TemplateResponse(request, "alerts/live/live.html#state", _live_context(recipient, token)))


@login_not_required
@require_POST
def live_ack(request, token):
    """ "Voy en camino / la estoy contactando": she and the console see that someone is on it."""
    recipient = selectors.live_recipient(token)
    try:
        alert_services.alert_acknowledge(recipient=recipient, via="link")
    except ValidationError as exc:  # ended between the page load and the press
        raise Http404 from exc
    messages.success(request, _("Thank you. She and the institute's staff can see that you are on your way."))
    return _private(redirect("alerts:live", token=token))


# --- The contact's invitation ----------------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def contact_confirm(request, token):
    """The link of the invitation SMS: the contact agrees to be in her support network."""
    contact = selectors.invited_contact(token)
    if request.method == "POST":
        contact_services.contact_confirm(token=token, via="link")
        return _private(redirect("alerts:contact_confirm", token=token))
    context = {"name": contact.account.display_name, "confirmed": contact.confirmed_at is not None}
    return _private(TemplateResponse(request, "alerts/live/confirm.html", context))


# --- The SMS provider's webhooks -------------------------------------------------------------------------------


@csrf_exempt
@login_not_required
@require_POST
def sms_inbound(request):
    """A text message to our number: a contact replying to an alert acknowledges it."""
    if not signed_by_twilio(request):
        return HttpResponseForbidden()
    alert_services.sms_inbound(from_phone=request.POST.get("From", ""), body=request.POST.get("Body", ""))
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


# --- The console -----------------------------------------------------------------------------------------------


def _list_context(request) -> dict:
    alerts = selectors.console_alerts(request.user)
    now = timezone.now()
    for alert in alerts:
        alert.location_age = age(alert.last_location_at, now)
        alert.escalation_label = _escalation_label(alert) if alert.escalated_at else ""
    return {"alerts": alerts, "now": now, "outbox_alarm": _outbox_alarm(request.user)}


def _outbox_alarm(user) -> dict | None:
    """The console's red banner when text messages are not going out (the sender stopped, messages wait too
    long) or some gave up. Each poll also runs, at most every few seconds, the check that e-mails the monitors
    on duty (violeta.messaging.alarms): the console does not depend on the sender to say it stopped."""
    state = alarms.console_state()
    if not state.database:
        return None  # the page itself cannot be built: Django's 503 says it
    lines = []
    if not state.sender_ok:
        if state.heartbeat_age is None:
            lines.append(
                _("Text messages are not going out: the sender has never started. Tell the systems staff.")
            )
        else:
            lines.append(
                _(
                    "Sending text messages has been stopped for %(duration)s: messages are not going out. "
                    "Tell the systems staff."
                )
                % {"duration": duration(state.heartbeat_age)}
            )
    if not state.outbox_ok:
        lines.append(
            ngettext(
                "%(count)d text message has been waiting to go out for %(duration)s. Tell the systems staff.",
                "%(count)d text messages are waiting to go out, the oldest for %(duration)s. Tell the systems "
                "staff.",
                state.due,
            )
            % {"count": state.due, "duration": duration(state.oldest_due_age)}
        )
    if lines:
        lines.append(
            _("Meanwhile, follow up the active alerts: their contacts may not have received the SMS.")
        )
    gave_up_alerts = []
    if state.gave_up_recent:
        lines.append(
            ngettext(
                "%(count)d text message could not be sent after every attempt in the last 24 hours.",
                "%(count)d text messages could not be sent after every attempt in the last 24 hours.",
                state.gave_up_recent,
            )
            % {"count": state.gave_up_recent}
        )
        gave_up_alerts = selectors.alerts_with_gave_up_messages(
            user, since=state.checked_at - GAVE_UP_SHOWN_FOR
        )
    if not lines:
        return None
    return {"lines": lines, "gave_up_alerts": gave_up_alerts}


@staff_required(CONSOLE_ROLES)
@require_GET
def console(request):
    """Every active alert, refreshed by htmx polling: duress first, then those raised for lack of answer."""
    return render_page(request, "alerts/console/console.html", _list_context(request), partial="list")


@staff_required(CONSOLE_ROLES)
@require_GET
def console_list(request):
    """htmx: the rows of the console, polled every few seconds."""
    return TemplateResponse(request, "alerts/console/console.html#list", _list_context(request))


def _timeline(alert, now) -> list[dict]:
    """Everything that happened to the alert, newest first, from the rows ``access_alert`` prefetched."""
    events = [{"at": alert.started_at, "kind": "start"}]
    for location in alert.locations.all():
        events.append({"at": location.captured_at, "kind": "location", "position": _position(location, now)})
    shown = {
        event.message_id for event in alert.events.all()
    }  # a call or a fallback: its event's line shows it
    for link in alert.message_links.all():
        if link.message_id not in shown:
            events.append({"at": link.message.created_at, "kind": "message", "message": link.message})
    for recipient in alert.recipients.all():
        if recipient.acknowledged_at:
            events.append({"at": recipient.acknowledged_at, "kind": "ack", "recipient": recipient})
    for event in alert.events.all():  # fallbacks, voice calls, hand-offs to 9-1-1, the trip timer
        if event.message is not None:
            event.message.masked_phone = mask_phone(event.message.to_phone)
        events.append({"at": event.at, "kind": "event", "event": event})
    if alert.escalated_at:
        events.append({"at": alert.escalated_at, "kind": "escalation", "label": _escalation_label(alert)})
    if alert.ended_at:
        events.append({"at": alert.ended_at, "kind": "end"})
    events.sort(key=lambda event: event["at"], reverse=True)
    return events


def _detail_context(alert, form=None) -> dict:
    now = timezone.now()
    locations = list(alert.locations.all())
    positions = [_position(location, now) for location in locations]
    recipients = list(alert.recipients.all())
    via = {"link": _("live page"), "sms": _("SMS reply")}
    latest = {}  # each contact's latest message (the links come in message order)
    for link in alert.message_links.all():
        link.message.masked_phone = mask_phone(link.message.to_phone)
        if link.recipient_id:
            latest[link.recipient_id] = link.message
    for recipient in recipients:
        recipient.via_label = via.get(recipient.acknowledged_via, recipient.acknowledged_via)
        recipient.latest_message = latest.get(recipient.pk)
    return {
        "alert": alert,
        "now": now,
        "position": positions[0] if positions else None,
        "positions": positions,
        "plot": _plot(positions[::-1]),
        "trail": console_map.trail(positions[::-1]),
        "map": console_map.config(),
        "recipients": recipients,
        "n_acks": sum(1 for r in recipients if r.acknowledged_at),
        "escalation_label": _escalation_label(alert) if alert.escalated_at else "",
        "timeline": _timeline(alert, now),
        "form": form or AlertCloseForm(),
        "can_close": alert.status != AlertStatus.CLOSED,
    }


@staff_required(CONSOLE_ROLES)
@require_GET
def console_detail(request, public_id):
    alert = selectors.access_alert(request.user, public_id)
    response = render_page(request, "alerts/console/detail.html", _detail_context(alert), partial="timeline")
    return console_map.allow_tiles(response)


@staff_required(CONSOLE_ROLES)
@require_GET
def console_timeline(request, public_id):
    """htmx: map and timeline of one alert, polled; the polling stops once the alert has ended."""
    alert = selectors.access_alert(request.user, public_id)
    status = HTMX_STOP_POLLING if request.htmx and not alert.is_active else 200
    return TemplateResponse(
        request, "alerts/console/detail.html#timeline", _detail_context(alert), status=status
    )


@staff_required(CONSOLE_ROLES)
@require_POST
def console_close(request, public_id):
    """Close the alert with its outcome. A case file the user may see is linked at once; one she may not see (a
    monitor sees none) is asked of its team, who confirm it: she types the folio and never reads the case."""
    alert = selectors.access_alert(request.user, public_id)
    form = AlertCloseForm(request.POST)
    if form.is_valid():
        case, ask_case = None, None
        folio = form.cleaned_data["folio"]
        if folio:
            target = case_by_folio(folio)
            if target is None:
                form.add_error("folio", _("There is no case file with that folio."))
            elif can_view_case(request.user, target):
                case = access_case(request.user, folio, detail="vincular alerta MIA")
            else:
                ask_case = target
        if form.is_valid():
            try:
                alert_services.alert_close(
                    alert=alert,
                    by=request.user,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    case=case,
                    ask_case=ask_case,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Alert closed."))
                if ask_case is not None:
                    messages.info(
                        request, _("The link was asked of the case file's team; they will confirm it.")
                    )
                return redirect("alerts:console_detail", public_id=alert.public_id)
    return render_page(request, "alerts/console/detail.html", _detail_context(alert, form))


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def case_link_review(request, public_id):
    """The case team confirms or declines a link asked for by the MIA monitoring: the page shows the alert's
    time and outcome only (her MIA account and locations stay in the console)."""
    alert = selectors.alert_for_link_review(request.user, public_id)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("confirm", "decline"):
            raise Http404
        alert_services.alert_case_link_decide(alert=alert, by=request.user, confirm=decision == "confirm")
        if decision == "confirm":
            messages.success(request, _("The alert was linked to the case file."))
        else:
            messages.info(request, _("The link was declined."))
        return redirect("cases:detail", folio=alert.pending_case.folio)
    return render_page(request, "alerts/case_link_review.html", {"alert": alert, "case": alert.pending_case})
