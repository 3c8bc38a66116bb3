"""Violeta's one settings module: everything that differs between machines comes from the environment.

Development needs nothing set: the database is an SQLite file under var/, and the secret key and the
encryption keys are generated once into var/. Production (VIOLETA_ENV=production) needs them given and
refuses to start with DEBUG on or with a development secret.
"""

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VIOLETA_VAR_DIR", BASE_DIR / "var"))

ENV = os.environ.get("VIOLETA_ENV", "development")
PRODUCTION = ENV == "production"
TESTING = os.environ.get("VIOLETA_TESTING") == "1"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _dev_secret(filename: str, make) -> str:
    """A secret generated once into var/ for development, so restarts keep sessions and encrypted data."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", not PRODUCTION)

if "SECRET_KEY" in os.environ:
    SECRET_KEY = os.environ["SECRET_KEY"]
elif PRODUCTION:
    raise ImproperlyConfigured("SECRET_KEY is required when VIOLETA_ENV=production.")
else:
    SECRET_KEY = _dev_secret("secret_key", lambda: "dev-" + secrets.token_urlsafe(50))

# Encryption keys for data at rest: a comma-separated list of base64 32-byte keys, newest first. The first
# encrypts; all of them decrypt, so a key can be rotated by prepending a new one (then `manage.py rotate_keys`).
if "VIOLETA_ENCRYPTION_KEYS" in os.environ:
    ENCRYPTION_KEYS = env_list("VIOLETA_ENCRYPTION_KEYS")
elif PRODUCTION:
    raise ImproperlyConfigured("VIOLETA_ENCRYPTION_KEYS is required when VIOLETA_ENV=production.")
else:
    ENCRYPTION_KEYS = [
        _dev_secret("encryption_key", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    ]

# The key of the tokens that are derived rather than stored (a card's QR and link, a referral letter's
# verification address; violeta.core.tokens). Empty: derived from SECRET_KEY. Set it on its own so that
# SECRET_KEY can be rotated without changing the QR of every printed card.
TOKEN_KEY = os.environ.get("VIOLETA_TOKEN_KEY", "")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when VIOLETA_ENV=production.")
    if SECRET_KEY.startswith("dev-") or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("SECRET_KEY must be a long random value, not a development default.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "violeta.core",
    "violeta.accounts",
    "violeta.audit",
    "violeta.people",
    "violeta.cases",
    "violeta.alerts",
    "violeta.notifications",
    "violeta.legal",
    "violeta.documents",
    "violeta.psychology",
    "violeta.socialwork",
    "violeta.violence",
    "violeta.agenda",
    "violeta.referrals",
    "violeta.card",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "violeta.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "violeta.core.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "violeta.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
    "violeta.core.middleware.NulByteMiddleware",
]

ROOT_URLCONF = "violeta.urls"
WSGI_APPLICATION = "violeta.wsgi.application"
ASGI_APPLICATION = "violeta.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "violeta" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "violeta.core.context_processors.institute",
                "violeta.notifications.context_processors.notices",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'violeta.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web server and the worker write at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

# --- Accounts ----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "violeta.accounts.adapters.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = False  # django-axes owns login throttling; allauth's own would double-count
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Violeta")

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Lock an account after 5 failures whatever the IP, and an IP after 5 failures whatever the account.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "login"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation ----------------------------------------------------------------------------------
LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", _("Spanish (Mexico)"))]
LOCALE_PATHS = [BASE_DIR / "violeta" / "locale"]
TIME_ZONE = "America/Chihuahua"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["violeta.formats"]

# --- Static files ------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "violeta" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(os.environ.get("VIOLETA_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded case documents: a private folder outside MEDIA and STATIC, served only by documents:download.
DOCUMENTS_ROOT = Path(os.environ.get("VIOLETA_DOCUMENTS_ROOT", VAR_DIR / "documents"))
DOCUMENTS_MAX_BYTES = int(os.environ.get("DOCUMENTS_MAX_BYTES", str(10 * 1024 * 1024)))

# --- Cache: shared by every process (rate limits must hold across gunicorn workers) -----------------------
# Redis when REDIS_URL (or CACHE_URL) is set; otherwise a table in the main database, created by a migration of
# the card app (`createcachetable`). Never the per-process local-memory cache: each worker would count apart.
_CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
if _CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "violeta_cache",
            "OPTIONS": {"MAX_ENTRIES": 50000},
        }
    }

# --- Tarjeta "Mi apoyo, Mi bienestar" --------------------------------------------------------------------
CARD = {
    # Eligibility rules, in order; each is a function (application data, today) -> a Spanish message or None.
    "ELIGIBILITY_RULES": [
        "violeta.card.eligibility.rule_minimum_age",
        "violeta.card.eligibility.rule_lives_in_municipality",
        "violeta.card.eligibility.rule_one_card_per_curp",
    ],
    "MIN_AGE": int(os.environ.get("CARD_MIN_AGE", "18")),
    "VALIDITY_YEARS": int(os.environ.get("CARD_VALIDITY_YEARS", "2")),
    # Uploads live outside the web root and are served only to the card office, through an audited view.
    "PRIVATE_ROOT": Path(os.environ.get("CARD_PRIVATE_ROOT", VAR_DIR / "private" / "card")),
    "UPLOAD_MAX_BYTES": 5 * 1024 * 1024,
    # Validation at the till: per account and per IP, attempts in a sliding minute and failures in 15 minutes.
    "RATE_PER_MINUTE_ACCOUNT": int(os.environ.get("CARD_RATE_PER_MINUTE_ACCOUNT", "30")),
    "RATE_PER_MINUTE_IP": int(os.environ.get("CARD_RATE_PER_MINUTE_IP", "60")),
    "FAILURES_PER_15_MINUTES": int(os.environ.get("CARD_FAILURES_PER_15_MINUTES", "10")),
}

# --- Background work ---------------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- SMS (MIA) ---------------------------------------------------------------------------------------------
# Like EMAIL_BACKEND: console (development), file (JSON lines, shared by web and worker), locmem (tests), or
# Twilio's REST API in production.
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND",
    "violeta.alerts.sms.twilio.TwilioBackend" if PRODUCTION else "violeta.alerts.sms.console.ConsoleBackend",
)
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms.jsonl"))
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM = os.environ.get("TWILIO_FROM", "")
TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
TWILIO_CONCURRENCY = int(os.environ.get("TWILIO_CONCURRENCY", "8"))  # requests at once from one worker
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
    "LOCATION_RETENTION_DAYS": int(os.environ.get("MIA_LOCATION_RETENTION_DAYS", "90")),
    "SMS_MAX_ATTEMPTS": 6,
    "SMS_BACKOFF_SECONDS": 15,
    "SMS_LEASE_SECONDS": 60,
    # One dispatch task takes up to this many due messages (its own and, under load, other alerts', whose
    # own tasks it deletes): fewer task runs per alert. Twilio sends TWILIO_CONCURRENCY of them at once.
    "SMS_DRAIN_MAX": int(os.environ.get("MIA_SMS_DRAIN_MAX", "50")),
    # An alert's dispatch task is due at the next multiple of this many milliseconds, so under load the alerts
    # of one window go out in one task run (see SMS_DRAIN_MAX) instead of one run each; 0 = due at once.
    "SMS_BATCH_WINDOW_MS": int(os.environ.get("MIA_SMS_BATCH_WINDOW_MS", "100")),
    # One escalation check also takes up to this many other due checks (their alerts checked, their tasks deleted).
    "ESCALATION_DRAIN_MAX": 100,
    "SMS_DELIVERY_TIMEOUT_SECONDS": 10 * 60,
}

# --- E-mail ------------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "violeta@localhost")

# --- Security ----------------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# --- Logging: never personal data; request ids tie a log line to the audit log ------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django.request": {"level": "ERROR"}},
}

# --- The institute: place-specific facts are configuration ------------------------------------------------
INSTITUTE = {
    "name": os.environ.get("INSTITUTE_NAME", "Instituto Municipal de las Mujeres"),
    "short_name": os.environ.get("INSTITUTE_SHORT_NAME", "IMM Chihuahua"),
    "folio_prefix": os.environ.get("INSTITUTE_FOLIO_PREFIX", "IMM"),
    "address": os.environ.get("INSTITUTE_ADDRESS", "Calle 4ta #2411, Col. Centro, Chihuahua, Chih."),
    "phone": os.environ.get("INSTITUTE_PHONE", "072 ext. 2604"),
    "municipality": os.environ.get("INSTITUTE_MUNICIPALITY", "Chihuahua"),
    "default_region": "MX",
}
