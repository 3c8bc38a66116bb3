"""The SMS provider, the outbox's sender and MIA's limits: a part of the settings (violeta/settings/__init__.py)."""

import os

from violeta.settings.env import PRODUCTION, VAR_DIR, env_bool, env_float

_SQLITE = os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite")

# --- SMS (MIA) ---------------------------------------------------------------------------------------------
# Like EMAIL_BACKEND: console (development), file (JSON lines, shared by web and worker), locmem (tests), or
# Twilio's REST API in production.
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND",
    "violeta.messaging.backends.twilio.TwilioBackend"
    if PRODUCTION
    else "violeta.messaging.backends.console.ConsoleBackend",
)
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms.jsonl"))
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM = os.environ.get("TWILIO_FROM", "")
TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "https://api.twilio.com")
# The number MIA's voice calls come from (VOICE_BACKEND twilio_voice.TwilioVoiceBackend); TWILIO_FROM when empty.
TWILIO_VOICE_FROM = os.environ.get("TWILIO_VOICE_FROM", "")

# --- WhatsApp Business Cloud API (violeta.messaging.backends.whatsapp; docs/messaging.md) ------------------------
# Graph API base and version (a local fake in tests and benchmarks), the bearer token, the sending number's id, the
# app secret that signs the status webhooks (X-Hub-Signature-256) and the token of the webhook's GET verification.
WHATSAPP_API_BASE = os.environ.get("WHATSAPP_API_BASE", "https://graph.facebook.com")
WHATSAPP_API_VERSION = os.environ.get("WHATSAPP_API_VERSION", "v21.0")
WHATSAPP_TOKEN = os.environ.get("WHATSAPP_TOKEN", "")
WHATSAPP_PHONE_NUMBER_ID = os.environ.get("WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_APP_SECRET = os.environ.get("WHATSAPP_APP_SECRET", "")
WHATSAPP_VERIFY_TOKEN = os.environ.get("WHATSAPP_VERIFY_TOKEN", "")
# The approved template of each kind of message (language es_MX): its body parameters are her chosen name and,
# but for "cancelled", the live page's link. A test alert's messages use the "_test" ones, whose text says PRUEBA.
WHATSAPP_LANGUAGE = os.environ.get("WHATSAPP_LANGUAGE", "es_MX")
WHATSAPP_TEMPLATES = {
    "alert": os.environ.get("WHATSAPP_TEMPLATE_ALERT", "mia_alerta"),
    "location": os.environ.get("WHATSAPP_TEMPLATE_LOCATION", "mia_ubicacion"),
    "cancelled": os.environ.get("WHATSAPP_TEMPLATE_CANCELLED", "mia_cancelada"),
    "alert_test": os.environ.get("WHATSAPP_TEMPLATE_ALERT_TEST", "mia_alerta_prueba"),
    "location_test": os.environ.get("WHATSAPP_TEMPLATE_LOCATION_TEST", "mia_ubicacion_prueba"),
    "cancelled_test": os.environ.get("WHATSAPP_TEMPLATE_CANCELLED_TEST", "mia_cancelada_prueba"),
}

# --- The outbox's other channels (docs/messaging.md): WhatsApp, voice calls, webhooks, e-mail ----------------
# Each has its backend, like SMS_BACKEND. The console/file/locmem backends serve every channel in development and
# tests; production names the real ones (an institute switches a channel on in MIA below).
_DEV_BACKEND = "violeta.messaging.backends.console.ConsoleBackend"
MESSAGING_BACKENDS = {
    "whatsapp": os.environ.get("WHATSAPP_BACKEND", _DEV_BACKEND),
    "voice": os.environ.get("VOICE_BACKEND", _DEV_BACKEND),
    # The hand-off to 9-1-1 / C4 (MIA["DISPATCH_*"] below): a signed POST, or an e-mail through EMAIL_BACKEND.
    "webhook": os.environ.get(
        "WEBHOOK_BACKEND", "violeta.messaging.backends.webhook.WebhookBackend" if PRODUCTION else _DEV_BACKEND
    ),
    "email": os.environ.get(
        "EMAIL_MESSAGE_BACKEND",
        "violeta.messaging.backends.email.EmailBackend" if PRODUCTION else _DEV_BACKEND,
    ),
}


# The outbox's sender process (manage.py messaging_sender; docs/deployment.md). Every timing from the environment.
MESSAGING = {
    # A claimed message is held this long; after it, a sweep asks the provider and records or resends it. Must
    # exceed SEND_TIMEOUT_SECONDS: a request still waiting for its answer is never recovered under it.
    "LEASE_SECONDS": env_float("MESSAGING_LEASE_SECONDS", 15),
    # One provider request waits this long for its answer; then the message's fate is "unknown" (asked later).
    "SEND_TIMEOUT_SECONDS": env_float("MESSAGING_SEND_TIMEOUT_SECONDS", 10),
    # A remote provider may take a request in after the sender stopped waiting for it (the request sat in its
    # queue; the sender died or timed out): asked before this long after the attempt was claimed, "not there" is
    # asked again at that moment instead of sending it twice. Must exceed SEND_TIMEOUT_SECONDS.
    "SETTLE_SECONDS": env_float("MESSAGING_SETTLE_SECONDS", 30),
    # After a refusal: BACKOFF * 2^(attempt - 1), at most BACKOFF_MAX; after MAX_ATTEMPTS it gives up.
    "BACKOFF_SECONDS": env_float("MESSAGING_BACKOFF_SECONDS", 15),
    "BACKOFF_MAX_SECONDS": env_float("MESSAGING_BACKOFF_MAX_SECONDS", 15 * 60),
    "MAX_ATTEMPTS": int(os.environ.get("MESSAGING_MAX_ATTEMPTS", "6")),
    # Requests in flight at once in one sender (threads; each waits on the network, not the CPU).
    "CONCURRENCY": int(os.environ.get("MESSAGING_CONCURRENCY", "256")),
    # How often the sender looks for due messages without a wake-up (PostgreSQL wakes it at once on commit).
    "POLL_SECONDS": env_float("MESSAGING_POLL_SECONDS", 0.1 if _SQLITE else 1.0),
    # How often expired leases are swept, and how often the sender writes its heartbeat.
    "SWEEP_SECONDS": env_float("MESSAGING_SWEEP_SECONDS", 2),
    "HEARTBEAT_SECONDS": env_float("MESSAGING_HEARTBEAT_SECONDS", 5),
    # /readyz and messaging_check: the sender is down when its last beat is older than this, and a due message
    # older than DUE_MAX_AGE_SECONDS means the outbox is not moving.
    "HEARTBEAT_MAX_AGE_SECONDS": env_float("MESSAGING_HEARTBEAT_MAX_AGE_SECONDS", 30),
    "DUE_MAX_AGE_SECONDS": env_float("MESSAGING_DUE_MAX_AGE_SECONDS", 30),
    # The MIA console's poll runs the alarms check (e-mail to the monitors on duty) at most this often.
    "ALARM_CHECK_SECONDS": env_float("MESSAGING_ALARM_CHECK_SECONDS", 10),
    # After a database error the sender waits, doubling up to this, and reconnects.
    "RECONNECT_MAX_SECONDS": env_float("MESSAGING_RECONNECT_MAX_SECONDS", 5),
    # A provider that reports delivery: a sent message without a report after this long is asked about.
    "DELIVERY_TIMEOUT_SECONDS": env_float("MESSAGING_DELIVERY_TIMEOUT_SECONDS", 10 * 60),
    # Messages claimed by one sender query.
    "CLAIM_MAX": int(os.environ.get("MESSAGING_CLAIM_MAX", "200")),
}
MIA = {
    "OTP_TTL_SECONDS": 10 * 60,
    "OTP_MAX_ATTEMPTS": 5,
    "OTP_MAX_PER_HOUR": 3,
    "OTP_RESEND_SECONDS": 60,
    # Codes sent per source address (the institute must not be made to text strangers in bulk), and in all per
    # hour as a circuit breaker; over a limit the API answers 429 and sends nothing.
    "OTP_MAX_PER_HOUR_IP": int(os.environ.get("MIA_OTP_MAX_PER_HOUR_IP", "5")),
    "OTP_MAX_PER_DAY_IP": int(os.environ.get("MIA_OTP_MAX_PER_DAY_IP", "15")),
    "OTP_MAX_PER_HOUR_TOTAL": int(os.environ.get("MIA_OTP_MAX_PER_HOUR_TOTAL", "300")),
    # Invitations a woman's account may send per day (adding and removing contacts must not text strangers).
    "INVITATIONS_PER_DAY": int(os.environ.get("MIA_INVITATIONS_PER_DAY", "10")),
    "PIN_MAX_FAILURES": 5,
    # A location's time may be this far from the server's clock (before the alert, or ahead of now).
    "LOCATION_CLOCK_SKEW_SECONDS": 5 * 60,
    "MAX_CONTACTS": 5,
    "ESCALATE_AFTER_SECONDS": int(os.environ.get("MIA_ESCALATE_AFTER_SECONDS", "180")),
    # Alerts raised by one run of the escalation sweep (the sender runs it every second).
    "ESCALATION_SWEEP_MAX": 500,
    "LOCATION_RETENTION_DAYS": int(os.environ.get("MIA_LOCATION_RETENTION_DAYS", "90")),
    # --- Beyond SMS (issue 21; docs/mia.md): each is configuration an institute switches on. ---------------
    # WhatsApp as a contact's channel (MESSAGING_BACKENDS["whatsapp"]); a WhatsApp message not delivered within
    # FALLBACK seconds is sent again by SMS, once.
    "WHATSAPP_ENABLED": env_bool("MIA_WHATSAPP_ENABLED", False),
    "WHATSAPP_FALLBACK_SECONDS": int(os.environ.get("MIA_WHATSAPP_FALLBACK_SECONDS", "30")),
    # A voice call to her principal contact when nobody acknowledged an alert within this many seconds.
    "VOICE_ENABLED": env_bool("MIA_VOICE_ENABLED", False),
    "VOICE_AFTER_SECONDS": int(os.environ.get("MIA_VOICE_AFTER_SECONDS", "120")),
    # "Acompáñame": a trip timer of MIN to MAX minutes that raises the alert by itself when it runs out.
    "TIMER_MIN_MINUTES": int(os.environ.get("MIA_TIMER_MIN_MINUTES", "10")),
    "TIMER_MAX_MINUTES": int(os.environ.get("MIA_TIMER_MAX_MINUTES", "120")),
    # The timers' expiry sweep (every second) fires at most this many per round.
    "TIMER_SWEEP_MAX": 500,
    # The hand-off to 9-1-1 / C4 (a webhook, or an e-mail or SMS to the dispatch desk), in parallel, never
    # instead; AUTO: also by itself for women whose linked case is at high risk with a protection order in force.
    "DISPATCH_CHANNEL": os.environ.get("MIA_DISPATCH_CHANNEL", ""),
    "DISPATCH_TARGET": os.environ.get("MIA_DISPATCH_TARGET", ""),
    "DISPATCH_SECRET": os.environ.get("MIA_DISPATCH_SECRET", ""),
    "DISPATCH_AUTO": env_bool("MIA_DISPATCH_AUTO", False),
    # A test alert (she checks that her network receives it) ends by itself after this many minutes.
    "TEST_ALERT_MINUTES": int(os.environ.get("MIA_TEST_ALERT_MINUTES", "10")),
}
# The monitors' map of an alert's trail in the console: a tile URL template ({z}/{x}/{y}, {s} for subdomains) and
# the credit its provider requires. Empty: no tiles, the console draws the trail without a street map.
MIA_MAP_TILES_URL = os.environ.get("MIA_MAP_TILES_URL", "")
MIA_MAP_ATTRIBUTION = os.environ.get("MIA_MAP_ATTRIBUTION", "")
