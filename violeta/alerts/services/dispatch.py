"""The hand-off of an alert to 9-1-1 / C4, in parallel with her contacts, never instead (docs/mia.md, "Dispatch").

``alert_dispatch`` is one transaction: the outbox message (a signed webhook, an e-mail or an SMS to the dispatch
desk: ``MIA["DISPATCH_CHANNEL"]``), its ``AlertMessage`` link, the ``AlertDispatch`` with the dispatcher's own
link to the live page, a line on the alert's timeline and the audit record all commit together, or none does.
``dispatch_auto_sweep`` (run every second by the sender) hands over by itself, once, the alerts of women whose
linked case is at high risk with a protection order in force, when the institute turned ``DISPATCH_AUTO`` on.

What the hand-off carries, and nothing else: the alert's id and start, her chosen name, her latest location
(with its accuracy and time) and the live link. Not her phone: the issue lists what goes to 9-1-1, a number in a
third party's records outlives the emergency, and a call from a stranger may put her at risk; the live page and
the institute's monitors are how the dispatcher follows her.
"""

import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.alerts.models import Alert, AlertDispatch, AlertEventKind, AlertStatus
from violeta.alerts.selectors import latest_location
from violeta.alerts.services.common import conf, page_link, sms_queue
from violeta.alerts.services.events import alert_event_record
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.core.tokens import new_token, token_hash
from violeta.messaging.models import Channel, MessageKind
from violeta.messaging.text import fit, to_gsm7
from violeta.violence.selectors import high_risk_with_order_in_force

CHANNELS = (Channel.WEBHOOK, Channel.EMAIL, Channel.SMS)
PAYLOAD_VERSION = 1
# Alerts looked at by one run of the automatic rule.
AUTO_SWEEP_MAX = 200


def dispatch_configured() -> bool:
    return conf("DISPATCH_CHANNEL") in CHANNELS and bool(conf("DISPATCH_TARGET"))


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def dispatch_payload(alert: Alert, link: str) -> dict:
    """The webhook's JSON (version 1): everything a hand-off carries, documented in docs/mia.md."""
    location = latest_location(alert)
    where = None
    if location is not None:
        lat, lon = location.lat_lon
        where = {
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "accuracy_m": round(location.accuracy_m),
            "captured_at": _iso(location.captured_at),
        }
    return {
        "version": PAYLOAD_VERSION,
        "alert_id": str(alert.public_id),
        "started_at": _iso(alert.started_at),
        "name": alert.account.display_name,
        "location": where,
        "live_url": link,
        "test": alert.is_test,
    }


def _where_text(where: dict | None) -> str:
    if where is None:
        return _("no location yet")
    return _("%(lat)s, %(lon)s (accuracy %(accuracy)s m, at %(time)s)") % {
        "lat": where["lat"],
        "lon": where["lon"],
        "accuracy": where["accuracy_m"],
        "time": where["captured_at"][11:16],
    }


def dispatch_body(channel: str, payload: dict) -> str:
    """The message's body for each channel: the JSON itself, or a text with the same facts."""
    if channel == Channel.WEBHOOK:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    where = _where_text(payload["location"])
    if channel == Channel.SMS:  # one segment: the place in short ("28.636123,-106.077123 +-12m 11:21")
        spot = payload["location"]
        if spot is not None:
            where = f"{spot['lat']},{spot['lon']} +-{spot['accuracy_m']}m {spot['captured_at'][11:16]}"
        return fit(
            _("MIA 9-1-1: {name} needs help. {where}. {link}"),
            name=payload["name"],
            where=to_gsm7(where),
            link=payload["live_url"],
        )
    lines = [
        _("%(name)s sent an alert from MIA, the app of the women's institute, at %(time)s.")
        % {"name": payload["name"], "time": payload["started_at"][11:16]},
        _("Her latest location: %(where)s.") % {"where": where},
        _("Follow her location live: %(link)s") % {"link": payload["live_url"]},
        _("The institute is alerting her support network at the same time; this notice does not replace it."),
    ]
    return "\n\n".join(lines)


def alert_dispatch(*, alert: Alert, by=None, automatic: bool = False, again: bool = False) -> AlertDispatch:
    """Hand the alert to 9-1-1 / C4 through the configured channel. Once per alert unless ``again`` (the monitor
    confirmed it; audited as a resend). Never for a test alert or an ended one."""
    if not dispatch_configured():
        raise ValidationError(_("No dispatch channel is configured."), code="not_configured")
    channel = conf("DISPATCH_CHANNEL")
    with transaction.atomic():
        # The alert's row lock: the button and the automatic rule at the same moment hand it over once.
        alert = Alert.objects.select_for_update().select_related("account").get(pk=alert.pk)
        if alert.is_test:
            raise ValidationError(_("A test alert is never handed to 9-1-1."), code="test")
        if alert.status != AlertStatus.ACTIVE:
            raise ValidationError(_("The alert has ended."), code="ended")
        previous = alert.dispatches.exists()
        if previous and not again:
            raise ValidationError(_("This alert was already handed to 9-1-1."), code="already")
        token = new_token()
        link = page_link("alerts:dispatch_live", token)
        body = dispatch_body(channel, dispatch_payload(alert, link))
        message = sms_queue(
            kind=MessageKind.DISPATCH, to=conf("DISPATCH_TARGET"), body=body, alert=alert, channel=channel
        )
        dispatch = AlertDispatch.objects.create(
            alert=alert,
            channel=channel,
            message=message,
            token_hash=token_hash(token),
            automatic=automatic,
            by=by,
        )
        if automatic:
            detail = _("automatically: high-risk case with a protection order in force")
        elif previous:
            detail = _("sent again by the monitor")
        else:
            detail = _("sent by the monitor")
        alert_event_record(alert=alert, kind=AlertEventKind.DISPATCH, detail=detail, message=message, by=by)
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=dispatch,
            case_id=alert.case_id,
            detail="traspaso a 9-1-1"
            + (" (reenvío)" if previous else "")
            + (" automático" if automatic else ""),
            actor_label="" if by else "MIA (regla automática)",
        )
    return dispatch


def dispatch_auto_sweep() -> int:
    """The automatic rule (periodic, every second; also run by ``messaging_check``): active, real alerts of
    accounts linked to a person at high risk with a protection order in force, not yet handed over. Returns how
    many it handed over."""
    if not conf("DISPATCH_AUTO") or not dispatch_configured():
        return 0
    handed = AlertDispatch.objects.filter(alert=OuterRef("pk"))
    candidates = list(
        Alert.objects.filter(status=AlertStatus.ACTIVE, is_test=False, account__person__isnull=False)
        .exclude(Exists(handed))
        .order_by("started_at")
        .values_list("pk", "account__person_id")[:AUTO_SWEEP_MAX]
    )
    at_risk = high_risk_with_order_in_force({person_id for _pk, person_id in candidates})
    count = 0
    for pk, person_id in candidates:
        if person_id not in at_risk:
            continue
        try:
            alert_dispatch(alert=Alert(pk=pk), automatic=True)
        except (ValidationError, IntegrityError):  # handed over meanwhile (the button), or ended
            continue
        count += 1
    return count
